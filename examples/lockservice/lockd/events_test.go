package lockd

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
	"github.com/stretchr/testify/require"
)

// Every event is a short, distinct, lower-case name, and every Event constant of events.go
// is in Events(): one left out would be counted by campaigns but never waited for by a
// trigger.
func TestEventsAreListedOnceEach(t *testing.T) {
	word := regexp.MustCompile(`^[a-z]+(-[a-z]+)*$`)
	seen := map[string]bool{}
	for _, e := range Events() {
		require.Regexp(t, word, e, "an event is a fixed lower-case name")
		require.LessOrEqual(t, len(e), 64, "the world keeps names up to 64 bytes")
		require.False(t, seen[e], "%q is listed twice", e)
		seen[e] = true
	}
	f, err := parser.ParseFile(token.NewFileSet(), "events.go", nil, 0)
	require.NoError(t, err)
	declared := 0
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			for i, name := range spec.(*ast.ValueSpec).Names {
				if !strings.HasPrefix(name.Name, "Event") {
					continue
				}
				declared++
				lit := spec.(*ast.ValueSpec).Values[i].(*ast.BasicLit)
				value, err := strconv.Unquote(lit.Value)
				require.NoError(t, err)
				require.True(t, seen[value], "%s (%q) is not in Events()", name.Name, value)
			}
		}
	}
	require.Equal(t, len(seen), declared, "Events() lists a name events.go does not declare")
}

// recorder is a fakeEnv that hears the events a node reports.
type recorder struct {
	fakeEnv
	reached []string
}

func (r *recorder) Reached(event string) { r.reached = append(r.reached, event) }

var _ nodeapi.Reporter = (*recorder)(nil)

// boot starts node n1 of three on d and returns it with what it reported.
func boot(t *testing.T, d *memDisk) (*Node, *recorder) {
	t.Helper()
	env := &recorder{fakeEnv: fakeEnv{id: "n1", disk: d}}
	cfg := DefaultConfig()
	n, err := newNode(env, nodeapi.Boot{Peers: []nodeapi.NodeID{"n1", "n2", "n3"}}, &cfg)
	require.NoError(t, err)
	return n, env
}

func reportedAtBoot(t *testing.T, d *memDisk) []string {
	_, env := boot(t, d)
	return env.reached
}

// Recovery reports a dropped torn tail and a read it had to repeat, and nothing when the
// log was whole and read cleanly.
func TestRecoveryReportsTornTailAndReread(t *testing.T) {
	d := newMemDisk()
	writeLog(t, d)
	require.Empty(t, reportedAtBoot(t, d), "a clean recovery is no event")

	w := wal{disk: d}
	whole := len(d.files[WALFile])
	require.NoError(t, w.appendEntries(4, []Entry{cmd(3, 4, "d")}))
	d.files[WALFile] = d.files[WALFile][:whole+5]
	require.Equal(t, []string{EventTornTail}, reportedAtBoot(t, d))

	d.flipAt, d.badReads = wire.RecordHeader+2, 1
	require.Equal(t, []string{EventReread}, reportedAtBoot(t, d))
}

// A grant whose entry is of a later term than the lock's previous grant, and a command
// applied again, are the state machine's events, reported by the leader alone (every
// replica applies the same entries; the leader answers the client).
func TestApplyReportsOnTheLeaderOnly(t *testing.T) {
	acquire := func(term, seq uint64, owner string) Entry {
		return Entry{Term: term, Session: 7, Seq: seq,
			Op: nodeapi.Op{Kind: Acquire, Key: "l", Value: owner}}
	}
	release := func(term, seq uint64, owner string) Entry {
		e := acquire(term, seq, owner)
		e.Op.Kind = Release
		return e
	}
	log := []Entry{
		acquire(1, 1, "c1"), release(1, 2, "c1"),
		acquire(1, 3, "c2"), release(1, 4, "c2"), // token 2, same term: no event
		{Term: 2}, acquire(2, 5, "c1"), // token 3 in term 2: across a leader change
		acquire(2, 5, "c1"), // proposed again: applied once
	}
	for _, r := range []role{follower, leader} {
		n, env := boot(t, newMemDisk())
		n.role, n.log, n.commit = r, slices.Clone(log), uint64(len(log))
		n.apply()
		if r == follower {
			require.Empty(t, env.reached)
			continue
		}
		require.Equal(t, []string{EventTokenNewTerm, EventDuplicateCommand}, env.reached)
	}
}
