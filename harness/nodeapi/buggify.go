package nodeapi

// Buggify sites are fault points inside a system's own code, after FoundationDB's BUGGIFY
// and madsim's buggify: a branch that takes a rare path on purpose (apply later, send a
// smaller batch, time out early, answer twice) so that simulation reaches it far more often
// than production does.
//
//	if nodeapi.Buggify(env, "raft.delayed-apply") {
//		env.After(50*time.Millisecond, n.apply)
//		return
//	}
//
// A runtime decides once per run which sites are active (the simulator: the sites the
// scenario names; the real runtime: none unless a chaos switch turns them on), and an active
// site fires on some of its calls. A site that is off costs one interface check and one
// lookup, so sites stay in production code.
//
// A site name is a short fixed string, "system.what-happens" in lower case ("raft.tiny-batch",
// "lockd.slow-grant"), never built from indexes or IDs; a target lists every name its code
// uses (fuzz.Target.BuggifySites), so that scenarios can name them.

// DefaultBuggifyProb is how often an active site fires per call with Buggify: a quarter of
// its calls, as FoundationDB's BUGGIFY does.
const DefaultBuggifyProb = 0.25

// MaxBuggifySite bounds the length of a site name.
const MaxBuggifySite = 64

// Buggifier is implemented by an Env whose runtime can activate buggify sites. Call Buggify
// or BuggifyProb rather than asserting the interface at every call.
type Buggifier interface {
	// Buggify reports whether site fires on this call: false when the site is not active in
	// this run, otherwise true with probability p (0 never, 1 always).
	Buggify(site string, p float64) bool
}

// Buggify reports whether the buggify site fires on this call (DefaultBuggifyProb of the
// calls of an active site). On a runtime without buggify it is always false.
func Buggify(env Env, site string) bool {
	return BuggifyProb(env, site, DefaultBuggifyProb)
}

// BuggifyProb is Buggify with the probability p that an active site fires on this call.
func BuggifyProb(env Env, site string, p float64) bool {
	if b, ok := env.(Buggifier); ok {
		return b.Buggify(site, p)
	}
	return false
}
