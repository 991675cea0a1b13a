package realcluster

import (
	"context"
	"fmt"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/model"
)

// monitorPeriod is how often the monitor asks the servers who leads.
const monitorPeriod = 250 * time.Millisecond

// monitor watches the leader while the run goes on and notes each change on the timeline
// of the HTML view, next to the faults (the real-run counterpart of the simulated world's
// leader annotations).
func (n *nemesis) monitor(ctx context.Context) {
	var last nodeapi.NodeID
	var lastTerm uint64
	for sleepCtx(ctx, monitorPeriod) {
		leader, term := n.leaderAndTerm()
		if leader == "" || (leader == last && term == lastTerm) {
			continue
		}
		last, lastTerm = leader, term
		n.mu.Lock()
		n.notes = append(n.notes, model.Note{Start: n.h.now(), End: -1,
			Text: fmt.Sprintf("leader %s term %d", leader, term), Tag: "leader",
			Client: model.GlobalClient})
		n.mu.Unlock()
	}
}

func (n *nemesis) leaderAndTerm() (nodeapi.NodeID, uint64) {
	var leader nodeapi.NodeID
	var term uint64
	for id, st := range n.c.Statuses() {
		if st.Role == "leader" && (st.Term > term || (st.Term == term && id < leader)) {
			leader, term = id, st.Term
		}
	}
	return leader, term
}

// snapshotNotes returns the notes so far; faults still open end now.
func (n *nemesis) snapshotNotes() []model.Note {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := append([]model.Note(nil), n.notes...)
	now := n.h.now()
	for _, o := range n.open {
		out[o.note].End = now
	}
	return out
}

// faultLog returns the lines of the faults applied and undone.
func (n *nemesis) faultLog() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.lines...)
}
