package realrt

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/require"
)

func reader(b []byte) *bufio.Reader { return bufio.NewReader(bytes.NewReader(b)) }

func TestFrameRoundTrip(t *testing.T) {
	var buf []byte
	msgs := [][]byte{[]byte("a"), {}, bytes.Repeat([]byte{0xAB}, 70000)}
	for _, m := range msgs {
		buf = appendFrame(buf, kindDatagram, m)
	}
	r := reader(buf)
	for _, m := range msgs {
		kind, body, err := readFrame(r)
		require.NoError(t, err)
		require.Equal(t, kindDatagram, kind)
		require.Equal(t, len(m), len(body))
		require.True(t, bytes.Equal(m, body))
	}
	_, _, err := readFrame(r)
	require.ErrorIs(t, err, io.EOF, "a clean end between frames is EOF")
}

// Every single-bit flip anywhere in a frame is caught: by the checksum, by the length
// bound, or as a frame cut short; never delivered as a different message.
func TestFrameEveryBitFlipIsCaught(t *testing.T) {
	frame := appendFrame(nil, kindDatagram, []byte("hello, raft"))
	for bit := range len(frame) * 8 {
		bad := bytes.Clone(frame)
		bad[bit/8] ^= 1 << (bit % 8)
		_, _, err := readFrame(reader(bad))
		require.Error(t, err, "bit %d", bit)
		ok := errors.Is(err, errChecksum) || errors.Is(err, errFrameSize) ||
			errors.Is(err, io.ErrUnexpectedEOF)
		require.True(t, ok, "bit %d: %v", bit, err)
	}
}

// A connection that ends inside a frame loses that frame (ErrUnexpectedEOF), never
// delivers a prefix of it.
func TestFrameCutShortIsLost(t *testing.T) {
	frame := appendFrame(nil, kindDatagram, []byte("0123456789"))
	for n := 1; n < len(frame); n++ {
		_, _, err := readFrame(reader(frame[:n]))
		require.ErrorIs(t, err, io.ErrUnexpectedEOF, "cut at %d", n)
	}
}

func TestFrameLengthBounded(t *testing.T) {
	var hdr [frameHeader]byte
	binary.LittleEndian.PutUint32(hdr[:], maxPayload+1)
	_, _, err := readFrame(reader(hdr[:]))
	require.ErrorIs(t, err, errFrameSize)
	binary.LittleEndian.PutUint32(hdr[:], 0)
	_, _, err = readFrame(reader(hdr[:]))
	require.ErrorIs(t, err, errFrameSize, "a frame always holds its kind byte")
}

func TestHelloRoundTrip(t *testing.T) {
	h := hello{from: "n1", to: "c7", purpose: purposeStream, stream: 1 << 40}
	got, err := decodeHello(h.encode())
	require.NoError(t, err)
	require.Equal(t, h, got)
	bad := [][]byte{nil, {9, 1, 0}, {helloVersion, 7, 0, 1, 'a', 0},
		{helloVersion, byte(purposeLink), 0, 0, 0}, // no sender
		append(h.encode(), 0)}                      // trailing byte
	for _, b := range bad {
		_, err := decodeHello(b)
		require.Error(t, err, "%v", b)
	}
}
