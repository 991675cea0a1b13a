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

// update reports that seeds have finished, failed of them failing.
func (p *progress) update(seeds, failed int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Sub(p.last) < p.interval {
		return
	}
	p.last = now
	p.draw(seeds, failed, now)
}

func (p *progress) draw(seeds, failed int, now time.Time) {
	el := now.Sub(p.start).Seconds()
	rate := float64(seeds) / max(el, 1e-9)
	line := fmt.Sprintf("%d seeds, %d failed, %.1f seeds/s, %.0fs", seeds, failed, rate, el)
	if p.total > 0 {
		const width = 30
		done := min(width*seeds/p.total, width)
		line = fmt.Sprintf("[%s%s] %d/%d seeds, %d failed, %.1f seeds/s, %.0fs",
			strings.Repeat("#", done), strings.Repeat(".", width-done), seeds, p.total,
			failed, rate, el)
	}
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s", line)
	} else {
		fmt.Fprintln(p.w, line)
	}
}

// done draws the final state and ends the terminal line.
func (p *progress) done(seeds, failed int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty {
		p.draw(seeds, failed, time.Now())
		fmt.Fprintln(p.w)
	}
}
