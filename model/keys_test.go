package model

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// indexKeys sorts the keys, counts each one's operations and maps each operation to its
// key; groups lists each key's operations in history order.
func TestIndexKeys(t *testing.T) {
	h := []Operation{at(0, 1, 2).do(get("b"), absentOutcome()),
		at(1, 1, 2).do(put("a", "x"), done()), at(0, 3, 4).do(get("b"), absentOutcome()),
		at(2, 0, 9).do(put("c", "y"), done())}
	ki := indexKeys(h)
	require.Equal(t, []string{"a", "b", "c"}, ki.keys)
	require.Equal(t, []int{1, 2, 1}, ki.counts)
	require.Equal(t, []int32{1, 0, 1, 2}, ki.of)
	start, byKey := ki.groups()
	require.Equal(t, []int{0, 1, 3, 4}, start)
	require.Equal(t, []int32{1, 0, 2, 3}, byKey)
}
