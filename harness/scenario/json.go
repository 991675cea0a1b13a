package scenario

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/model"
)

// Duration is a time.Duration written in scenario files as a readable string ("1.5s",
// "250ms"). A bare number is read as nanoseconds so that machine-made files also load.
type Duration time.Duration

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads a duration string such as "1.5s" or a number of nanoseconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		v, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("bad duration %q (want e.g. \"250ms\" or \"1.5s\")", s)
		}
		*d = Duration(v)
		return nil
	}
	v, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return fmt.Errorf("bad duration %s (want a string such as \"250ms\")", b)
	}
	*d = Duration(v)
	return nil
}

// Op converts the scenario form into the vocabulary of workload w. The kind is a name of w's
// vocabulary; "key" may be absent (empty) for a workload without keys, whose one object
// every operation acts on.
func (o ClientOp) Op(w *model.Workload) (nodeapi.Op, error) {
	k, err := w.ParseKind(o.Kind)
	if err != nil {
		return nodeapi.Op{}, err
	}
	return nodeapi.Op{Kind: k, Key: o.Key, Value: o.Value, Expect: o.Expect}, nil
}

// EncodeScenario writes s as indented JSON with the current version stamped in.
func EncodeScenario(w io.Writer, s Scenario) error {
	s.Version = ScenarioVersion
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// DecodeScenario reads and validates one scenario. Every error names the field or the
// problem: an unknown field, a wrong type, a newer version, an invalid value.
func DecodeScenario(r io.Reader) (Scenario, error) {
	s, err := ReadScenario(r)
	if err != nil {
		return Scenario{}, err
	}
	if err := s.Validate(); err != nil {
		return Scenario{}, err
	}
	return s, nil
}

// ReadScenario decodes a scenario file's JSON and checks its version, but leaves the rest of
// validation to the caller, who knows the workload the operations belong to (ValidateFor).
func ReadScenario(r io.Reader) (Scenario, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxScenarioBytes+1))
	if err != nil {
		return Scenario{}, err
	}
	if len(data) > MaxScenarioBytes {
		return Scenario{}, fmt.Errorf("scenario: the file is larger than %d bytes",
			MaxScenarioBytes)
	}
	var s Scenario
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF) {
			return Scenario{}, describeJSONError(err)
		}
		if p, ok := locateJSONProblem(data, reflect.TypeFor[Scenario]()); ok {
			return Scenario{}, fmt.Errorf("scenario: %v", p)
		}
		return Scenario{}, describeJSONError(err)
	}
	if len(s.Note) > MaxNoteBytes {
		return Scenario{}, fmt.Errorf("scenario: note: %d bytes, at most %d", len(s.Note),
			MaxNoteBytes)
	}
	if dec.More() {
		return Scenario{}, errors.New("scenario: trailing data after the JSON object")
	}
	if s.Version > ScenarioVersion {
		return Scenario{}, fmt.Errorf("scenario: version %d is newer than this simfuzz reads "+
			"(%d); upgrade simfuzz", s.Version, ScenarioVersion)
	}
	if s.Version < 1 {
		return Scenario{}, fmt.Errorf("scenario: field \"version\" is %d, want %d",
			s.Version, ScenarioVersion)
	}
	return s, nil
}

// Limits of a scenario file: hand-written files are small, generated ones a few kilobytes,
// and a file is echoed in reports, so a huge one is refused before it is decoded.
const (
	MaxScenarioBytes = 4 << 20
	MaxNoteBytes     = 4 << 10
)

// LoadScenario reads and validates a key-value scenario file; errors carry the path.
func LoadScenario(path string) (Scenario, error) {
	s, err := ReadScenarioFile(path)
	if err != nil {
		return Scenario{}, err
	}
	if err := s.Validate(); err != nil {
		return Scenario{}, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// ReadScenarioFile is ReadScenario on a file: it reads no more than the size cap, whatever
// the file's size, and errors carry the path. Validation is the caller's (ValidateFor).
func ReadScenarioFile(path string) (Scenario, error) {
	f, err := os.Open(path)
	if err != nil {
		return Scenario{}, err
	}
	defer f.Close()
	s, err := ReadScenario(f)
	if err != nil {
		return Scenario{}, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// SaveScenario writes a scenario file.
func SaveScenario(path string, s Scenario) error {
	var buf bytes.Buffer
	if err := EncodeScenario(&buf, s); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

func describeJSONError(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		return fmt.Errorf("scenario: field %q: want %s, not a JSON %s", te.Field, want(te.Type),
			te.Value)
	case errors.As(err, &se):
		return fmt.Errorf("scenario: malformed JSON at byte %d: %v", se.Offset, err)
	case errors.Is(err, io.EOF):
		return errors.New("scenario: empty file")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("scenario: malformed JSON: the file ends inside a value")
	}
	return fmt.Errorf("scenario: %v", err)
}
