package realrt

import (
	"io"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/stretchr/testify/require"
)

// badProxy forwards TCP connections to target; on its first connection it damages the
// dialer-to-target direction once: it cuts both ways after cutAfter bytes, or flips the byte
// at flipAt. Later connections pass through untouched.
type badProxy struct {
	ln       net.Listener
	target   string
	cutAfter int
	flipAt   int
	conns    atomic.Int32
}

func startProxy(t *testing.T, target string, cutAfter, flipAt int) *badProxy {
	p := &badProxy{ln: freeListener(t), target: target, cutAfter: cutAfter, flipAt: flipAt}
	t.Cleanup(func() { p.ln.Close() })
	go p.serve()
	return p
}

func (p *badProxy) serve() {
	for {
		in, err := p.ln.Accept()
		if err != nil {
			return
		}
		out, err := net.Dial("tcp", p.target)
		if err != nil {
			in.Close()
			continue
		}
		first := p.conns.Add(1) == 1
		go func() { _, _ = io.Copy(in, out); in.Close() }()
		go p.forward(in, out, first)
	}
}

func (p *badProxy) forward(in, out net.Conn, damage bool) {
	defer out.Close()
	defer in.Close()
	buf := make([]byte, 512)
	sent := 0
	for {
		n, err := in.Read(buf)
		if err != nil {
			return
		}
		chunk := buf[:n]
		if damage && p.cutAfter > 0 && sent+n > p.cutAfter {
			_, _ = out.Write(chunk[:p.cutAfter-sent])
			return // both ways closed, mid-frame
		}
		if damage && p.flipAt >= sent && p.flipAt < sent+n {
			chunk[p.flipAt-sent] ^= 0x40
		}
		sent += n
		if _, err := out.Write(chunk); err != nil {
			return
		}
	}
}

// message i is "i:" followed by 1000 copies of byte i, so a receiver can tell an intact
// message from a damaged one.
func message(i int) string {
	return strconv.Itoa(i) + ":" + strings.Repeat(string(rune('a'+i%26)), 1000)
}

// sendThroughProxy sends 200 messages from a to b through a bad proxy and checks that b
// received only intact messages, each once, in order, and some after the damage.
func sendThroughProxy(t *testing.T, cutAfter, flipAt int) (b *Runtime, got []int) {
	lb := freeListener(t)
	p := startProxy(t, lb.Addr().String(), cutAfter, flipAt)
	peers := map[nodeapi.NodeID]string{"b": p.ln.Addr().String()}
	a, _ := endpoint(t, "a", nil, peers, false)
	b, rb := endpoint(t, "b", lb, map[nodeapi.NodeID]string{}, false)
	for i := range 200 {
		send(t, a, "b", message(i))
		time.Sleep(200 * time.Microsecond)
	}
	eventually(t, 10*time.Second, "deliveries after the damage", func() bool {
		r := rb.received()
		return len(r) > 0 && strings.HasPrefix(r[len(r)-1].msg, "199:")
	})
	for _, d := range rb.received() {
		i, err := strconv.Atoi(d.msg[:strings.IndexByte(d.msg, ':')])
		require.NoError(t, err, "damaged prefix %.20q", d.msg)
		require.Equal(t, message(i), d.msg, "message %d delivered damaged", i)
		if len(got) > 0 {
			require.Greater(t, i, got[len(got)-1], "out of order or duplicated")
		}
		got = append(got, i)
	}
	require.GreaterOrEqual(t, p.conns.Load(), int32(2), "the link reconnected")
	return b, got
}

// A connection lost in the middle of a frame loses whole messages, never delivers a part.
func TestLostConnectionLosesWholeMessages(t *testing.T) {
	_, got := sendThroughProxy(t, 5500, -1)
	require.Less(t, len(got), 200, "the message cut in half must be lost")
	require.Contains(t, got, 0, "messages before the cut arrive")
}

// A damaged byte ends the connection at the damaged frame; nothing damaged is delivered.
func TestCorruptedFrameIsNeverDelivered(t *testing.T) {
	b, got := sendThroughProxy(t, 0, 4000)
	require.Less(t, len(got), 200, "the damaged message must be lost")
	require.GreaterOrEqual(t, b.Stats().BadFrames, uint64(1))
	require.Contains(t, got, 0, "messages before the damage arrive")
}
