package journal_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/internal/journal"
)

// disk is a disk built as the simulator builds one from the package: a durable image, a
// current image that shares arrays with it and with the ops, the pending log and the
// marks of the syncs under way.
type disk struct {
	durable, current map[string][]byte
	log              journal.Log
	syncs            []journal.Mark
}

func newDisk() *disk {
	return &disk{durable: map[string][]byte{}, current: map[string][]byte{}}
}

func (d *disk) do(op journal.Op) {
	journal.Apply(d.current, &op, journal.Whole)
	d.log.Append(op)
}

// sync completes the oldest sync under way; with lose, it fails and loses its writes.
func (d *disk) sync(lose bool) {
	covered, _ := d.log.Split(d.syncs[0])
	d.syncs = d.syncs[1:]
	if !lose {
		journal.Replay(d.durable, covered)
	}
	d.log.Trim(len(covered))
	if lose {
		d.current = journal.Image(d.durable, d.log.Ops())
	}
}

func (d *disk) crash(intn func(int) int) {
	if intn != nil {
		journal.Tear(d.durable, d.log.Ops(), intn)
	}
	d.log.Reset()
	d.syncs = nil
	d.current = journal.Clip(d.durable)
}

// ref is the same disk done the slow way, sharing nothing: strings for files, a list of
// op copies for the log.
type ref struct {
	durable map[string]string
	pending []refOp
	syncs   []int // how many of pending each sync covers
}

type refOp struct {
	kind     journal.Kind
	name, to string
	data     string
	size     int
}

func (r ref) current() map[string]string {
	cur := map[string]string{}
	for k, v := range r.durable {
		cur[k] = v
	}
	for _, op := range r.pending {
		op.apply(cur)
	}
	return cur
}

func (op refOp) apply(files map[string]string) {
	switch op.kind {
	case journal.Write:
		files[op.name] = op.data
	case journal.Append:
		files[op.name] += op.data
	case journal.Truncate:
		if f, ok := files[op.name]; ok {
			files[op.name] = f[:min(op.size, len(f))]
		}
	case journal.Rename:
		if f, ok := files[op.name]; ok {
			delete(files, op.name)
			files[op.to] = f
		}
	case journal.Remove:
		delete(files, op.name)
	}
}

// randomOp draws an op valid on the current image, as a disk's methods check them, into
// an Op whose data the caller's buffer then overwrites, as a node reusing it would.
func randomOp(rng *rand.Rand, cur map[string]string, buf []byte) (journal.Op, refOp) {
	names := []string{"a", "b", "c"}
	name := names[rng.IntN(len(names))]
	f, ok := cur[name]
	data := buf[:rng.IntN(6)]
	for i := range data {
		data[i] = byte('a' + rng.IntN(26))
	}
	r := refOp{name: name, data: string(data)}
	switch k := rng.IntN(8); {
	case !ok || k < 2:
		r.kind = journal.Write
	case k < 5:
		r.kind = journal.Append
	case k == 5:
		r.kind, r.size, r.data = journal.Truncate, rng.IntN(len(f)+1), ""
	case k == 6:
		// The disks make no op of a rename onto itself.
		to := names[(slices.Index(names, name)+1+rng.IntN(len(names)-1))%len(names)]
		r.kind, r.to, r.data = journal.Rename, to, ""
	default:
		r.kind, r.data = journal.Remove, ""
	}
	op := journal.Op{Kind: r.kind, Name: r.name, To: r.to, Size: r.size}
	if r.kind == journal.Write || r.kind == journal.Append {
		op.Data = journal.Exact(data)
	}
	return op, r
}

// The rule, on random histories of writes, syncs, syncs that lose their writes, crashes
// and torn crashes: reads see durable + pending; a sync moves what it covers from pending
// to durable; a crash keeps the durable image, a torn one plus a prefix of the pending.
// The disk built from the package, sharing slices, must agree with the one that shares
// nothing at every step.
func TestTheRuleOnRandomHistories(t *testing.T) {
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 1))
		d, r := newDisk(), ref{durable: map[string]string{}}
		buf := make([]byte, 8)
		for step := range 300 {
			switch k := rng.IntN(20); {
			case k < 12:
				op, rop := randomOp(rng, r.current(), buf)
				d.do(op)
				r.pending = append(r.pending, rop)
				clear(buf)
			case k < 15:
				d.syncs = append(d.syncs, d.log.Mark())
				r.syncs = append(r.syncs, len(r.pending))
			case k < 18 && len(d.syncs) > 0:
				lose := rng.IntN(4) == 0
				d.sync(lose)
				r.sync(lose)
			case k == 18:
				d.crash(nil)
				r.pending, r.syncs = nil, nil
			case k == 19:
				cut, keep := r.tear(rng)
				d.crash(script(t, cut, keep))
			}
			require.Equal(t, r.durable, strs(d.durable), "seed %d step %d", seed, step)
			require.Equal(t, r.current(), strs(d.current), "seed %d step %d", seed, step)
			require.Equal(t, strs(d.current), strs(journal.Image(d.durable, d.log.Ops())),
				"seed %d step %d: current != durable + pending", seed, step)
		}
	}
}

