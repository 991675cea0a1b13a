package realrt

import (
	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Stop ends the endpoint gracefully: the node's Stop (nodeapi.Stopper) runs on the loop,
// then no callback runs again; streams are closed with ErrPeerStopped for their peers;
// connections close; the syncs the node already asked for complete (their callbacks are
// not run) and the disk is unlocked. Unsynced lazy writes are discarded: the contract's disk
// keeps what was synced. Stop must not be called from a callback; it is idempotent.
func (rt *Runtime) Stop() {
	rt.stopOnce.Do(func() {
		_ = rt.loop.do(func() {
			if s, ok := rt.node.(nodeapi.Stopper); ok {
				s.Stop()
			}
		})
		rt.shutdown(true)
	})
}

// Kill ends the endpoint as a crash would, for tests that cannot kill a process: no Stop
// callback, queued callbacks and syncs are dropped, connections are cut, and a lazy disk
// loses its unsynced writes. (With an eager disk the operating system already has every
// write, so only a real machine crash could lose them.)
func (rt *Runtime) Kill() {
	rt.stopOnce.Do(func() { rt.shutdown(false) })
}

func (rt *Runtime) shutdown(graceful bool) {
	rt.loop.stop()
	rt.timers.stopAll()
	rt.streams.stopAll(graceful)
	rt.tr.close()
	rt.streams.wg.Wait()
	rt.loop.wait()
	if graceful {
		rt.disk.Close()
	} else {
		rt.disk.Kill()
	}
}

// Stats counts what the endpoint's transport did with datagrams, for tests and reports.
type Stats struct {
	// Sent counts datagrams queued towards a peer; Received those read from connections.
	Sent, Received uint64
	// DroppedQueue counts datagrams lost to full or discarded send queues and to a full
	// inbox; DroppedFaults those the drop table dropped; NoRoute those for a peer with no
	// address and no connection to answer on.
	DroppedQueue, DroppedFaults, NoRoute uint64
	// BadFrames counts connections ended by a damaged frame; WriteErrors connections ended
	// by a failed write; Connects connections established (both directions).
	BadFrames, WriteErrors, Connects uint64
	// Timers counts the armed timers.
	Timers int
}

// Stats returns the endpoint's counters.
func (rt *Runtime) Stats() Stats {
	t := rt.tr
	s := Stats{Sent: t.stats.sent.Load(), Received: t.stats.received.Load(),
		DroppedFaults: rt.faults.Dropped(), NoRoute: t.stats.noRoute.Load(),
		BadFrames: t.stats.badFrames.Load(), WriteErrors: t.stats.writeErrors.Load(),
		Connects: t.stats.connects.Load(), Timers: rt.timers.pending()}
	s.DroppedQueue = rt.loop.droppedMsgs.Load()
	t.mu.Lock()
	for _, l := range t.links {
		s.DroppedQueue += l.out.dropped.Load()
	}
	t.mu.Unlock()
	return s
}

// Connected reports whether the endpoint's link to peer has a connection up (false for a
// peer without an address).
func (rt *Runtime) Connected(peer nodeapi.NodeID) bool {
	rt.tr.mu.Lock()
	defer rt.tr.mu.Unlock()
	l := rt.tr.links[peer]
	return l != nil && l.up.Load()
}
