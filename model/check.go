package model

import (
	"fmt"
	"strings"

	"github.com/anishathalye/porcupine"
)

// Verdict is the outcome of checking one history against a workload's model.
type Verdict struct {
	// Ok is porcupine.Ok, porcupine.Illegal, or porcupine.Unknown when the search gave up
	// at maxStepBudget without deciding (see Decided). The budget counts model steps, not
	// time: a verdict that depends on machine speed would make a shrunk failure
	// unreproducible. A malformed history (Err set) is Illegal.
	Ok porcupine.CheckResult
	// Info is porcupine's linearization data for the HTML view; zero when Err is set, and
	// when a passing Check did not need porcupine (WriteHTML then computes it).
	Info porcupine.LinearizationInfo
	// IllegalKeys are the keys proven not linearizable, sorted; IllegalOps counts each
	// one's operations, index for index. Not necessarily every illegal key: see
	// UndecidedKeys.
	IllegalKeys []string
	IllegalOps  []int
	// UndecidedKeys are keys whose search was abandoned, sorted: once some key is proven
	// illegal, a key that needs more search effort than that proof took is not pursued,
	// since deciding it can cost exponential time and the verdict is already known. When no
	// key is proven illegal, these are the keys that made the whole verdict undecided.
	UndecidedKeys []string
	// Err is set when the history is malformed (see Validate); nothing was checked.
	Err error
	// Ops counts the operations of the history, the probe's included; Keys the distinct
	// keys (objects) the other operations act on.
	Ops, Keys int
	// ProbeOps counts the probe's operations (Workload.Probe): those marked
	// Operation.Probe, and any on the workload's probe key when it has one. They are the
	// liveness probe's and the stability window's, which Message counts apart from the
	// client operations.
	ProbeOps int
	// keyless records that every operation acts on the empty key: a workload without
	// keys, whose one object reports name as such.
	keyless bool
	// verbose records that Info was computed, so WriteHTML can tell a zero Verdict apart.
	verbose bool
	// budget is the step budget per key at which an undecided search gave up.
	budget int
	// w is the workload the history was checked against, for WriteHTML.
	w *Workload
}

// Linearizable reports whether the history passed. An undecided verdict did not pass.
func (v Verdict) Linearizable() bool { return v.Ok == porcupine.Ok && v.Err == nil }

// Decided reports whether the check reached a verdict. An undecided verdict is neither a
// pass nor a proof of a violation: the search of some key gave up at maxStepBudget model
// steps before finding a linearization or exhausting every order. Callers must report it
// as what it is (the harness fails the run with its own class), never as a pass.
func (v Verdict) Decided() bool { return v.Ok != porcupine.Unknown || v.Err != nil }

// Message is a one-line summary that depends only on the history, never on timings or
// paths, so it can be given to t.Fatalf and compared when rapid replays a shrunk failure.
func (v Verdict) Message() string {
	switch {
	case v.Err != nil:
		return "malformed history: " + v.Err.Error()
	case v.Linearizable():
		return "linearizable: " + v.size()
	case !v.Decided():
		return fmt.Sprintf("undecided: %s; the search gave up after %d model steps on %s "+
			"%s, neither linearizable nor proven not", v.size(), v.budget, v.objects(),
			quoteKeys(v.UndecidedKeys))
	}
	if v.keyless {
		return fmt.Sprintf("not linearizable: %s; the object is illegal (%d ops)", v.size(),
			v.IllegalOps[0])
	}
	parts := make([]string, len(v.IllegalKeys))
	for i, k := range v.IllegalKeys {
		parts[i] = fmt.Sprintf("%s (%d ops)", quoteKey(k), v.IllegalOps[i])
	}
	msg := fmt.Sprintf("not linearizable: %s; illegal %s: %s", v.size(), v.objects(),
		strings.Join(parts, ", "))
	if len(v.UndecidedKeys) > 0 {
		msg += fmt.Sprintf("; %s left undecided: %d", v.objects(), len(v.UndecidedKeys))
	}
	return msg
}

// size says how many operations over how many keys (objects) the history holds, counting
// the probe's operations apart.
func (v Verdict) size() string {
	over := fmt.Sprintf("over %d %s", v.Keys, v.objects())
	if v.keyless {
		over = "on one object"
	}
	if v.ProbeOps == 0 {
		return fmt.Sprintf("%d operations %s", v.Ops, over)
	}
	return fmt.Sprintf("%d operations %s (and %d probe %s)", v.Ops-v.ProbeOps, over,
		v.ProbeOps, v.probeNoun())
}

// Check decides whether a key-value history is linearizable (KV.Check).
func Check(history []Operation) Verdict { return KV.Check(history) }

// Check decides whether a history is linearizable under the workload's model, names the keys
// that fail and keeps what the HTML view needs. It validates the history first (see
// ValidateHistory).
//
// Porcupine cannot be asked to stop at a deterministic point, so Check bounds the search
// of each key by a number of model steps, deterministic where a timeout is not: it checks
// every key with a small step budget and multiplies the budget until either every key is
// linearizable or at least one is proven illegal, or the budget reaches maxStepBudget:
// then the verdict is undecided (see Decided), never a pass. The result depends only on
// the history. CheckOk is the cheaper pass/fail form.
//
// Check first tries to prove every key linearizable itself, by porcupine's search with
// porcupine's step count but without its allocations (see provenLinearizable); porcupine
// searches only when that fails. A verdict that passes may so lack the linearization data
// of the HTML view (WriteHTML computes it); a failing or undecided one always has it, for
// every key.
func (w *Workload) Check(history []Operation) Verdict {
	v, ki, ok := w.prepare(history)
	if !ok {
		return v
	}
	if w.provenLinearizable(history, ki) {
		v.Ok = porcupine.Ok // Info is left out: WriteHTML computes it when asked
		return v
	}
	// A key failed, or needs more steps than the budget: porcupine decides the history, so
	// that the verdict and its HTML view cover every key.
	return w.checkUpTo(v, history, ki.keys, ki.counts, maxStepBudget)
}

