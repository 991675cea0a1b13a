package model

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// This file reads the Jepsen-style KV logs that porcupine ships as test data, one EDN map a
// line: {:process 0, :type :invoke, :f :put, :key "0", :value "x 0 0 y"}. It understands
// just the EDN those logs use: keywords, strings, integers and nil.

// ednKind says which kind of EDN scalar an ednValue holds.
type ednKind uint8

const (
	ednNil ednKind = iota
	ednString
	ednKeyword
	ednInt
)

// ednValue is one scalar; text is the decoded string, the keyword without its colon, or
// the integer's digits.
type ednValue struct {
	kind ednKind
	text string
}

// ednScanner walks one line.
type ednScanner struct {
	s string
	i int
}

// parseEDNMap parses a flat map of keyword keys to scalars.
func parseEDNMap(line string) (map[string]ednValue, error) {
	sc := &ednScanner{s: strings.TrimSpace(line)}
	if !strings.HasPrefix(sc.s, "{") || !strings.HasSuffix(sc.s, "}") {
		return nil, fmt.Errorf("not a map: %q", line)
	}
	sc.s = sc.s[1 : len(sc.s)-1]
	m := make(map[string]ednValue)
	for {
		sc.skipSeparators()
		if sc.i == len(sc.s) {
			return m, nil
		}
		key, err := sc.value()
		if err != nil {
			return nil, err
		}
		if key.kind != ednKeyword {
			return nil, fmt.Errorf("map key at column %d is not a keyword", sc.i)
		}
		sc.skipSeparators()
		val, err := sc.value()
		if err != nil {
			return nil, fmt.Errorf("value of :%s: %w", key.text, err)
		}
		if _, dup := m[key.text]; dup {
			return nil, fmt.Errorf("duplicate key :%s", key.text)
		}
		m[key.text] = val
	}
}

// skipSeparators skips white space and commas, which EDN treats as white space.
func (sc *ednScanner) skipSeparators() {
	for sc.i < len(sc.s) && strings.IndexByte(" \t,", sc.s[sc.i]) >= 0 {
		sc.i++
	}
}

// token returns the run of characters up to the next separator.
func (sc *ednScanner) token() string {
	start := sc.i
	for sc.i < len(sc.s) && strings.IndexByte(" \t,", sc.s[sc.i]) < 0 {
		sc.i++
	}
	return sc.s[start:sc.i]
}

// value reads one scalar.
func (sc *ednScanner) value() (ednValue, error) {
	if sc.i == len(sc.s) {
		return ednValue{}, fmt.Errorf("missing value at end of map")
	}
	switch c := sc.s[sc.i]; {
	case c == '"':
		return sc.str()
	case c == ':':
		sc.i++
		name := sc.token()
		if name == "" {
			return ednValue{}, fmt.Errorf("empty keyword at column %d", sc.i)
		}
		return ednValue{kind: ednKeyword, text: name}, nil
	}
	tok := sc.token()
	if tok == "nil" {
		return ednValue{kind: ednNil}, nil
	}
	if _, err := strconv.ParseInt(tok, 10, 64); err != nil {
		return ednValue{}, fmt.Errorf("unsupported value %q", tok)
	}
	return ednValue{kind: ednInt, text: tok}, nil
}

// ednEscapes are the escapes str understands.
var ednEscapes = map[byte]byte{'"': '"', '\\': '\\', 'n': '\n', 't': '\t', 'r': '\r'}

// str reads a double-quoted string with EDN's backslash escapes.
func (sc *ednScanner) str() (ednValue, error) {
	var b strings.Builder
	for sc.i++; sc.i < len(sc.s); sc.i++ {
		c := sc.s[sc.i]
		if c == '"' {
			sc.i++
			return ednValue{kind: ednString, text: b.String()}, nil
		}
		if c == '\\' && sc.i+1 < len(sc.s) {
			sc.i++
			esc, ok := ednEscapes[sc.s[sc.i]]
			if !ok {
				return ednValue{}, fmt.Errorf("unsupported escape \\%c", sc.s[sc.i])
			}
			c = esc
		}
		b.WriteByte(c)
	}
	return ednValue{}, fmt.Errorf("unterminated string")
}

