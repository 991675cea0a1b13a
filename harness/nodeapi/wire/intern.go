package wire

// Interner hands out one string for each distinct byte sequence it has been given, so that
// a decoder of names that recur (client IDs, keys of a small key space) allocates each
// name once instead of once per message. It remembers at most InternMax names; beyond that
// it returns fresh copies, so a stream of distinct names costs a copy each, as Str does,
// and never unbounded memory. The zero Interner is ready to use; it is not safe for
// concurrent use.
type Interner struct {
	names map[string]string
	// recent holds remembered names, each in a slot picked by its first and last bytes
	// and its length: a decoder of a few names finds most of them here with one compare,
	// where the map costs a hash and a probe.
	recent [internSlots]string
}

// InternMax bounds the names one Interner remembers.
const InternMax = 1024

// internSlots is the size of Interner.recent.
const internSlots = 16

// Str reads a length-prefixed string as Decoder.Str does, returning the remembered copy
// when an equal string was read before. Comparing a []byte with a string, or looking it up
// as string(p) in a map, does not allocate, so a name seen before costs a compare or a
// hash and a compare.
func (t *Interner) Str(d *Decoder) string {
	p := d.Bytes()
	if len(p) == 0 {
		return ""
	}
	slot := &t.recent[(int(p[0])*31+int(p[len(p)-1])+len(p))%internSlots]
	if *slot == string(p) {
		return *slot
	}
	if s, ok := t.names[string(p)]; ok {
		*slot = s
		return s
	}
	s := string(p)
	if t.names == nil {
		t.names = make(map[string]string)
	}
	if len(t.names) < InternMax {
		t.names[s] = s
		*slot = s
	}
	return s
}

// Len is the number of names remembered.
func (t *Interner) Len() int { return len(t.names) }
