package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// encoding/json reports an unknown field without saying where it is, a wrong type with a
// dotted path but no list index ("faults.at") and a Go type name, and an error of a custom
// decoder (a bad duration) with no path at all. A person editing a scenario by hand needs
// "faults[1].nod", so the decoder's error is explained by walking the JSON again next to
// the Scenario type, in document order, until the first value that does not fit.

// jsonProblem is the first value of a document that does not fit its Go type.
type jsonProblem struct {
	path string // e.g. "faults[1].at"; "" for the document itself
	what string // e.g. "want a string, not the JSON number 3"
	// unknown is set for an unknown field: path is the object that holds it.
	unknown bool
}

// String renders the problem as `field "faults[1].at": bad duration "x"`, or as
// `faults[1]: unknown field "nod"`.
func (p jsonProblem) String() string {
	switch {
	case p.path == "" && p.unknown:
		return p.what
	case p.path == "":
		return "the file: " + p.what
	case p.unknown:
		return p.path + ": " + p.what
	}
	return fmt.Sprintf("field %q: %s", p.path, p.what)
}

// maxJSONDepth bounds the walk; scenarios nest four levels deep.
const maxJSONDepth = 32

// locateJSONProblem walks data as a value of type t and returns the first problem, if it
// finds one the decoder would have reported.
func locateJSONProblem(data []byte, t reflect.Type) (jsonProblem, bool) {
	w := &jsonWalker{dec: json.NewDecoder(bytes.NewReader(data))}
	w.dec.UseNumber()
	w.value(t, "", 0)
	return w.found, w.found.what != ""
}

type jsonWalker struct {
	dec   *json.Decoder
	found jsonProblem
	// broken is set on a syntax error: the walk stops without a finding.
	broken bool
}

func (w *jsonWalker) stop() bool { return w.broken || w.found.what != "" }

func (w *jsonWalker) report(path, format string, args ...any) {
	if w.found.what == "" {
		w.found = jsonProblem{path: path, what: fmt.Sprintf(format, args...)}
	}
}

func (w *jsonWalker) token() json.Token {
	tok, err := w.dec.Token()
	if err != nil {
		w.broken = true
	}
	return tok
}

// value reads one value of type t (nil: any type, skipped).
func (w *jsonWalker) value(t reflect.Type, path string, depth int) {
	if depth > maxJSONDepth {
		w.broken = true
		return
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	tok := w.token()
	if w.stop() {
		return
	}
	switch tok {
	case json.Delim('{'):
		w.object(t, path, depth)
	case json.Delim('['):
		w.array(t, path, depth)
	default:
		w.scalar(t, path, tok)
	}
}

func (w *jsonWalker) object(t reflect.Type, path string, depth int) {
	if t != nil && t.Kind() != reflect.Struct && t.Kind() != reflect.Map &&
		t.Kind() != reflect.Interface {
		w.report(path, "want %s, not a JSON object", want(t))
	}
	for w.dec.More() && !w.stop() {
		key, _ := w.token().(string)
		if w.stop() {
			return
		}
		var elem reflect.Type
		switch {
		case t == nil || t.Kind() == reflect.Interface:
		case t.Kind() == reflect.Map:
			elem = t.Elem()
		case t.Kind() == reflect.Struct:
			f, ok := jsonField(t, key)
			if !ok {
				w.report(path, "unknown field %q", key)
				w.found.unknown = true
				return
			}
			elem = f
		}
		w.value(elem, join(path, key), depth+1)
	}
	w.token() // '}'
}

func (w *jsonWalker) array(t reflect.Type, path string, depth int) {
	var elem reflect.Type
	switch {
	case t == nil || t.Kind() == reflect.Interface:
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		elem = t.Elem()
	default:
		w.report(path, "want %s, not a JSON list", want(t))
	}
	for i := 0; w.dec.More() && !w.stop(); i++ {
		w.value(elem, fmt.Sprintf("%s[%d]", path, i), depth+1)
	}
	w.token() // ']'
}

var unmarshaler = reflect.TypeFor[json.Unmarshaler]()

// scalar checks a string, number, boolean or null against t. A type with its own decoder
// (Duration) is asked directly, so its message ("bad duration") gets a path.
func (w *jsonWalker) scalar(t reflect.Type, path string, tok json.Token) {
	if t == nil || tok == nil {
		return // anything goes, and null leaves any value as it is
	}
	if reflect.PointerTo(t).Implements(unmarshaler) {
		raw, _ := json.Marshal(tok)
		u := reflect.New(t).Interface().(json.Unmarshaler)
		if err := u.UnmarshalJSON(raw); err != nil {
			w.report(path, "%v", err)
		}
		return
	}
	got, ok := "", false
	switch v := tok.(type) {
	case string:
		got, ok = "string", t.Kind() == reflect.String
	case bool:
		got, ok = "boolean", t.Kind() == reflect.Bool
	case json.Number:
		got, ok = "number", fitsNumber(t, v)
	}
	if !ok {
		w.report(path, "want %s, not the JSON %s %s", want(t), got, short(tok))
	}
}

// fitsNumber reports whether number n can be stored in a value of type t.
func fitsNumber(t reflect.Type, n json.Number) bool {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		_, err := strconv.ParseInt(string(n), 10, t.Bits())
		return err == nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		_, err := strconv.ParseUint(string(n), 10, t.Bits())
		return err == nil
	case reflect.Float32, reflect.Float64:
		_, err := strconv.ParseFloat(string(n), t.Bits())
		return err == nil
	}
	return false
}

// want describes what a value of type t looks like in JSON, without Go type names.
func want(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "a JSON object"
	case reflect.Slice, reflect.Array:
		return "a JSON list"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return fmt.Sprintf("an integer that fits in %d bits", t.Bits())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return fmt.Sprintf("a non-negative integer that fits in %d bits", t.Bits())
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "another kind of value"
}

// short quotes a scalar for a message, cut to a readable length.
func short(tok json.Token) string {
	raw, _ := json.Marshal(tok)
	if len(raw) > 40 {
		return string(raw[:37]) + "..."
	}
	return string(raw)
}

// jsonField finds the field of struct t that key decodes into, as encoding/json does: the
// exact tag name first, then a case-insensitive match.
func jsonField(t reflect.Type, key string) (reflect.Type, bool) {
	var fold reflect.Type
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if name == key {
			return f.Type, true
		}
		if fold == nil && strings.EqualFold(name, key) {
			fold = f.Type
		}
	}
	return fold, fold != nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
