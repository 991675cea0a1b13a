package lockd

import "github.com/simfuzz/simfuzz/harness/nodeapi"

// syncer batches Syncs: at most one is in flight, and a callback waits for the first Sync
// issued after it asked, which covers every write the node made before. After a failed Sync
// the node fail-stops where the runtime can restart it (the failed fsync may have dropped
// the writes it covered: "fsyncgate"); elsewhere the Sync is issued again.
type syncer struct {
	inFlight bool
	// mark is the last log index the in-flight Sync covers, lowered if the log is cut
	// below it meanwhile (the entries it covers there are not the log's any more).
	mark    uint64
	current []func()
	next    []func()
	// synced is the last log index known durable with the log's current contents.
	synced uint64
}

// whenDurable calls f once everything written so far is durable, unless the node halts or
// crashes first. f must re-check the state it relies on (the term, the role): the world
// may have moved on while the disk was busy.
func (n *Node) whenDurable(f func()) {
	s := &n.sync
	s.next = append(s.next, f)
	if !s.inFlight {
		n.issueSync()
	}
}

func (n *Node) issueSync() {
	s := &n.sync
	s.inFlight, s.mark = true, n.lastIndex()
	s.current, s.next = s.next, nil
	n.env.Disk().Sync(n.synced)
}

// synced completes the in-flight Sync.
func (n *Node) synced(err error) {
	s := &n.sync
	if n.halted {
		return
	}
	if err != nil {
		nodeapi.Reach(n.env, EventSyncFailed)
		if fs, ok := n.env.(nodeapi.FailStopper); ok {
			n.Stop()
			fs.FailStop("sync failed: " + err.Error())
			return
		}
		s.next = append(s.current, s.next...)
		n.issueSync()
		return
	}
	s.synced = max(s.synced, s.mark)
	done := s.current
	s.current, s.inFlight = nil, false
	for _, f := range done {
		f()
	}
	if len(s.next) > 0 && !s.inFlight {
		n.issueSync()
	}
}

// truncate drops the entries at index from and after, which conflict with the leader's. A
// committed entry is never dropped: that would be a safety bug, stopped here.
func (n *Node) truncate(from uint64) {
	if from <= n.commit {
		panic("lockd: " + string(n.id) + " would truncate committed entry " +
			FormatToken(from) + " (commit " + FormatToken(n.commit) + ")")
	}
	nodeapi.Reach(n.env, EventTruncate)
	if n.sync.inFlight && from <= n.sync.mark {
		nodeapi.Reach(n.env, EventTruncateSyncing)
	}
	n.log = n.log[:from-1]
	n.sync.synced = min(n.sync.synced, from-1)
	n.sync.mark = min(n.sync.mark, from-1)
}
