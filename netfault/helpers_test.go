package netfault_test

import (
	"math/rand/v2"
	"testing"

	"github.com/simfuzz/simfuzz/netfault"
)

// newNet makes a network with k endpoints named e0.., every link set to c.
func newNet(t testing.TB, seed uint64, c netfault.LinkConfig, k int) (*netfault.Network,
	[]netfault.Endpoint) {
	t.Helper()
	n := netfault.New(rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		netfault.Config{Default: c})
	eps := make([]netfault.Endpoint, k)
	for i := range eps {
		eps[i] = n.AddEndpoint(string(rune('a' + i)))
	}
	return n, eps
}

// msg is a datagram from -> to carrying payload.
func msg(from, to netfault.Endpoint, payload string) netfault.Message {
	return netfault.Message{From: from, To: to, Payload: []byte(payload)}
}

// sendOne sends m at now and returns its deliveries.
func sendOne(n *netfault.Network, now int64, m netfault.Message) []netfault.Delivery {
	return n.Send(now, m, nil)
}
