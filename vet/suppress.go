package vet

import (
	"go/ast"
	"go/token"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// OKDirective starts a comment that silences the findings of its line, or of the next line
// when it stands alone on its own. A reason must follow it.
const OKDirective = "//simfuzz:ok"

// okComment is one //simfuzz:ok comment.
type okComment struct {
	reason string
	// alone is true when nothing but blanks precedes the comment on its line, so that it
	// speaks for the next line.
	alone bool
}

// reporter reports findings, leaving out those a //simfuzz:ok comment with a reason
// silences.
type reporter struct {
	pass *analysis.Pass
	// oks holds the comments by file name and line.
	oks map[string]map[int]okComment
	// bare are the comments without a reason, in source order.
	bare []token.Pos
}

func newReporter(pass *analysis.Pass, files []*ast.File) *reporter {
	r := &reporter{pass: pass, oks: map[string]map[int]okComment{}}
	for _, f := range files {
		r.collect(f)
	}
	return r
}

// collect finds the //simfuzz:ok comments of f.
func (r *reporter) collect(f *ast.File) {
	var src []byte
	for _, g := range f.Comments {
		for _, cm := range g.List {
			rest, ok := strings.CutPrefix(cm.Text, OKDirective)
			if !ok || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
				continue
			}
			// A second comment on the line ("//simfuzz:ok // note") is not a reason.
			rest, _, _ = strings.Cut(rest, "//")
			p := r.pass.Fset.Position(cm.Pos())
			if src == nil {
				src, _ = r.pass.ReadFile(p.Filename)
			}
			lines := r.oks[p.Filename]
			if lines == nil {
				lines = map[int]okComment{}
				r.oks[p.Filename] = lines
			}
			reason := strings.TrimSpace(rest)
			lines[p.Line] = okComment{reason: reason,
				alone: aloneOnLine(src, p.Offset)}
			if reason == "" {
				r.bare = append(r.bare, cm.Pos())
			}
		}
	}
}

// aloneOnLine reports whether only blanks precede offset on its line of src (true when
// the source is unknown).
func aloneOnLine(src []byte, offset int) bool {
	if offset > len(src) {
		return true
	}
	for i := offset - 1; i >= 0 && src[i] != '\n'; i-- {
		if src[i] != ' ' && src[i] != '\t' {
			return false
		}
	}
	return true
}

// report reports msg at pos unless a //simfuzz:ok comment with a reason silences it.
func (r *reporter) report(pos token.Pos, msg string) {
	p := r.pass.Fset.Position(pos)
	lines := r.oks[p.Filename]
	if ok, found := lines[p.Line]; found && ok.reason != "" {
		return
	}
	if ok, found := lines[p.Line-1]; found && ok.alone && ok.reason != "" {
		return
	}
	r.pass.Report(analysis.Diagnostic{Pos: pos, Message: msg})
}

// finish reports every //simfuzz:ok comment without a reason.
func (r *reporter) finish() {
	for _, pos := range r.bare {
		r.pass.Report(analysis.Diagnostic{Pos: pos, Message: OKDirective + " needs a " +
			"reason after it (say why this use cannot reach the simulation); without one " +
			"it silences nothing"})
	}
}