func (r *ref) sync(lose bool) {
	n := r.syncs[0]
	r.syncs = r.syncs[1:]
	for _, op := range r.pending[:n] {
		if !lose {
			op.apply(r.durable)
		}
	}
	r.pending = r.pending[n:]
	for i := range r.syncs {
		r.syncs[i] -= n
	}
}

// tear crashes the reference with a torn write at a random point and returns the draws
// that make Tear do the same (keep is -1 where Tear must not draw it).
func (r *ref) tear(rng *rand.Rand) (cut, keep int) {
	cut, keep = -1, -1
	if len(r.pending) > 0 {
		cut = rng.IntN(len(r.pending) + 1)
		for _, op := range r.pending[:cut] {
			op.apply(r.durable)
		}
		if cut < len(r.pending) && (r.pending[cut].kind == journal.Write ||
			r.pending[cut].kind == journal.Append) {
			op := r.pending[cut]
			keep = rng.IntN(len(op.data) + 1)
			op.data = op.data[:keep]
			op.apply(r.durable)
		}
	}
	r.pending, r.syncs = nil, nil
	return cut, keep
}

// script is an intn that answers cut then keep, checking the bound Tear asks each with.
func script(t *testing.T, answers ...int) func(int) int {
	return func(n int) int {
		require.NotEmpty(t, answers, "Tear drew more than it should")
		require.NotEqual(t, -1, answers[0], "Tear drew where it should not")
		a := answers[0]
		answers = answers[1:]
		require.Less(t, a, n, "Tear drew from too narrow a range")
		return a
	}
}

// Every torn crash keeps the durable image plus a prefix of the pending ops, the last one
// perhaps cut to a prefix of its bytes; every such outcome is possible; and the draws come
// in the documented order: the point, then the bytes only of a write or an append.
func TestTornCrashKeepsAPrefix(t *testing.T) {
	pending := []journal.Op{appendOp("log", "abc"), {Kind: journal.Rename, Name: "log",
		To: "wal"}, write("meta", "xy")}
	durable := func() map[string][]byte { return files("log", "0") }
	seen := map[string]bool{}
	for cut := range len(pending) + 1 {
		bounds := []int{}
		var got map[string][]byte
		for keep := 0; ; keep++ {
			got = durable()
			draws := []int{cut, keep}
			bounds = bounds[:0]
			journal.Tear(got, pending, func(n int) int {
				bounds = append(bounds, n)
				a := draws[0]
				draws = draws[1:]
				return a
			})
			seen[describe(got)] = true
			if len(bounds) < 2 || keep+1 >= bounds[1] {
				break
			}
		}
		require.Equal(t, len(pending)+1, bounds[0], "the point is drawn first")
		if cut < len(pending) && pending[cut].Kind != journal.Rename {
			require.Equal(t, []int{len(pending) + 1, len(pending[cut].Data) + 1}, bounds)
		} else {
			require.Len(t, bounds, 1, "nothing more is drawn at cut %d", cut)
		}
	}
	// A write torn to nothing still makes its file, empty: there is no "wal=0abc" alone.
	want := []string{"log=0", "log=0a", "log=0ab", "log=0abc", "meta= wal=0abc",
		"meta=x wal=0abc", "meta=xy wal=0abc"}
	for _, w := range want {
		require.True(t, seen[w], "outcome %q never happened; got %v", w, seen)
	}
	require.Len(t, seen, len(want))

	got := durable()
	journal.Tear(got, nil, func(int) int { panic("drew with nothing pending") })
	require.Equal(t, map[string]string{"log": "0"}, strs(got))
}

// describe renders an image in name order, for sets of outcomes.
func describe(files map[string][]byte) string {
	var parts []string
	for _, name := range []string{"log", "meta", "wal"} {
		if f, ok := files[name]; ok {
			parts = append(parts, name+"="+string(f))
		}
	}
	return strings.Join(parts, " ")
}
