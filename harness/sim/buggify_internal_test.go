package sim

import (
	"fmt"
	"testing"
)

// on answers alike for short and long lists of active sites.
func TestBuggifyOn(t *testing.T) {
	for _, n := range []int{1, 3, 8, 9, 20} {
		var sites []string
		for i := range n {
			sites = append(sites, fmt.Sprintf("site.%02d", 2*i))
		}
		b := newBuggifyState(sites)
		for i := range 2 * n {
			site := fmt.Sprintf("site.%02d", i)
			if got, want := b.on(site), i%2 == 0; got != want {
				t.Fatalf("%d sites: on(%q) = %v, want %v", n, site, got, want)
			}
		}
		if b.on("") || b.on("site") {
			t.Fatalf("%d sites: a name that is no site is on", n)
		}
	}
}
