package netfault

import (
	"fmt"
	"math/rand/v2"
)

// Network holds every link's configuration and every fault currently in force. It is a
// single-threaded, sans-IO state machine: every method must be called from the world's one
// goroutine, and the same sequence of calls on a Network made with the same seed gives the
// same decisions.
//
// Payloads are never mutated by the network. A delivery may share its payload slice with the
// sender (the common, allocation-free case), so neither sender nor receiver may write to a
// payload after Send. Duplicated and corrupted messages get their own copy.
type Network struct {
	// seed is the root of every link's random stream (see linkRand).
	seed   [2]uint64
	filter Filter
	// def is the config of links laid out from now on. Configs are shared between links and
	// never written through: a change installs a new one.
	def   *LinkConfig
	stats Stats

	names []string
	// links is a matrix indexed by from*stride+to. Only the links among the first laid
	// endpoints are laid out: AddEndpoint merely names an endpoint, and layLinks lays out
	// the links of every endpoint added since on the next use of a link, so the endpoints
	// a run adds at its start cost one layout, not one per endpoint. An endpoint added
	// after the links were used grows stride geometrically (see layLinks).
	links  []link
	stride int
	laid   int
	// ready is laid while every named endpoint is laid out, else 0 (an endpoint waits):
	// linkOf's fast path is then one comparison per endpoint.
	ready uint

	// group is each endpoint's partition group; 0 is the group of endpoints named in no
	// group of the last Partition call. Reachable compares two ints, so it stays O(1).
	group    []int32
	isolated []bool
	// split is set by Partition, Cut and Isolate and cleared by Heal: while it is false
	// every endpoint reaches every other, and reachable answers without reading the three
	// layers (a datagram asks twice, at Send and at Arrive).
	split   bool
	clogged []bool
	// held keeps clogged messages in the order they arrived; Unclog releases them in order.
	held []Message
	// seq numbers the messages sent onto links with a capacity (see admit).
	seq uint64
	// age holds the message-age rules (hold, replay) and what they have in flight.
	age ageState
}

// link is the state of one directed link.
type link struct {
	// cfg is shared (with the default, or with the links SetAllLinks set), and read-only.
	cfg *LinkConfig
	// rng is the link's own stream: traffic on one link never shifts the draws of another,
	// so removing one client's operation while shrinking leaves other links' fates alone.
	rng *rand.Rand
	// pcg is rng's source, for the draws of every datagram (see draw.go).
	pcg *rand.PCG
	// lastAt is the latest delivery time scheduled on the link (any message); a FIFO link
	// never schedules before it.
	lastAt int64
	// streamLastAt is the same for stream chunks alone: streams stay FIFO on a link that
	// lets datagrams reorder.
	streamLastAt int64
	cut          bool
	clogged      bool
	// rare holds a capacity and broken streams, on the few links that get them.
	rare *linkRare
}

// New makes a network whose random choices all derive from two draws of rng, then one
// stream per directed link named by its endpoints' names. Every link, present and future,
// starts as cfg.Default. It panics on a nil rng or an invalid cfg (caller bugs: the harness
// validates user input with Config.Validate first).
func New(rng *rand.Rand, cfg Config) *Network {
	if rng == nil {
		panic("netfault: New with a nil *rand.Rand")
	}
	mustValid("New", cfg.Default)
	return &Network{seed: [2]uint64{rng.Uint64(), rng.Uint64()}, def: newConfig(cfg.Default)}
}

// linkRand is the stream of the link from -> to: a function of the seed and the two names
// only, so it does not depend on the order endpoints were added.
func (n *Network) linkRand(from, to string) *rand.Rand {
	var p rand.PCG
	n.seedLink(&p, from, to)
	return rand.New(&p)
}

// seedLink seeds p as the source of linkRand(from, to).
func (n *Network) seedLink(p *rand.PCG, from, to string) {
	h := uint64(14695981039346656037)
	for _, s := range [...]string{from, "\x00->\x00", to} {
		for i := 0; i < len(s); i++ {
			h = (h ^ uint64(s[i])) * 1099511628211
		}
	}
	p.Seed(n.seed[0]^h, n.seed[1]+h*0x9e3779b97f4a7c15)
}

// AddEndpoint registers a new endpoint (node or client); name is for messages and errors.
// Its links in both directions take the current default config. It is in partition group 0
// (with the endpoints named in no group), not isolated and not clogged. Endpoints are added
// at setup, not per message: the links of new endpoints are laid out when a link is next
// used, in O(n^2) for all the endpoints added since (see layLinks).
func (n *Network) AddEndpoint(name string) Endpoint {
	e := Endpoint(len(n.names))
	n.names = append(n.names, name)
	n.ready = 0
	n.group = append(n.group, 0)
	n.isolated = append(n.isolated, false)
	n.clogged = append(n.clogged, false)
	return e
}

