package fuzz

import (
	"strings"

	"github.com/simfuzz/simfuzz/harness"
)

// Signature names a failure apart from the run that produced it: its class and its message
// with the details that change from seed to seed abstracted. The same bug found at two
// seeds (another node, another time, another key) has one signature, so that a campaign can
// shrink one failure per signature and count the others; different invariants, different
// liveness conditions or a different class give different signatures.
//
// The message is abstracted, left to right, into these placeholders:
//
//	<q>    a quoted value or key ("k4", `x`)
//	<dur>  a duration (4.967284476s, 200µs, 1m30s)
//	<hex>  a hex number (0x1f, or 8 hex digits or more with a letter among them)
//	<id>   a node, client or endpoint ID: one lower-case letter and digits (n1, c2, c1#2)
//	<n>    any other number (2@1 becomes <n>@<n>, log[3] becomes log[<n>])
//
// Lists whose items differ only in what was abstracted are written once: `[n1 n2 n3]`
// becomes `[<id>]`, and `"k1" (18 ops), "k4" (11 ops)` becomes `<q> (<n> ops)`, since how
// many nodes or keys a failure involves changes with the seed, not with the bug. Runs of
// white space become one space and the message is cut at MaxSignatureMessage bytes.
//
// A signature is a heuristic: two bugs whose messages differ only in abstracted details
// share one (every linearizability failure of a workload looks alike to it), and one bug
// whose message has optional clauses may have two.
type Signature struct {
	// Class is the failure's class.
	Class harness.FailureClass
	// Message is the failure's message, normalised (see NormaliseMessage).
	Message string
}

// MaxSignatureMessage bounds the normalised message of a signature, in bytes: long enough
// for every message of the harness, short enough for a line of a summary.
const MaxSignatureMessage = 400

// Placeholders of a normalised message (see Signature).
const (
	sigQuoted   = "<q>"
	sigDuration = "<dur>"
	sigHex      = "<hex>"
	sigID       = "<id>"
	sigNumber   = "<n>"
)

// SignatureOf returns the signature of failure f.
func SignatureOf(f *harness.Failure) Signature {
	return Signature{Class: f.Class, Message: NormaliseMessage(f.Message)}
}

// String is the signature as one line, "class: normalised message": the key by which a
// campaign groups its failures.
func (s Signature) String() string { return string(s.Class) + ": " + s.Message }

// NormaliseMessage abstracts a failure message as Signature describes. It depends only on
// msg.
func NormaliseMessage(msg string) string {
	n := normaliser{in: strings.Join(strings.Fields(msg), " ")}
	n.scan()
	out := collapseLists(string(n.out))
	if len(out) > MaxSignatureMessage {
		cut := MaxSignatureMessage
		for cut > 0 && !startsRune(out[cut]) {
			cut--
		}
		out = out[:cut] + "..."
	}
	return out
}

// normaliser turns in into out, one token at a time.
type normaliser struct {
	in  string
	out []byte
}

func (n *normaliser) scan() {
	for i := 0; i < len(n.in); {
		c := n.in[i]
		switch {
		case c == '"' || c == '`':
			i = skipQuoted(n.in, i)
			n.emit(sigQuoted)
		case isDigit(c):
			var p string
			i, p = scanNumeric(n.in, i)
			n.emit(p)
		case isLetter(c):
			i = n.word(i)
		default:
			n.out = append(n.out, c)
			i++
		}
	}
}

// emit writes placeholder p, unless the output ends with p and a space: a list of like
// items separated by spaces is written once.
func (n *normaliser) emit(p string) {
	if l := len(n.out); l > len(p) && n.out[l-1] == ' ' && string(n.out[l-1-len(p):l-1]) == p {
		n.out = n.out[:l-1]
		return
	}
	n.out = append(n.out, p...)
}

// word scans the word at i (letters, digits, '_', and a "#digits" suffix) and writes it or
// its placeholder; it returns the index after it.
func (n *normaliser) word(i int) int {
	j := i
	for j < len(n.in) && (isLetter(n.in[j]) || isDigit(n.in[j])) {
		j++
	}
	base, suffix := n.in[i:j], false
	if j+1 < len(n.in) && n.in[j] == '#' && isDigit(n.in[j+1]) {
		suffix = true
		for j++; j < len(n.in) && isDigit(n.in[j]); j++ {
		}
	}
	switch {
	case isID(base):
		n.emit(sigID)
	case !suffix && isHexWord(base):
		n.emit(sigHex)
	case suffix:
		n.out = append(n.out, base+"#"...)
		n.emit(sigNumber)
	default:
		n.out = append(n.out, base...)
	}
	return j
}

