package netfault

import "math/rand/v2"

// Network holds every link's configuration and every fault currently in force.
// SKELETON: the method set below is the contract with package harness; bodies to be written.
type Network struct {
	rng *rand.Rand
	cfg Config
}

// New makes a network whose random choices come from rng alone.
func New(rng *rand.Rand, cfg Config) *Network { return &Network{rng: rng, cfg: cfg} }

// AddEndpoint registers a new endpoint (node or client); name is for messages and errors.
func (n *Network) AddEndpoint(name string) Endpoint { panic("unimplemented") }

// Name returns the name an endpoint was registered with.
func (n *Network) Name(e Endpoint) string { panic("unimplemented") }

// SetLink sets the configuration of the directed link from -> to.
func (n *Network) SetLink(from, to Endpoint, c LinkConfig) { panic("unimplemented") }

// Link returns the configuration of the directed link from -> to.
func (n *Network) Link(from, to Endpoint) LinkConfig { panic("unimplemented") }

// SetAllLinks sets every link, present and future, to c.
func (n *Network) SetAllLinks(c LinkConfig) { panic("unimplemented") }

// Partition splits endpoints into groups that cannot reach each other (both directions).
// Endpoints named in no group form one more group of their own.
func (n *Network) Partition(groups ...[]Endpoint) { panic("unimplemented") }

// Cut blocks the direction from -> to only (a one-way partition).
func (n *Network) Cut(from, to Endpoint) { panic("unimplemented") }

// Isolate cuts e off from every other endpoint in both directions.
func (n *Network) Isolate(e Endpoint) { panic("unimplemented") }

// Heal removes every partition, cut and isolation (not clogs, not link settings).
func (n *Network) Heal() { panic("unimplemented") }

// Reachable reports whether a message from -> to would currently pass the partitions.
func (n *Network) Reachable(from, to Endpoint) bool { panic("unimplemented") }

// Clog holds every message to or from e until Unclog. ClogLink does so for one direction.
func (n *Network) Clog(e Endpoint)            { panic("unimplemented") }
func (n *Network) ClogLink(from, to Endpoint) { panic("unimplemented") }

// Unclog lifts a clog and appends the held messages that may now move to out, in the order
// they were held, each due at now. Messages still blocked by another clog stay held.
func (n *Network) Unclog(now int64, e Endpoint, out []Delivery) []Delivery {
	panic("unimplemented")
}
func (n *Network) UnclogLink(now int64, from, to Endpoint, out []Delivery) []Delivery {
	panic("unimplemented")
}

// SetFilter installs (or, with nil, removes) the per-message hook.
func (n *Network) SetFilter(f Filter) { panic("unimplemented") }

// Send decides the fate of m sent at now and appends zero (lost, filtered, partitioned),
// one, or two (duplicated) deliveries to out.
func (n *Network) Send(now int64, m Message, out []Delivery) []Delivery { panic("unimplemented") }

// Arrive is called when a delivery falls due. A partition made after the send still stops
// the message (Drop); a clog holds it (Hold, kept inside the network).
func (n *Network) Arrive(now int64, m Message) Verdict { panic("unimplemented") }

// DropHeld discards every held message to or from e (e crashed) and returns how many.
func (n *Network) DropHeld(e Endpoint) int { panic("unimplemented") }
