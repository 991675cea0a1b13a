package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func htmlHistory() []Operation {
	return []Operation{
		at(0, 0, 10).do(put("k1", "x"), done()),
		at(1, 20, Never).do(appendOp("k2", "y"), unknown()),
		at(1, 5, 15).do(cas("k1", "a", "b"), casOutcome(false)),
		at(0, 30, 40).do(get("k1"), found("stale")), // illegal
	}
}

func htmlNotes() []Note {
	return []Note{
		{Start: 3, End: 25, Text: "partition {n1} {n2,n3}", Tag: "fault", Client: GlobalClient},
		{Start: 12, Text: "n2 leader, term 3", Details: "2 votes", Tag: "leader",
			Client: GlobalClient},
		{Start: 18, Text: "attempt timeout", Tag: "client", Client: 1},
		{Start: 19, Text: "untagged", Client: GlobalClient},
	}
}

// visualisationData extracts the JSON that porcupine embeds in its page.
func visualisationData(t *testing.T, page string) string {
	t.Helper()
	const marker = "const data = "
	i := strings.LastIndex(page, marker)
	require.GreaterOrEqual(t, i, 0, "no %q in the page", marker)
	rest := page[i+len(marker):]
	var data json.RawMessage
	require.NoError(t, json.NewDecoder(strings.NewReader(rest)).Decode(&data))
	return string(data)
}

func TestWriteHTML(t *testing.T) {
	h := htmlHistory()
	v := Check(h)
	require.Equal(t, []string{"k1"}, v.IllegalKeys)
	var buf bytes.Buffer
	require.NoError(t, WriteHTML(&buf, h, v, htmlNotes()))
	data := visualisationData(t, buf.String())
	var decoded struct {
		Partitions []struct {
			History []struct{ Description string }
		}
		Annotations []struct {
			ClientId                 int
			Tag, Description         string
			Details, BackgroundColor string
		}
	}
	require.NoError(t, json.Unmarshal([]byte(data), &decoded))
	require.Len(t, decoded.Partitions, 2)
	var descs []string
	for _, p := range decoded.Partitions {
		for _, e := range p.History {
			descs = append(descs, e.Description)
		}
	}
	require.ElementsMatch(t, []string{`put(k1, "x")`, `cas(k1, "a"->"b") -> fail`,
		`get(k1) -> "stale"`, `append(k2, "y") -> ?`}, descs)
	a := decoded.Annotations
	require.Len(t, a, 4)
	require.Equal(t, "fault", a[0].Tag)
	require.Equal(t, tagColours["fault"], a[0].BackgroundColor)
	require.Equal(t, "2 votes", a[1].Details)
	require.Equal(t, "", a[2].Tag, "a client note goes on the client's row")
	require.Equal(t, 1, a[2].ClientId)
	require.Equal(t, defaultColour, a[2].BackgroundColor)
	require.Equal(t, "global", a[3].Tag)

	if dir := os.Getenv("SIMFUZZ_HTML_DIR"); dir != "" { // for looking at it by eye
		path := filepath.Join(dir, "model-test.html")
		require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
		t.Log("wrote", path)
	}
}

func TestWriteHTMLReusesAndRecomputes(t *testing.T) {
	h := htmlHistory()
	v := Check(h)
	var first, second, fromZero bytes.Buffer
	require.NoError(t, WriteHTML(&first, h, v, htmlNotes()))
	require.NoError(t, WriteHTML(&second, h, v, htmlNotes()))
	// Drawing twice must not collect the notes twice in the caller's verdict.
	require.Equal(t, 1, strings.Count(visualisationData(t, second.String()), "untagged"))
	require.NoError(t, WriteHTML(&fromZero, h, Verdict{}, nil))
	require.Contains(t, visualisationData(t, fromZero.String()), `get(k1) -\u003e \"stale\"`)
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteHTMLErrors(t *testing.T) {
	h := htmlHistory()
	v := Check(h)
	err := WriteHTML(&bytes.Buffer{}, h, v, []Note{{Text: "bad", Client: -3}})
	require.ErrorContains(t, err, `note 0 ("bad"): client -3`)
	err = WriteHTML(&bytes.Buffer{}, h[:2], v, nil)
	require.ErrorContains(t, err, "another history")
	bad := []Operation{at(0, 9, 1).do(get("k"), done())}
	require.ErrorContains(t, WriteHTML(&bytes.Buffer{}, bad, Verdict{}, nil), "before its call")
	require.ErrorContains(t, WriteHTML(failingWriter{}, h, v, nil), "disk full")
}