// isID reports whether w is one lower-case letter followed by digits (n1, c12).
func isID(w string) bool {
	if len(w) < 2 || w[0] < 'a' || w[0] > 'z' {
		return false
	}
	for i := 1; i < len(w); i++ {
		if !isDigit(w[i]) {
			return false
		}
	}
	return true
}

// isHexWord reports whether w is 8 hex digits or more with at least one digit and one
// letter: a hash or an address, not a word.
func isHexWord(w string) bool {
	if len(w) < 8 {
		return false
	}
	digit, letter := false, false
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case isDigit(c):
			digit = true
		case (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'):
			letter = true
		default:
			return false
		}
	}
	return digit && letter
}

// skipQuoted returns the index after the quoted string that starts at i, honouring
// backslash escapes in double quotes; an unterminated string runs to the end.
func skipQuoted(s string, i int) int {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		switch {
		case s[j] == '\\' && q == '"':
			j++
		case s[j] == q:
			return j + 1
		}
	}
	return len(s)
}

// scanNumeric scans the number, duration or hex number at i and returns the index after it
// and its placeholder.
func scanNumeric(s string, i int) (int, string) {
	if s[i] == '0' && i+2 < len(s) && (s[i+1] == 'x' || s[i+1] == 'X') && isHex(s[i+2]) {
		j := i + 2
		for j < len(s) && isHex(s[j]) {
			j++
		}
		return j, sigHex
	}
	j := i
	for j < len(s) && isHex(s[j]) {
		j++
	}
	if j-i >= 8 && (j == len(s) || !isLetter(s[j])) && isHexWord(s[i:j]) {
		return j, sigHex
	}
	j = scanNumber(s, i)
	if k := scanDuration(s, i); k > j {
		return k, sigDuration
	}
	return j, sigNumber
}

// scanNumber returns the index after the decimal number (digits, optionally a fraction) at
// i.
func scanNumber(s string, i int) int {
	j := i
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	if j+1 < len(s) && s[j] == '.' && isDigit(s[j+1]) {
		for j++; j < len(s) && isDigit(s[j]); j++ {
		}
	}
	return j
}

// durationUnits are Go's duration units, each before any unit it begins with.
var durationUnits = []string{"ns", "us", "µs", "μs", "ms", "s", "m", "h"}

// scanDuration returns the index after the Go duration (one or more number-unit pairs, as
// in 1m30.5s) at i, or i if there is none.
func scanDuration(s string, i int) int {
	end := i
	for j := i; j < len(s) && isDigit(s[j]); {
		k := scanNumber(s, j)
		unit := ""
		for _, u := range durationUnits {
			if strings.HasPrefix(s[k:], u) && (k+len(u) == len(s) || !isLetter(s[k+len(u)])) {
				unit = u
				break
			}
		}
		if unit == "" {
			break
		}
		end = k + len(unit)
		j = end
	}
	return end
}

// collapseLists writes once the items of a comma-separated list that are equal once
// abstracted: the text is cut at ',', ';' and ':', and a piece that holds a placeholder and
// equals the piece before it, after a comma, is dropped with its comma.
func collapseLists(s string) string {
	var b strings.Builder
	prev := ""
	for i := 0; ; {
		j := strings.IndexAny(s[i:], ",;:")
		if j < 0 {
			j = len(s) - i
		}
		piece := s[i : i+j]
		dup := i > 0 && s[i-1] == ',' && piece == prev && strings.Contains(piece, "<")
		if !dup {
			if i > 0 {
				b.WriteByte(s[i-1])
			}
			b.WriteString(piece)
		}
		prev = piece
		i += j + 1
		if i > len(s) {
			return b.String()
		}
	}
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isHex(c byte) bool    { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }

// startsRune reports whether byte c begins a UTF-8 encoded rune.
func startsRune(c byte) bool { return c&0xc0 != 0x80 }
