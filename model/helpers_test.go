package model

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
)

// Shorthands for hand-written histories.

func get(k string) Op                { return Op{Kind: Get, Key: k} }
func put(k, v string) Op             { return Op{Kind: Put, Key: k, Value: v} }
func appendOp(k, v string) Op        { return Op{Kind: Append, Key: k, Value: v} }
func cas(k, expect, v string) Op     { return Op{Kind: CAS, Key: k, Expect: expect, Value: v} }
func del(k string) Op                { return Op{Kind: Delete, Key: k} }
func found(v string) Outcome         { return Outcome{Result: Result{Value: v, Found: true}} }
func casOutcome(ok bool) Outcome     { return Outcome{Result: Result{OK: ok}} }
func done() Outcome                  { return Outcome{} }
func unknown() Outcome               { return Outcome{Unknown: true} }
func absentOutcome() Outcome         { return Outcome{Result: Result{Found: false}} }
func at(c int, call, ret int64) span { return span{c, call, ret} }

// span is a client and a time interval, the part of an Operation the tests vary least.
type span struct {
	client    int
	call, ret int64
}

func (s span) do(op Op, out Outcome) Operation {
	return Operation{ClientID: s.client, Op: op, Outcome: out, Call: s.call, Return: s.ret}
}

// genOptions shapes a synthetic history.
type genOptions struct {
	clients, keys, ops int
	unknownRate        float64 // share of writes whose outcome the client never learns
}

// plannedOp is an operation with the instant at which it takes effect.
type plannedOp struct {
	index   int
	atNs    int64
	applied bool // false for an unknown write that never took effect
}

// genHistory builds a linearizable history: closed-loop clients whose operations take
// effect at a random instant inside their interval, applied to a real store in instant
// order. Unknown writes take effect or not with equal chance and return at Never.
func genHistory(rng *rand.Rand, o genOptions) []Operation {
	history := make([]Operation, 0, o.ops)
	var plan []plannedOp
	clock := make([]int64, o.clients)
	for i := range o.ops {
		c := i % o.clients
		call := clock[c] + 10 + rng.Int64N(90)
		effect := call + 1 + rng.Int64N(50)
		ret := effect + 1 + rng.Int64N(50)
		clock[c] = ret
		op := genOp(rng, o.keys, i)
		out := done()
		applied := true
		if KV.IsWrite(op.Kind) && rng.Float64() < o.unknownRate {
			out, ret, applied = unknown(), Never, rng.IntN(2) == 0
		}
		history = append(history, Operation{ClientID: c, Op: op, Outcome: out, Call: call,
			Return: ret})
		plan = append(plan, plannedOp{index: i, atNs: effect, applied: applied})
	}
	slices.SortFunc(plan, func(a, b plannedOp) int { return cmp.Compare(a.atNs, b.atNs) })
	store := make(map[string]KeyState)
	for _, p := range plan {
		h := &history[p.index]
		if !p.applied {
			continue
		}
		st := store[h.Op.Key]
		var res Result
		st.Value, st.Present, res = Apply(st.Value, st.Present, h.Op)
		store[h.Op.Key] = st
		if !h.Outcome.Unknown {
			h.Outcome.Result = res
		}
	}
	return history
}

// genOp draws a workload-like operation: half reads, the rest spread over the writes.
func genOp(rng *rand.Rand, keys, i int) Op {
	k := fmt.Sprintf("k%d", rng.IntN(keys))
	v := fmt.Sprintf("v%d", i)
	switch n := rng.IntN(10); {
	case n < 5:
		return get(k)
	case n < 7:
		return put(k, v)
	case n < 8:
		return appendOp(k, v)
	case n < 9:
		// Recent values and "" (which matches a missing key) make both cas results common.
		expect := ""
		if rng.IntN(3) > 0 {
			expect = fmt.Sprintf("v%d", max(0, i-1-rng.IntN(20)))
		}
		return cas(k, expect, v)
	default:
		return del(k)
	}
}
