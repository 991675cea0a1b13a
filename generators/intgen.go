package generators

import (
	"sync"

	"pgregory.net/rapid"
)

// intGens keeps one rapid.IntRange generator per range. rapid builds a new generator object
// for every call of IntRange, and a scenario draws some hundred integers; a generator is
// immutable once built (its description is computed once, under a sync.Once), so one per
// range serves every draw of every job. Draws are the same either way.
var intGens = struct {
	sync.Mutex
	m map[[2]int]*rapid.Generator[int]
}{m: map[[2]int]*rapid.Generator[int]{}}

// maxIntGens bounds the cache: ranges built from a scenario's sizes are few, but a bound
// keeps a pathological caller from growing it without limit.
const maxIntGens = 4096

// intRange is rapid.IntRange(lo, hi), built once per range.
func intRange(lo, hi int) *rapid.Generator[int] {
	key := [2]int{lo, hi}
	intGens.Lock()
	defer intGens.Unlock()
	g, ok := intGens.m[key]
	if !ok {
		g = rapid.IntRange(lo, hi)
		if len(intGens.m) < maxIntGens {
			intGens.m[key] = g
		}
	}
	return g
}
