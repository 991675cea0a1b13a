// Package node breaks every rule of the node contract once.
package node

import (
	crand "crypto/rand"
	"maps"
	"math/rand"
	randv2 "math/rand/v2"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

type node struct {
	env   nodeapi.Env
	peers map[nodeapi.NodeID]int
	mu    sync.Mutex   // want `sync.Mutex is for goroutines`
	n     atomic.Int64 // want `sync/atomic.Int64 is for goroutines`
	ready chan bool    // want `channel type: a node never blocks`
	onOp  func(int)
}

func (n *node) clock() {
	start := time.Now()                    // want `time.Now reads the wall clock: use env.Now\(\)`
	_ = time.Since(start)                  // want `time.Since reads the wall clock: use env.Now\(\).Sub\(t\)`
	_ = time.Until(start)                  // want `time.Until reads the wall clock`
	time.Sleep(time.Millisecond)           // want `time.Sleep blocks on the wall clock`
	<-time.After(time.Second)              // want `time.After starts a wall-clock timer` `channel receive blocks`
	_ = time.Tick(time.Second)             // want `time.Tick starts a wall-clock ticker`
	_ = time.NewTimer(time.Second)         // want `time.NewTimer starts a wall-clock timer`
	_ = time.NewTicker(time.Second)        // want `time.NewTicker starts a wall-clock ticker`
	time.AfterFunc(time.Second, func() {}) // want `time.AfterFunc starts a wall-clock timer`
	_ = time.Duration(3) * time.Second     // durations as values are fine
	_ = n.env.Now().Add(time.Second)       // the Env's clock is the one to read
}

func (n *node) goroutines() {
	go n.clock()           // want `go statement starts a goroutine`
	c := make(chan int, 1) // want `channel type`
	c <- 1                 // want `channel send blocks`
	select {               // want `select blocks on channels`
	case v := <-c:
		_ = v
	default:
	}
	for range c { // want `range over a channel blocks`
	}
}

func (n *node) random() {
	_ = rand.Intn(3)                        // want `math/rand.Intn draws from a global random source: use env.Rand\(\)`
	_ = randv2.IntN(3)                      // want `math/rand/v2.IntN draws from a global random source`
	_ = rand.New(rand.NewSource(1)).Intn(3) // a seeded source of its own is no global
	var b [8]byte
	_, _ = crand.Read(b[:]) // want `crypto/rand.Read reads the operating system's randomness`
	_ = n.env.Rand().IntN(3)
}

func (n *node) io() {
	_, _ = os.ReadFile("x")    // want `os.ReadFile does I/O past the simulator: use env.Disk\(\)`
	_ = os.Getenv("X")         // want `os.Getenv does I/O`
	_, _ = net.Dial("tcp", "") // want `net.Dial does I/O`
	_ = net.ParseIP("::1")     // pure
	_ = os.ErrNotExist         // an error value to compare with
}

func (n *node) broadcast(msg []byte) {
	for id := range n.peers { // want `range over map n.peers visits it in random order, and the body sends \(n.env.Send at node.go:\d+\)`
		n.env.Send(id, msg)
	}
}

func (n *node) send(id nodeapi.NodeID) { n.env.Send(id, nil) }

func (n *node) relay() { n.send("a") }

func (n *node) viaHelpers() {
	for id := range n.peers { // want `the body sends \(n.env.Send at node.go:\d+, through n.relay -> n.send\)`
		_ = id
		n.relay()
	}
	for range maps.Keys(n.peers) { // want `range over maps.Keys\(n.peers\) visits it in random order, and the body schedules a timer`
		n.env.After(time.Second, func() {})
	}
	for id := range n.peers { // want `the body writes to the disk`
		_ = n.env.Disk().Append(string(id), nil)
	}
	for range n.peers { // want `the body draws from the node's random stream`
		_ = n.env.Rand().Uint64()
	}
	for id := range n.peers { // want `the body writes to the trace log`
		n.env.Logf("peer %s", id)
	}
	for id := range n.peers { // want `the body reports a protocol event`
		nodeapi.Reach(n.env, string(id))
	}
	for _, v := range n.peers { // want `the body calls the callback n.onOp`
		n.onOp(v)
	}
}

func (n *node) order() ([]nodeapi.NodeID, nodeapi.NodeID) {
	var ids []nodeapi.NodeID
	for id := range n.peers { // want `the body appends to ids \(node.go:\d+\), in the order of the keys, and does not sort it afterwards`
		ids = append(ids, id)
	}
	for id, v := range n.peers { // want `the body returns id \(node.go:\d+\), whichever key comes first`
		if v > 2 {
			return ids, id
		}
	}
	return ids, ""
}
