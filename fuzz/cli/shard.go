package cli

import (
	"fmt"
	"strconv"
	"strings"
)

// shard is "i/n": this process runs the seeds first+i, first+i+n, first+i+2n, ... so n
// processes with i = 0..n-1 cover the seed range without overlap.
type shard struct{ i, n int }

func parseShard(text string) (shard, error) {
	a, b, ok := strings.Cut(text, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil {
		return shard{}, usagef("--shard %q: want i/n, e.g. 0/4", text)
	}
	if n < 1 || i < 0 || i >= n {
		return shard{}, usagef("--shard %q: want 0 <= i < n", text)
	}
	return shard{i: i, n: n}, nil
}

// seed is the k-th seed of this shard.
func (s shard) seed(first uint64, k int) uint64 {
	return first + uint64(s.i) + uint64(k)*uint64(s.n)
}

func (s shard) String() string { return fmt.Sprintf("%d/%d", s.i, s.n) }
