package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"

	"github.com/anishathalye/porcupine"
)

// GlobalClient is Note.Client for a note that belongs to no client.
const GlobalClient = -1

// Note is something that happened during a run, drawn on the HTML timeline next to the
// client operations: a fault, a crash or restart, a partition, a leader change. It is our
// own type so that the harness does not depend on porcupine's.
type Note struct {
	// Start and End are virtual nanoseconds, on the same clock as Operation.Call. End <
	// Start (for example 0) makes a point-in-time note.
	Start, End int64
	// Text is shown on the timeline, Details in the tooltip.
	Text, Details string
	// Tag is the kind of note ("fault", "leader", "node", ...). It picks the colour, and a
	// global note is drawn on a row named after its tag.
	Tag string
	// Client is the client row to draw the note on, or GlobalClient.
	Client int
}

// Page is what the HTML view says besides the history: a page opened days later, or sent
// to someone else, must say which run it shows and what went wrong without the report.
type Page struct {
	// Title names the page in the browser tab and heads it.
	Title string
	// Lines are shown under the title, one paragraph each: the verdict and its message,
	// the scenario's note, the size of the run.
	Lines []string
	// Failed draws the title as a failure.
	Failed bool
	// Clients names the client rows: Clients[i] labels the operations whose ClientID is
	// i. Rows without a name keep porcupine's index.
	Clients []string
}

// tagColours are background colours for the tags the harness uses; others are grey.
var tagColours = map[string]string{
	"fault":     "#ffb3b3",
	"partition": "#efaefc",
	"leader":    "#b8e6b8",
	"node":      "#ffd699",
	"crash":     "#ffd699",
	"liveness":  "#b3d9ff",
	"admin":     "#d9d2e9",
}

const defaultColour = "#e0e0e0"

// annotations converts notes to porcupine annotations. A global note with no tag goes on a
// row named "global", because porcupine needs a client or a tag to place an annotation.
func annotations(notes []Note) ([]porcupine.Annotation, error) {
	out := make([]porcupine.Annotation, 0, len(notes))
	for i, n := range notes {
		if n.Client < GlobalClient {
			return nil, fmt.Errorf("note %d (%q): client %d is neither a client index nor "+
				"GlobalClient", i, n.Text, n.Client)
		}
		colour, ok := tagColours[n.Tag]
		if !ok {
			colour = defaultColour
		}
		a := porcupine.Annotation{
			ClientId:        max(n.Client, 0),
			Start:           n.Start,
			End:             max(n.End, n.Start),
			Description:     n.Text,
			Details:         n.Details,
			BackgroundColor: colour,
		}
		if n.Client == GlobalClient {
			a.Tag = n.Tag
			if a.Tag == "" {
				a.Tag = "global"
			}
		}
		out = append(out, a)
	}
	return out, nil
}

// WriteHTML writes porcupine's interactive visualisation of a checked history, with the
// notes as annotations, under a generic title. verdict should come from Check(history); a
// Verdict without linearization data (the zero Verdict when only CheckOk was run, or a
// passing one that Check decided without porcupine) is recomputed from history. It fails on
// a malformed history or note, and on write errors.
func WriteHTML(w io.Writer, history []Operation, verdict Verdict, notes []Note) error {
	return WriteHTMLPage(w, Page{}, history, verdict, notes)
}

// WriteHTMLPage is WriteHTML with a title, a header and named client rows (see Page).
func WriteHTMLPage(w io.Writer, page Page, history []Operation, verdict Verdict,
	notes []Note) error {
	if verdict.w == nil {
		verdict.w = KV
	}
	if !verdict.verbose || verdict.Err != nil {
		verdict = verdict.w.checkVerbose(history)
	}
	if verdict.Err != nil {
		return fmt.Errorf("model.WriteHTML: %w", verdict.Err)
	}
	if verdict.Ops != len(history) {
		return errors.New("model.WriteHTML: the verdict was computed for another history")
	}
	annots, err := annotations(notes)
	if err != nil {
		return fmt.Errorf("model.WriteHTML: %w", err)
	}
	// AddAnnotations appends to a slice inside info: work on a copy so that the caller's
	// verdict can be drawn again without collecting the notes twice.
	info := verdict.Info
	info.AddAnnotations(annots)
	var buf bytes.Buffer
	if err := porcupine.Visualize(verdict.w.Model(), info, &buf); err != nil {
		return err
	}
	out, err := decorate(buf.Bytes(), page)
	if err != nil {
		return fmt.Errorf("model.WriteHTML: %w", err)
	}
	_, err = w.Write(out)
	return err
}

