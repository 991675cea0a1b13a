package nodeapi

// Kinds is a workload's vocabulary of operation kinds, one list of names shared by node
// code, generators, scenario files, the checker and reports: Kind(i+1) is named Kinds[i].
// A system declares it once and derives its Kind constants from it by name, so a kind is
// never a bare number in one place and a name in another:
//
//	var Kinds = nodeapi.Kinds{"add", "read"}
//	var (
//		Add  = Kinds.Of("add")
//		Read = Kinds.Of("read")
//	)
//
// model.KindsOf turns the same list into a workload's kind table.
type Kinds []string

// Of returns the kind named name, or the invalid zero Kind when the list lacks it (an Op
// of kind 0 is refused everywhere, so a misspelt name cannot pass unnoticed).
func (ks Kinds) Of(name string) Kind {
	for i, n := range ks {
		if n == name {
			return Kind(i + 1)
		}
	}
	return 0
}

// Name returns k's name, or "" for a kind outside the list.
func (ks Kinds) Name(k Kind) string {
	if k < 1 || int(k) > len(ks) {
		return ""
	}
	return ks[k-1]
}

// Valid reports whether k is one of the list's kinds.
func (ks Kinds) Valid(k Kind) bool { return k >= 1 && int(k) <= len(ks) }