// checkVerbose is Check without proving keys first: every key through porcupine, so that
// the verdict carries the linearizations the HTML view draws.
func (w *Workload) checkVerbose(history []Operation) Verdict {
	v, ki, ok := w.prepare(history)
	if !ok {
		return v
	}
	return w.checkUpTo(v, history, ki.keys, ki.counts, maxStepBudget)
}

// prepare validates history and counts what the verdict reports; ok is false for a
// malformed history, whose verdict is then complete.
func (w *Workload) prepare(history []Operation) (v Verdict, ki keyIndex, ok bool) {
	v = Verdict{Ops: len(history), w: w}
	if err := w.ValidateHistory(history); err != nil {
		v.Ok, v.Err = porcupine.Illegal, err
		return v, keyIndex{}, false
	}
	ki = indexKeys(history)
	v.Keys, v.ProbeOps, v.keyless = w.countObjects(history, ki)
	return v, ki, true
}

// checkUpTo runs the budget loop of Check with the given most steps per key.
func (w *Workload) checkUpTo(v Verdict, history []Operation, keys []string, counts []int,
	most int) Verdict {
	ops := ToPorcupine(history)
	for budget := firstStepBudget; ; budget *= stepBudgetGrowth {
		budget = min(budget, most)
		if v.checkWithin(w, ops, keys, counts, budget) || budget == most {
			return v
		}
	}
}

// Step budgets per key for Check: the first one covers the histories of the standard
// workload (a few hundred steps per key); growth trades repeated work against overshoot;
// the most bounds the search of a pathological key (many concurrent writes of unknown
// outcome) to about half a minute, beyond which the verdict is undecided.
const (
	firstStepBudget  = 1 << 14
	stepBudgetGrowth = 8
	maxStepBudget    = 1 << 23
)

// stepBudget counts the model steps one key may still take. Each key's partition runs in
// its own porcupine goroutine, so each stepBudget is touched by one goroutine only.
type stepBudget struct {
	left    int
	tripped bool
}

// budgetedModel is the workload's model whose Step fails once its key's budget is spent.
// Failing steps make porcupine backtrack to the end of the search quickly, and a search that
// tripped its budget proves nothing. The map is only read while porcupine runs.
func budgetedModel(w *Workload, budgets map[string]*stepBudget) porcupine.Model {
	m := w.Model()
	m.Step = func(state, input, output any) (bool, any) {
		op := input.(Op)
		b := budgets[op.Key]
		if b.left == 0 {
			b.tripped = true
			return false, state
		}
		b.left--
		return w.Spec.Step(state, op, output.(Outcome))
	}
	return m
}

// checkWithin runs one verbose check of every key with the given budget and reports
// whether it decided the history; if so it fills in the verdict.
func (v *Verdict) checkWithin(w *Workload, ops []porcupine.Operation, keys []string,
	counts []int, budget int) bool {
	budgets := make(map[string]*stepBudget, len(keys))
	for _, k := range keys {
		budgets[k] = &stepBudget{left: budget}
	}
	result, info := porcupine.CheckOperationsVerbose(budgetedModel(w, budgets), ops, 0)
	if result == porcupine.Unknown {
		panic("model.Check: porcupine returned Unknown without a timeout")
	}
	if result == porcupine.Ok {
		v.Ok, v.Info, v.verbose, v.UndecidedKeys = porcupine.Ok, info, true, nil
		return true
	}
	complete := completeKeys(&info, len(keys), counts)
	var illegal, illegalOps []int
	var undecided []string
	for p, k := range keys {
		switch {
		case complete[p]:
		case budgets[k].tripped:
			undecided = append(undecided, k)
		default:
			illegal = append(illegal, p)
			illegalOps = append(illegalOps, counts[p])
		}
	}
	if len(illegal) == 0 {
		// Undecided so far: keep what the search found (its longest partial
		// linearizations), so the HTML view can show it without searching again.
		v.Ok, v.Info, v.verbose = porcupine.Unknown, info, true
		v.UndecidedKeys, v.budget = undecided, budget
		return false
	}
	v.Ok, v.Info, v.verbose = porcupine.Illegal, info, true
	v.UndecidedKeys, v.IllegalOps = undecided, illegalOps
	for _, p := range illegal {
		v.IllegalKeys = append(v.IllegalKeys, keys[p])
	}
	return true
}

// CheckOk reports whether a key-value history is valid and linearizable. It is porcupine's
// plain check: no visualisation data, keys checked in parallel, and it stops at whichever
// key is first proven illegal. It has no step budget, so it may search far longer than
// Check; its answer equals Check(history).Linearizable() whenever Check decides.
func CheckOk(history []Operation) bool {
	if Validate(history) != nil {
		return false
	}
	return porcupine.CheckOperations(KVModel(), ToPorcupine(history))
}

// completeKeys reports for each partition whether porcupine found a linearization of all
// its operations: it returns the longest partial linearizations per partition, and a
// partition is linearizable exactly when one of them covers every operation.
func completeKeys(info *porcupine.LinearizationInfo, keys int, counts []int) []bool {
	partials := info.PartialLinearizations()
	if len(partials) != keys {
		panic(fmt.Sprintf("model.Check: porcupine returned %d partitions for %d keys",
			len(partials), keys))
	}
	complete := make([]bool, keys)
	for p, lins := range partials {
		for _, lin := range lins {
			complete[p] = complete[p] || len(lin) == counts[p]
		}
	}
	return complete
}
