package cli

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/harness"
)

// knownSignatures are the failure signatures of --known FILE: a campaign reports their
// failures but does not fail on them, so that a nightly job can live with a known bug while
// any new one still fails it.
//
// The file holds one signature a line, as the summary writes it: "class: message" (the
// class, a colon and a space, the normalised message; a raw message is normalised too).
// Blank lines and lines starting with # are ignored. From a summary:
//
//	jq -r '.signatures[] | .class + ": " + .message' summary.json > known.txt
type knownSignatures struct {
	path string
	set  map[string]bool
}

// maxKnownBytes bounds a --known file: thousands of signatures.
const maxKnownBytes = 1 << 20

// failureClasses are the classes a signature may have.
var failureClasses = []harness.FailureClass{harness.ClassInvariant,
	harness.ClassLinearizability, harness.ClassLiveness, harness.ClassPanic,
	harness.ClassRecovery, harness.ClassUndecided, fuzz.ClassNondeterminism}

// readKnown reads a --known file; every problem is a usage error naming the file and line.
func readKnown(path string) (*knownSignatures, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, usagef("--known %s: %v", path, err)
	}
	if len(data) > maxKnownBytes {
		return nil, usagef("--known %s: %d bytes, at most %d", path, len(data), maxKnownBytes)
	}
	k := &knownSignatures{path: path, set: map[string]bool{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, maxKnownBytes)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		sig, err := parseKnown(text)
		if err != nil {
			return nil, usagef("--known %s:%d: %v", path, line, err)
		}
		k.set[sig] = true
	}
	return k, nil
}

// parseKnown reads one line of a --known file: "class: message".
func parseKnown(text string) (string, error) {
	class, msg, ok := strings.Cut(text, ": ")
	if !ok || strings.TrimSpace(msg) == "" {
		return "", fmt.Errorf("want \"class: message\" (a line of a summary's "+
			"signatures), got %q", short(text))
	}
	c := harness.FailureClass(class)
	if !slices.Contains(failureClasses, c) {
		return "", fmt.Errorf("unknown failure class %q (want one of %v)", short(class),
			failureClasses)
	}
	return fuzz.SignatureOf(&harness.Failure{Class: c, Message: msg}).String(), nil
}

// short cuts text for a message.
func short(text string) string {
	if len(text) > 80 {
		return text[:80] + "..."
	}
	return text
}

// applyKnown marks the summary's signatures that k lists and counts their failing seeds.
func (s *summary) applyKnown(k *knownSignatures) {
	s.KnownFailedSeeds = 0
	if k == nil {
		return
	}
	for _, g := range s.Signatures {
		g.Known = k.set[g.Class+": "+g.Message]
		if g.Known {
			s.KnownFailedSeeds += g.Count
		}
	}
}

// newFailures reports whether the summary has failing seeds whose signature is not known.
func (s *summary) newFailures() bool { return len(s.Failures) > s.KnownFailedSeeds }
