package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/harness"
)

// signatureCount is one failure signature (fuzz.Signature) of a campaign in its summary:
// how many failing seeds it has, the first few of them, and the saved scenario of the
// first, the one failure of the signature that was shrunk.
type signatureCount struct {
	Class string `json:"class"`
	// Message is the normalised message (see fuzz.NormaliseMessage).
	Message   string   `json:"message"`
	Count     int      `json:"count"`
	FirstSeed uint64   `json:"first_seed"`
	Seeds     []uint64 `json:"seeds"`
	// Scenario is the first seed's shrunk scenario file; empty if it could not be saved.
	Scenario string `json:"scenario,omitempty"`
	// Known is set when --known lists the signature: reported, not failing the campaign.
	Known bool `json:"known,omitempty"`
}

// signatureSeeds is how many of a signature's seeds the summary lists.
const signatureSeeds = 5

// groupSignatures groups failures, sorted by seed, by signature, in the order of each
// signature's first seed.
func groupSignatures(failures []*failureRecord) []*signatureCount {
	out := []*signatureCount{}
	by := map[string]*signatureCount{}
	for _, f := range failures {
		key := f.signature()
		g := by[key]
		if g == nil {
			g = &signatureCount{Class: f.Class, Message: strings.TrimPrefix(key, f.Class+": "),
				FirstSeed: f.Seed, Seeds: []uint64{}, Scenario: f.Scenario}
			by[key] = g
			out = append(out, g)
		}
		g.Count++
		if len(g.Seeds) < signatureSeeds {
			g.Seeds = append(g.Seeds, f.Seed)
		}
	}
	return out
}

// signature is the record's signature; a summary written before signatures existed gets
// the signature of its (possibly shrunk) message.
func (f *failureRecord) signature() string {
	if f.Signature != "" {
		return f.Signature
	}
	failure := harness.Failure{Class: harness.FailureClass(f.Class), Message: f.Message}
	return fuzz.SignatureOf(&failure).String()
}

// printFailures writes a block for the first failure of each signature, and for any other
// failure that was saved (--shrink-all), with how many seeds share its signature.
func (s *summary) printFailures(w io.Writer) {
	by := map[string]*signatureCount{}
	for _, g := range s.Signatures {
		by[g.Class+": "+g.Message] = g
	}
	for _, f := range s.Failures {
		g := by[f.signature()]
		first := g != nil && g.FirstSeed == f.Seed
		if !first && f.Scenario == "" {
			continue
		}
		printFailure(w, f)
		if first {
			fmt.Fprintf(w, "  signature %s\n", f.signature())
			if g.Count > 1 {
				fmt.Fprintf(w, "  shared by %s\n", countSeeds(g))
			}
		}
	}
}

// countSeeds says how many failing seeds a signature has, listing the first few.
func countSeeds(g *signatureCount) string {
	text := fmt.Sprintf("%d failing seeds: %s", g.Count, seedList(g.Seeds)[len("seeds "):])
	if g.Count > len(g.Seeds) {
		text += fmt.Sprintf(" and %d more", g.Count-len(g.Seeds))
	}
	return text
}

// printSignatures writes the table of signatures: count, signature, first seed.
func (s *summary) printSignatures(w io.Writer) {
	if len(s.Signatures) == 0 {
		return
	}
	fmt.Fprintf(w, "failures by signature (%d signatures, %d failing seeds; the first seed "+
		"of each is shrunk):\n", len(s.Signatures), s.FailedSeeds)
	width := len(fmt.Sprint(s.Signatures[0].Count))
	for _, g := range s.Signatures {
		width = max(width, len(fmt.Sprint(g.Count)))
	}
	for _, g := range s.Signatures {
		known := ""
		if g.Known {
			known = ", known"
		}
		fmt.Fprintf(w, "  %*d  %s: %s (first seed %d%s)\n", width, g.Count, g.Class,
			g.Message, g.FirstSeed, known)
	}
	if s.KnownFailedSeeds > 0 {
		fmt.Fprintf(w, "%d of the %d failing seeds have a known signature (--known): "+
			"reported, not failing the campaign\n", s.KnownFailedSeeds, s.FailedSeeds)
	}
}
