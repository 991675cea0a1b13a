package realrt

// Stats counts what the endpoint's transport did with datagrams, and its node's fail-stops,
// for tests and reports.
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
	// FailStops counts the node's fail-stops (nodeapi.FailStopper), each followed by a
	// restart from the disk or, if that failed, by RestartError.
	FailStops uint64
}

// Stats returns the endpoint's counters.
func (rt *Runtime) Stats() Stats {
	t := rt.tr
	s := Stats{Sent: t.stats.sent.Load(), Received: t.stats.received.Load(),
		DroppedFaults: rt.faults.Dropped(), NoRoute: t.stats.noRoute.Load(),
		BadFrames: t.stats.badFrames.Load(), WriteErrors: t.stats.writeErrors.Load(),
		Connects: t.stats.connects.Load(), Timers: rt.timers.pending(),
		FailStops: rt.life.failStops.Load()}
	s.DroppedQueue = rt.loop.droppedMsgs.Load()
	t.mu.Lock()
	for _, l := range t.links {
		s.DroppedQueue += l.out.dropped.Load()
	}
	t.mu.Unlock()
	return s
}