// layLinks lays out the links of the endpoints added since its last call, each with the
// current default config and its own stream, linkRand(from, to): the default only changes
// through SetAllLinks, which sets every link to it anyway, and a link's stream depends on
// its endpoints' names alone, so a link laid out late is the link AddEndpoint would have
// made. The streams of one layout share two allocations. A layout leaves room for a
// quarter more endpoints, and at least two: most runs add one or two endpoints once links
// are in use (a probe client, an admin client, a spare server), and a run that keeps adding
// endpoints re-lays out O(log n) times, not n times.
func (n *Network) layLinks() {
	size := len(n.names)
	if size == n.laid {
		return
	}
	if size > n.stride {
		stride := size + max(2, size/4)
		links := make([]link, stride*stride)
		for from := range n.laid {
			copy(links[from*stride:from*stride+n.laid], n.links[from*n.stride:])
		}
		n.links, n.stride = links, stride
	}
	fresh := size*size - n.laid*n.laid
	pcgs := make([]rand.PCG, fresh)
	rands := make([]rand.Rand, fresh)
	k := 0
	for from := range size {
		for to := range size {
			if from < n.laid && to < n.laid {
				continue
			}
			n.seedLink(&pcgs[k], n.names[from], n.names[to])
			rands[k] = *rand.New(&pcgs[k])
			n.links[from*n.stride+to] = link{cfg: n.def, rng: &rands[k], pcg: &pcgs[k]}
			k++
		}
	}
	n.laid = size
	n.ready = uint(size)
}

// Endpoints returns how many endpoints have been added; they are 0 .. Endpoints()-1.
func (n *Network) Endpoints() int { return len(n.names) }

// Name returns the name an endpoint was registered with. It panics on an unknown endpoint.
func (n *Network) Name(e Endpoint) string {
	n.mustKnow("Name", e)
	return n.names[e]
}

// SetLink sets the configuration of the directed link from -> to. It panics on an unknown
// endpoint or an invalid config (validate user input with LinkConfig.Validate first). The
// link's FIFO history is kept, so a link made FIFO again never delivers before a message it
// already scheduled.
func (n *Network) SetLink(from, to Endpoint, c LinkConfig) {
	mustValid("SetLink", c)
	l := n.linkOf("SetLink", from, to)
	if c == *n.def {
		l.cfg = n.def
	} else {
		l.cfg = newConfig(c)
	}
}

// Link returns the configuration of the directed link from -> to.
func (n *Network) Link(from, to Endpoint) LinkConfig {
	return *n.linkOf("Link", from, to).cfg
}

// Default returns the config that endpoints added from now on get.
func (n *Network) Default() LinkConfig { return *n.def }

// SetAllLinks sets every link, present and future, to c: it replaces the default and every
// per-link setting. It panics on an invalid config.
func (n *Network) SetAllLinks(c LinkConfig) {
	mustValid("SetAllLinks", c)
	n.def = newConfig(c)
	for i := range n.links { // slots not laid out yet are laid with n.def
		n.links[i].cfg = n.def
	}
}

// newConfig is a heap copy of c for links to share.
func newConfig(c LinkConfig) *LinkConfig { return &c }

// SetFilter installs (or, with nil, removes) the per-message hook. See Send for when it
// runs.
func (n *Network) SetFilter(f Filter) { n.filter = f }

// Stats returns the counters accumulated since New.
func (n *Network) Stats() Stats { return n.stats }

// Known reports whether e was handed out by AddEndpoint; the harness can use it to reject
// bad user input before calling a method that would panic.
func (n *Network) Known(e Endpoint) bool { return uint(e) < uint(len(n.names)) }

func (n *Network) mustKnow(where string, e Endpoint) {
	if !n.Known(e) {
		panic(fmt.Sprintf("netfault: %s: unknown endpoint %d (have %d)",
			where, e, len(n.names)))
	}
}

// linkOf returns the state of from -> to, panicking with the caller's name on an unknown
// endpoint.
func (n *Network) linkOf(where string, from, to Endpoint) *link {
	// Every message goes through here twice (Send, Arrive): the common case, known
	// endpoints with their links laid out, is two comparisons and an index.
	if l := n.laidLink(from, to); l != nil {
		return l
	}
	return n.linkSlow(where, from, to)
}

// laidLink is linkOf's fast path, small enough to be inlined into Send and Arrive: the
// link from -> to if every endpoint is laid out and both are known, else nil.
func (n *Network) laidLink(from, to Endpoint) *link {
	if r := n.ready; uint(from) < r && uint(to) < r {
		return &n.links[n.index(from, to)]
	}
	return nil
}

// linkSlow is linkOf for an unknown endpoint (a panic) or links not laid out yet; apart,
// it leaves linkOf small enough to be inlined into Send and Arrive.
func (n *Network) linkSlow(where string, from, to Endpoint) *link {
	n.mustKnow(where, from)
	n.mustKnow(where, to)
	n.layLinks()
	return &n.links[n.index(from, to)]
}
