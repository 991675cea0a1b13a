package generators_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// opKinds lists the operation kinds of s's clients.
func opKinds(s scenario.Scenario) map[string]int {
	kinds := map[string]int{}
	for _, c := range s.Clients {
		for _, op := range c.Ops {
			kinds[op.Kind]++
		}
	}
	return kinds
}

// OpKinds restricts the key-value clients to the kinds it lists, and each listed kind is
// drawn; an empty list draws all five.
func TestOpKindsRestrictKeyValueClients(t *testing.T) {
	o := generators.Default()
	o.OpKinds = []string{"put", "get"}
	seen := map[string]int{}
	for seed := range 200 {
		for k, n := range opKinds(generators.Scenario(o).Example(seed)) {
			seen[k] += n
		}
	}
	require.ElementsMatch(t, []string{"get", "put"}, mapKeys(seen), "%v", seen)

	seen = map[string]int{}
	for seed := range 200 {
		for k, n := range opKinds(generators.Scenario(generators.Default()).Example(seed)) {
			seen[k] += n
		}
	}
	require.ElementsMatch(t, generators.KVKinds(), mapKeys(seen))
}

func mapKeys(m map[string]int) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// DrawKind over an unrestricted mix is one IntRange draw over the shares: the draws of
// targets that restrict nothing stay what they were.
func TestDrawKindUnrestrictedIsOneRangeDraw(t *testing.T) {
	mix := []generators.KindShare{{Kind: "a", Share: 3}, {Kind: "b", Share: 1}}
	for seed := range 50 {
		got := rapid.Custom(func(t *rapid.T) string {
			return generators.DrawKind(t, "kind", mix, nil)
		}).Example(seed)
		p := rapid.IntRange(0, 3).Example(seed)
		require.Equal(t, map[bool]string{true: "a", false: "b"}[p < 3], got, "seed %d", seed)
	}
}

// Without Membership no membership change is drawn, neither as a fault, a pattern's
// member, nor a trigger's action; with it (the default) all three come up.
func TestMembershipOffDrawsNoMembershipChange(t *testing.T) {
	count := func(o generators.Options) (changes int) {
		for seed := range 400 {
			if scenario.ChangesMembership(generators.Scenario(o).Example(seed).Faults) {
				changes++
			}
		}
		return changes
	}
	o := generators.Default()
	require.Positive(t, count(o))
	o.Membership = false
	require.Zero(t, count(o))
	o.Kinds = []scenario.FaultKind{scenario.FaultTrigger}
	require.Zero(t, count(o), "a trigger's action is a membership change")
	o.Membership = true
	require.Positive(t, count(o), "triggers do draw membership actions")
}

// Options refuse an operation kind the key-value clients do not know, naming the known.
func TestOpKindsAreValidated(t *testing.T) {
	o := generators.Default()
	o.OpKinds = []string{"get", "scan"}
	require.ErrorContains(t, o.Validate(), `"scan" is not a key-value kind (get, put, append`)
	o.OpKinds = []string{"get", "get"}
	require.ErrorContains(t, o.Validate(), `OpKinds lists "get" twice`)
	o.OpKinds = []string{"scan"}
	o.Clients = func(*rapid.T, generators.Options) []scenario.ClientScript { return nil }
	require.NoError(t, o.Validate(), "a target's own clients know their own kinds")
}
