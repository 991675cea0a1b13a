package realrt

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// A connection carries frames:
//
//	[0:4]   payload length n, little endian
//	[4:8]   CRC-32C of bytes [0:4] and of the payload
//	[8:8+n] payload: one kind byte, then the kind's body
//
// The checksum covers the length too, so a damaged length is caught instead of making the
// reader skip to a wrong frame boundary. A frame that fails its checksum ends the
// connection: what follows it cannot be trusted, and losing messages is allowed where
// delivering a corrupted one is not.

const frameHeader = 8

// MaxMessage bounds one datagram or stream chunk, like the simulated world's limit, so a
// damaged or hostile length cannot make a reader allocate without bound.
const MaxMessage = 64 << 20

// maxPayload is MaxMessage plus the room a frame's own fields take.
const maxPayload = MaxMessage + 1024

type frameKind uint8

const (
	kindHello        frameKind = iota + 1 // hello: the first frame each way on a connection
	kindDatagram                          // one Env.Send message
	kindStreamAccept                      // the acceptor took the stream
	kindStreamRefuse                      // the acceptor refused the stream
	kindStreamData                        // one Stream.Write chunk
	kindStreamClose                       // the writer's end closed; body: a closeReason
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Frame errors. errChecksum and errFrameSize mean the byte stream is damaged.
var (
	errChecksum  = errors.New("realrt: frame checksum mismatch")
	errFrameSize = errors.New("realrt: frame length out of range")
)

// appendFrame appends one frame of the given kind whose body is the concatenation of parts.
func appendFrame(buf []byte, kind frameKind, parts ...[]byte) []byte {
	n := 1
	for _, p := range parts {
		n += len(p)
	}
	start := len(buf)
	buf = binary.LittleEndian.AppendUint32(buf, uint32(n))
	buf = append(buf, 0, 0, 0, 0, byte(kind))
	for _, p := range parts {
		buf = append(buf, p...)
	}
	sum := crc32.Update(0, castagnoli, buf[start:start+4])
	sum = crc32.Update(sum, castagnoli, buf[start+frameHeader:])
	binary.LittleEndian.PutUint32(buf[start+4:], sum)
	return buf
}

// readFrame reads the next frame. The payload is a fresh slice the caller owns: a
// delivered datagram belongs to the receiving node. io.EOF means the peer closed between
// frames; io.ErrUnexpectedEOF means the connection ended inside one (a lost frame).
func readFrame(r *bufio.Reader) (frameKind, []byte, error) {
	var hdr [frameHeader]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return 0, nil, err
	}
	n := binary.LittleEndian.Uint32(hdr[0:4])
	if n == 0 || n > maxPayload {
		return 0, nil, fmt.Errorf("%w: %d bytes", errFrameSize, n)
	}
	payload, err := readN(r, int(n))
	if err != nil {
		return 0, nil, err
	}
	sum := crc32.Update(0, castagnoli, hdr[0:4])
	if crc32.Update(sum, castagnoli, payload) != binary.LittleEndian.Uint32(hdr[4:8]) {
		return 0, nil, errChecksum
	}
	return frameKind(payload[0]), payload[1:], nil
}

// readN reads exactly n bytes, growing the buffer as they arrive rather than trusting the
// length up front: a damaged length must not cost a 64 MiB allocation before the checksum
// can reject it.
func readN(r *bufio.Reader, n int) ([]byte, error) {
	const step = 64 << 10
	buf := make([]byte, 0, min(n, step))
	for len(buf) < n {
		k := min(n-len(buf), step)
		if cap(buf)-len(buf) < k {
			buf = append(buf[:cap(buf)], make([]byte, k)...)[:len(buf)]
		}
		m, err := io.ReadFull(r, buf[len(buf):len(buf)+k])
		buf = buf[:len(buf)+m]
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
	return buf, nil
}

// hello is the first frame each way on a connection: who speaks, whom it meant to reach
// (a listener that is not that node closes the connection, which catches a reused port),
// and what the connection is for.
type hello struct {
	from, to string
	purpose  purpose
	// stream is the dialer's stream number when purpose is purposeStream.
	stream uint64
}

type purpose uint8

const (
	purposeLink   purpose = iota + 1 // datagrams, both ways
	purposeStream                    // one nodeapi.Stream
)

const helloVersion = 1

// maxIDLen bounds a node ID on the wire.
const maxIDLen = 1 << 10

func (h hello) encode() []byte {
	b := []byte{helloVersion, byte(h.purpose)}
	b = binary.AppendUvarint(b, h.stream)
	b = appendString(b, h.from)
	return appendString(b, h.to)
}

func decodeHello(body []byte) (hello, error) {
	if len(body) < 2 || body[0] != helloVersion {
		return hello{}, errors.New("realrt: hello of an unknown version")
	}
	h := hello{purpose: purpose(body[1])}
	rest := body[2:]
	var ok bool
	if h.stream, rest, ok = readUvarint(rest); !ok {
		return hello{}, errors.New("realrt: hello with a bad stream number")
	}
	if h.from, rest, ok = readString(rest); !ok || h.from == "" {
		return hello{}, errors.New("realrt: hello without a sender")
	}
	if h.to, rest, ok = readString(rest); !ok || len(rest) != 0 {
		return hello{}, errors.New("realrt: hello with a bad recipient")
	}
	if h.purpose != purposeLink && h.purpose != purposeStream {
		return hello{}, fmt.Errorf("realrt: hello with unknown purpose %d", h.purpose)
	}
	return h, nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func readUvarint(b []byte) (uint64, []byte, bool) {
	v, n := binary.Uvarint(b)
	if n <= 0 {
		return 0, b, false
	}
	return v, b[n:], true
}

func readString(b []byte) (string, []byte, bool) {
	n, rest, ok := readUvarint(b)
	if !ok || n > maxIDLen || n > uint64(len(rest)) {
		return "", b, false
	}
	return string(rest[:n]), rest[n:], true
}
