package scenario

// Size is the measure of a scenario that shrinking reduces: operations and faults.
func (s Scenario) Size() (ops, faults int) {
	for _, c := range s.Clients {
		ops += len(c.Ops)
	}
	return ops, len(s.Faults)
}