// The pieces of porcupine's page that decorate replaces; a porcupine upgrade that changes
// them makes WriteHTMLPage fail rather than silently lose the header.
const (
	porcupineTitle  = "<title>Porcupine</title>"
	porcupineBody   = "<body>"
	porcupineRender = "render(data)"
)

// decorate puts the page's title, header and client names into porcupine's HTML. The page
// description is also embedded as data (const simfuzz = {...}) for tools and tests.
func decorate(page []byte, p Page) ([]byte, error) {
	title := p.Title
	if title == "" {
		title = "simfuzz history"
	}
	desc, err := json.Marshal(p) // escapes <, > and &, so it cannot end the script
	if err != nil {
		return nil, err
	}
	steps := []struct{ old, new string }{
		{porcupineTitle, "<title>" + html.EscapeString(title) + "</title>"},
		{porcupineBody, porcupineBody + "\n" + header(title, p)},
		{porcupineRender, porcupineRender + "\n      const simfuzz = " + string(desc) +
			"\n" + nameClientsJS},
	}
	for _, s := range steps {
		i := bytes.LastIndex(page, []byte(s.old))
		if i < 0 {
			return nil, fmt.Errorf("porcupine's page has no %q: cannot add the header", s.old)
		}
		page = append(page[:i:i], append([]byte(s.new), page[i+len(s.old):]...)...)
	}
	return page, nil
}

// headerStyle puts the header below porcupine's legend, which is fixed at the top of the
// window, and the drawing right below the header.
const headerStyle = `<style>
      #simfuzz-header { font-family: sans-serif; margin: 48px 10px 0; }
      #canvas { margin-top: 12px; }
      #simfuzz-header h1 { font-size: 18px; margin: 4px 0; }
      #simfuzz-header h1.failed { color: #b00020; }
      #simfuzz-header p { font-size: 13px; margin: 2px 0; max-width: 110em; }
    </style>`

// header is the HTML of the title and lines, escaped.
func header(title string, p Page) string {
	var b bytes.Buffer
	class := ""
	if p.Failed {
		class = ` class="failed"`
	}
	fmt.Fprintf(&b, "    %s\n    <div id=\"simfuzz-header\">\n      <h1%s>%s</h1>\n",
		headerStyle, class, html.EscapeString(title))
	for _, l := range p.Lines {
		fmt.Fprintf(&b, "      <p>%s</p>\n", html.EscapeString(l))
	}
	b.WriteString("    </div>")
	return b.String()
}

// nameClientsJS relabels porcupine's client rows (drawn as indexes) with simfuzz.Clients
// after render, and widens the drawing when a name is longer than the label column.
const nameClientsJS = `      ;(function (names) {
        const svg = document.querySelector('#canvas svg')
        const bg = svg && svg.querySelector('g')
        if (!bg) return
        let minX = 0
        for (const label of bg.querySelectorAll('text')) {
          const i = Number(label.textContent)
          if (String(i) === label.textContent && i < names.length && names[i]) {
            label.textContent = names[i]
            minX = Math.min(minX, label.getBBox().x)
          }
        }
        if (minX >= 0) return
        const dx = Math.ceil(-minX) + 10
        const g = document.createElementNS('http://www.w3.org/2000/svg', 'g')
        g.setAttribute('transform', 'translate(' + dx + ',0)')
        while (svg.firstChild) g.append(svg.firstChild)
        svg.append(g)
        svg.setAttribute('width', Number(svg.getAttribute('width')) + dx)
      })(simfuzz.Clients || [])`
