package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"
)

// progress reports how far a long import has come: a bar redrawn in place
// when w is a terminal, a log record every tenth of the way otherwise.
type progress struct {
	w        io.Writer
	log      *slog.Logger
	terminal bool
	start    time.Time
	lastStep int // tenths logged
	drawn    bool
}

func newProgress(w io.Writer, log *slog.Logger) *progress {
	p := &progress{w: w, log: log, start: time.Now()}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.terminal = true
		}
	}
	return p
}

// report is a graph.BulkOptions.Progress function.
func (p *progress) report(done, total int) {
	if total <= 0 {
		return
	}
	frac := float64(done) / float64(total)
	if p.terminal {
		const width = 30
		n := int(frac * width)
		fmt.Fprintf(p.w, "\r[%s%s] %3.0f%% %d/%d items, %s", strings.Repeat("#", n), strings.Repeat(" ", width-n),
			100*frac, done, total, time.Since(p.start).Round(100*time.Millisecond))
		p.drawn = true
		return
	}
	if step := int(frac * 10); step > p.lastStep {
		p.lastStep = step
		p.log.Info("importing", "done", done, "total", total, "percent", int(100*frac), "elapsed", time.Since(p.start).Round(time.Millisecond))
	}
}

// finish ends the bar's line.
func (p *progress) finish() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}
