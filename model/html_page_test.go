package model

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// pageData extracts the page description WriteHTMLPage embeds (const simfuzz = {...}).
func pageData(t *testing.T, page string) Page {
	t.Helper()
	const marker = "const simfuzz = "
	i := strings.LastIndex(page, marker)
	require.GreaterOrEqual(t, i, 0, "no %q in the page", marker)
	var p Page
	require.NoError(t, json.NewDecoder(strings.NewReader(page[i+len(marker):])).Decode(&p))
	return p
}

func TestWriteHTMLPageHasTitleHeaderAndNames(t *testing.T) {
	h := htmlHistory()
	page := Page{Title: "seed 9: FAILURE (linearizability)", Failed: true,
		Lines:   []string{"not linearizable", "note: <script>alert(1)</script>"},
		Clients: []string{"c1", "probe"}}
	var buf bytes.Buffer
	require.NoError(t, WriteHTMLPage(&buf, page, h, Check(h), htmlNotes()))
	html := buf.String()
	require.Contains(t, html, "<title>seed 9: FAILURE (linearizability)</title>")
	require.NotContains(t, html, "<title>Porcupine</title>")
	require.Contains(t, html, `<h1 class="failed">seed 9: FAILURE (linearizability)</h1>`)
	require.Contains(t, html, "<p>note: &lt;script&gt;alert(1)&lt;/script&gt;</p>")
	require.NotContains(t, html, "<script>alert(1)", "header text is escaped")
	require.Equal(t, page, pageData(t, html))
	require.Contains(t, html, "label.textContent = names[i]", "client rows are renamed")
	// The porcupine data is still there, once.
	require.Equal(t, 1, strings.Count(html, "const data = "))
	require.Contains(t, visualisationData(t, html), "partition {n1} {n2,n3}")
}

func TestWriteHTMLHasADefaultTitle(t *testing.T) {
	var buf bytes.Buffer
	h := htmlHistory()
	require.NoError(t, WriteHTML(&buf, h, Check(h), nil))
	require.Contains(t, buf.String(), "<title>simfuzz history</title>")
	require.Empty(t, pageData(t, buf.String()).Clients)
}

func TestDecorateNeedsPorcupinesPage(t *testing.T) {
	_, err := decorate([]byte("<html><body>no title</body></html>"), Page{})
	require.ErrorContains(t, err, "porcupine's page has no")
}
