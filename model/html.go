package model

import (
	"errors"
	"fmt"
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

// tagColours are background colours for the tags the harness uses; others are grey.
var tagColours = map[string]string{
	"fault":     "#ffb3b3",
	"partition": "#efaefc",
	"leader":    "#b8e6b8",
	"node":      "#ffd699",
	"crash":     "#ffd699",
	"liveness":  "#b3d9ff",
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
// notes as annotations. verdict should come from Check(history); a Verdict without
// linearization data (the zero Verdict, say, when only CheckOk was run) is recomputed from
// history. It fails on a malformed history or note, and on write errors.
func WriteHTML(w io.Writer, history []Operation, verdict Verdict, notes []Note) error {
	if verdict.w == nil {
		verdict.w = KV
	}
	if !verdict.verbose || verdict.Err != nil {
		verdict = verdict.w.Check(history)
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
	return porcupine.Visualize(verdict.w.Model(), info, w)
}
