package cli

import (
	"fmt"
	"math/bits"
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

// seed is the k-th seed of this shard (0-based); it must be in range (see inRange).
func (s shard) seed(first uint64, k int) uint64 {
	return first + uint64(s.i) + uint64(k)*uint64(s.n)
}

// inRange reports whether the k-th seed of this shard is at most math.MaxUint64: seeds
// never wrap around to 0, which would run seeds of another campaign under this one's name.
func (s shard) inRange(first uint64, k int) bool {
	hi, step := bits.Mul64(uint64(k), uint64(s.n))
	if hi != 0 {
		return false
	}
	offset, carry := bits.Add64(step, uint64(s.i), 0)
	if carry != 0 {
		return false
	}
	_, carry = bits.Add64(first, offset, 0)
	return carry == 0
}

func (s shard) String() string { return fmt.Sprintf("%d/%d", s.i, s.n) }
