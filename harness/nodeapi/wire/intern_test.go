package wire

import (
	"strconv"
	"testing"
	"unsafe"
)

func internInput(names ...string) Decoder {
	var e Encoder
	for _, s := range names {
		e.Str(s)
	}
	return NewDecoder(e.Buf, 64)
}

// TestInternerSharesRepeatedNames checks that a name read twice is the same string (one
// backing array), distinct names stay distinct, and the input is never aliased.
func TestInternerSharesRepeatedNames(t *testing.T) {
	d := internInput("c1", "k3", "c1", "", "k3")
	var in Interner
	got := make([]string, 5)
	for i := range got {
		got[i] = in.Str(&d)
	}
	if err := d.Done(); err != nil {
		t.Fatal(err)
	}
	want := []string{"c1", "k3", "c1", "", "k3"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("read %d: got %q, want %q", i, got[i], want[i])
		}
	}
	if unsafe.StringData(got[0]) != unsafe.StringData(got[2]) ||
		unsafe.StringData(got[1]) != unsafe.StringData(got[4]) {
		t.Fatal("a repeated name was copied again instead of shared")
	}
	if in.Len() != 2 {
		t.Fatalf("remembered %d names, want 2 (the empty string is not kept)", in.Len())
	}
	// The input buffer may be reused by the caller: names must not alias it.
	var e Encoder
	e.Str("zz")
	d = NewDecoder(e.Buf, 64)
	s := in.Str(&d)
	e.Buf[1] = 'y'
	if s != "zz" {
		t.Fatalf("interned name aliases the input: %q", s)
	}
}

// TestInternerBounded checks that past InternMax names the table stops growing and still
// returns the right strings.
func TestInternerBounded(t *testing.T) {
	var in Interner
	for i := range InternMax + 10 {
		name := "n" + strconv.Itoa(i)
		d := internInput(name)
		if got := in.Str(&d); got != name {
			t.Fatalf("got %q, want %q", got, name)
		}
	}
	if in.Len() != InternMax {
		t.Fatalf("remembered %d names, want the bound %d", in.Len(), InternMax)
	}
}

// TestInternerFailedRead checks that a failed read returns "" and remembers nothing.
func TestInternerFailedRead(t *testing.T) {
	d := NewDecoder([]byte{5, 'a'}, 64) // length 5, one byte
	var in Interner
	if got := in.Str(&d); got != "" || d.Err() == nil || in.Len() != 0 {
		t.Fatalf("got %q, err %v, %d names; want \"\", an error, none", got, d.Err(), in.Len())
	}
}

// TestInternerSlotsShareAndMatch reads more names than Interner.recent has slots, so that
// names displace each other there, and checks every read returns the right name, shared
// with its first read.
func TestInternerSlotsShareAndMatch(t *testing.T) {
	var in Interner
	first := map[string]string{}
	for round := range 3 {
		for i := range 3 * internSlots {
			name := "k" + strconv.Itoa(i*7+round%2)
			d := internInput(name)
			got := in.Str(&d)
			if got != name {
				t.Fatalf("got %q, want %q", got, name)
			}
			if s, ok := first[name]; ok && unsafe.StringData(s) != unsafe.StringData(got) {
				t.Fatalf("%q was copied again instead of shared", name)
			}
			first[name] = got
		}
	}
}
