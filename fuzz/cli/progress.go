package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// progress reports a campaign as it runs: a redrawn bar when stderr is a terminal, a plain
// line every few seconds otherwise (CI logs).
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	tty      bool
	total    int // 0 when running on a time budget
	start    time.Time
	last     time.Time
	interval time.Duration
}

func newProgress(w io.Writer, total int) *progress {
	p := &progress{w: w, total: total, start: time.Now(), interval: 5 * time.Second}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.tty, p.interval = true, 200*time.Millisecond
		}
	}
	p.last = p.start
	return p
}

func (p *progress) update(s *summary) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Sub(p.last) < p.interval {
		return
	}
	p.last = now
	p.draw(s, now)
}

func (p *progress) draw(s *summary, now time.Time) {
	el := now.Sub(p.start).Seconds()
	rate := float64(s.Seeds) / max(el, 1e-9)
	line := fmt.Sprintf("%d seeds, %d failed, %.1f seeds/s, %.0fs", s.Seeds, s.FailedSeeds,
		rate, el)
	if p.total > 0 {
		const width = 30
		done := width * s.Seeds / p.total
		line = fmt.Sprintf("[%s%s] %d/%d seeds, %d failed, %.1f seeds/s, %.0fs",
			strings.Repeat("#", done), strings.Repeat(".", width-done), s.Seeds, p.total,
			s.FailedSeeds, rate, el)
	}
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s", line)
	} else {
		fmt.Fprintln(p.w, line)
	}
}

// done draws the final state and ends the terminal line.
func (p *progress) done(s *summary) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty {
		p.draw(s, time.Now())
		fmt.Fprintln(p.w)
	}
}
