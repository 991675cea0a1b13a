package netfault

import "fmt"

// Partitions are three independent layers, all cleared by Heal:
//   - a group id per endpoint (Partition): different groups cannot talk;
//   - a cut flag per directed link (Cut): one direction blocked;
//   - an isolated flag per endpoint (Isolate): cut off from everyone else.
// Reachable consults each in O(1).

// ValidatePartition reports whether groups name only known endpoints and no endpoint in
// two groups. The harness calls it on user input; Partition panics on what it rejects.
func (n *Network) ValidatePartition(groups ...[]Endpoint) error {
	seen := make([]int, len(n.names))
	for gi, g := range groups {
		for _, e := range g {
			if !n.Known(e) {
				return fmt.Errorf("netfault: partition group %d names unknown endpoint %d",
					gi, e)
			}
			if prev := seen[e]; prev != 0 && prev != gi+1 {
				return fmt.Errorf("netfault: endpoint %d (%s) is in partition groups %d and %d",
					e, n.names[e], prev-1, gi)
			}
			seen[e] = gi + 1
		}
	}
	return nil
}

// Partition splits endpoints into groups that cannot reach each other (both directions).
// Endpoints named in no group, including endpoints added later, form one more group of
// their own. A new Partition replaces the previous one; cuts and isolations stay in force
// until Heal. It panics on input ValidatePartition rejects.
func (n *Network) Partition(groups ...[]Endpoint) {
	if err := n.ValidatePartition(groups...); err != nil {
		panic(err.Error())
	}
	clear(n.group)
	n.split = true
	for gi, g := range groups {
		for _, e := range g {
			n.group[e] = int32(gi + 1)
		}
	}
}

// Cut blocks the direction from -> to only (a one-way partition). Cutting e -> e has no
// effect on Reachable, since an endpoint always reaches itself.
func (n *Network) Cut(from, to Endpoint) {
	n.linkOf("Cut", from, to).cut = true
	n.split = true
}

// Isolate cuts e off from every other endpoint in both directions, until Heal.
func (n *Network) Isolate(e Endpoint) {
	n.mustKnow("Isolate", e)
	n.isolated[e] = true
	n.split = true
}

// Heal removes every partition, cut and isolation (not clogs, not link settings). Messages
// already in flight are not resurrected: those dropped at send stay dropped, and a stream
// that broke stays broken.
func (n *Network) Heal() {
	clear(n.group)
	clear(n.isolated)
	n.split = false
	for i := range n.links {
		n.links[i].cut = false
	}
}

// Reachable reports whether a message from -> to would currently pass the partitions.
// from == to is always reachable: a node can always talk to itself. It panics on an unknown
// endpoint.
func (n *Network) Reachable(from, to Endpoint) bool {
	return n.reachable(n.linkOf("Reachable", from, to), from, to)
}