// jepsenEvent is one line of a KV log.
type jepsenEvent struct {
	process        int
	typ, f, key    string
	value          string
	valueIsPresent bool // false for nil
}

func toJepsenEvent(m map[string]ednValue) (jepsenEvent, error) {
	var ev jepsenEvent
	want := map[string]ednKind{"process": ednInt, "type": ednKeyword, "f": ednKeyword,
		"key": ednString}
	for _, name := range []string{"process", "type", "f", "key"} {
		if v, ok := m[name]; !ok || v.kind != want[name] {
			return ev, fmt.Errorf("missing or mistyped :%s", name)
		}
	}
	ev.process, _ = strconv.Atoi(m["process"].text)
	ev.typ, ev.f, ev.key = m["type"].text, m["f"].text, m["key"].text
	v, ok := m["value"]
	if ok && v.kind != ednNil && v.kind != ednString {
		return ev, fmt.Errorf(":value is neither a string nor nil")
	}
	ev.value, ev.valueIsPresent = v.text, ok && v.kind == ednString
	return ev, nil
}

// jepsenKinds maps the log's :f to our kinds.
var jepsenKinds = map[string]Kind{"get": Get, "put": Put, "append": Append}

// jepsenHistory builds a history from a log. A line's number is its time; :fail drops
// the operation (it did not happen); :info and an invoke with no completion become unknown
// outcomes. A read of "" is taken as a missing key: porcupine's model reads a missing key
// as "", and its logs never write "".
func jepsenHistory(r io.Reader) ([]Operation, error) {
	b := &jepsenBuilder{pending: make(map[int]int)}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		m, err := parseEDNMap(sc.Text())
		if err == nil {
			var ev jepsenEvent
			if ev, err = toJepsenEvent(m); err == nil {
				err = b.add(ev, int64(line))
			}
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return b.finish(), nil
}

// jepsenBuilder pairs invocations with completions, per process.
type jepsenBuilder struct {
	ops     []Operation
	dropped []bool
	pending map[int]int // process -> index in ops
}

func (b *jepsenBuilder) add(ev jepsenEvent, t int64) error {
	kind, ok := jepsenKinds[ev.f]
	if !ok {
		return fmt.Errorf("unknown :f :%s", ev.f)
	}
	i, busy := b.pending[ev.process]
	if ev.typ == "invoke" {
		if busy {
			return fmt.Errorf("process %d invokes with an operation pending", ev.process)
		}
		b.pending[ev.process] = len(b.ops)
		op := Op{Kind: kind, Key: ev.key, Value: ev.value}
		b.ops = append(b.ops, Operation{ClientID: ev.process, Op: op, Call: t})
		b.dropped = append(b.dropped, false)
		return nil
	}
	if !busy || b.ops[i].Op.Kind != kind || b.ops[i].Op.Key != ev.key {
		return fmt.Errorf("process %d completes :%s %q it did not invoke", ev.process, ev.f,
			ev.key)
	}
	delete(b.pending, ev.process)
	return b.complete(i, ev, t)
}

func (b *jepsenBuilder) complete(i int, ev jepsenEvent, t int64) error {
	o := &b.ops[i]
	switch ev.typ {
	case "ok":
		o.Return = t
		if o.Op.Kind == Get {
			o.Outcome.Result = Result{Value: ev.value, Found: ev.valueIsPresent &&
				ev.value != ""}
		}
	case "info":
		o.Outcome, o.Return = Outcome{Unknown: true}, Never
	case "fail":
		b.dropped[i] = true
	default:
		return fmt.Errorf("unknown :type :%s", ev.typ)
	}
	return nil
}

// finish returns the operations that happened or may have, in invocation order.
func (b *jepsenBuilder) finish() []Operation {
	for _, i := range b.pending {
		b.ops[i].Outcome, b.ops[i].Return = Outcome{Unknown: true}, Never
	}
	var out []Operation
	for i, o := range b.ops {
		if !b.dropped[i] {
			out = append(out, o)
		}
	}
	return out
}
