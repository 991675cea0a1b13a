package sim

import (
	"math/rand/v2"
	"strconv"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Every component draws from its own random stream, named after what it serves ("net",
// "node/n1/2", "client/c1/1", "disk/n1"). A stream's seed is a hash of the world seed and the
// name, so adding a node or a client leaves every other stream untouched.

// splitmix64 advances *x and returns the next output of Vigna's SplitMix64, the standard
// way to spread one 64-bit seed into well-mixed seed words.
func splitmix64(x *uint64) uint64 {
	*x += 0x9e3779b97f4a7c15
	z := *x
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// streamSeed derives the two PCG seed words of the stream called name.
func streamSeed(seed uint64, name string) (uint64, uint64) {
	x := seed
	x = splitmix64(&x) ^ hashString(fnvOffset, name)
	return splitmix64(&x), splitmix64(&x)
}

// newRand returns the world's stream called name.
func (w *World) newRand(name string) *rand.Rand {
	a, b := streamSeed(w.opts.Seed, name)
	return rand.New(rand.NewPCG(a, b))
}

// incName names the stream of one incarnation of an endpoint.
func incName(prefix string, id nodeapi.NodeID, inc uint32) string {
	return prefix + string(id) + "/" + strconv.FormatUint(uint64(inc), 10)
}
