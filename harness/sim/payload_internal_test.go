package sim

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Copies carved from one chunk are independent: each equals its message, has no spare
// capacity, and a receiver appending to one never writes into the next.
func TestPayloadSlabCopiesAreIndependent(t *testing.T) {
	var s payloadSlab
	require.Nil(t, s.copyOf(nil))
	src := []byte("first")
	a := s.copyOf(src)
	b := s.copyOf([]byte("second"))
	src[0] = 'X'
	require.Equal(t, "first", string(a), "the copy does not share the sender's buffer")
	require.Equal(t, len(a), cap(a))
	_ = append(a, "clobber"...)
	require.Equal(t, "second", string(b))
	big := make([]byte, slabMax+1)
	c := s.copyOf(big)
	require.Len(t, c, slabMax+1)
	d := s.copyOf([]byte("after"))
	require.Equal(t, "after", string(d))
	for i := 0; i < 3*slabChunk/len("message"); i++ {
		m := s.copyOf([]byte("message"))
		require.Equal(t, "message", string(m))
	}
	require.Equal(t, "first", string(a), "a new chunk leaves old copies alone")
}
