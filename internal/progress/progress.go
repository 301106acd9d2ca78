// Package progress shows progress of long work on a terminal: one line per
// task, redrawn in place at most ten times a second. A nil or disabled
// Reporter prints nothing, so code can report unconditionally and leave the
// choice (terminal or not, --quiet) to the command.
package progress

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"
)

// Reporter writes progress lines to a terminal.
type Reporter struct {
	mu sync.Mutex
	w  io.Writer
	on bool
}

// New returns a Reporter writing to w when on is true.
func New(w io.Writer, on bool) *Reporter { return &Reporter{w: w, on: on} }

// Task is one piece of work being reported.
type Task struct {
	r        *Reporter
	label    string
	total    int
	started  time.Time
	lastDraw time.Time
}

// Start begins a task of total units (0 when unknown).
func (r *Reporter) Start(label string, total int) *Task {
	t := &Task{r: r, label: label, total: total, started: time.Now()}
	t.draw(0, true)
	return t
}

// Set reports that done units are finished.
func (t *Task) Set(done int) { t.draw(done, false) }

func (t *Task) draw(done int, force bool) {
	if t == nil || t.r == nil || !t.r.on {
		return
	}
	now := time.Now()
	if !force && now.Sub(t.lastDraw) < 100*time.Millisecond {
		return
	}
	t.lastDraw = now
	t.r.mu.Lock()
	defer t.r.mu.Unlock()
	if t.total > 0 {
		fmt.Fprintf(t.r.w, "\r%s %3d%% (%d/%d)", t.label, done*100/t.total, done, t.total)
	} else {
		fmt.Fprintf(t.r.w, "\r%s ...", t.label)
	}
}

// Done ends the task with a short summary.
func (t *Task) Done(summary string) {
	if t == nil || t.r == nil || !t.r.on {
		return
	}
	t.r.mu.Lock()
	defer t.r.mu.Unlock()
	fmt.Fprintf(t.r.w, "\r\033[K%s done in %s", t.label, time.Since(t.started).Round(time.Millisecond))
	if summary != "" {
		fmt.Fprintf(t.r.w, ": %s", summary)
	}
	fmt.Fprintln(t.r.w)
}

// Fail ends the task with an error mark.
func (t *Task) Fail() {
	if t == nil || t.r == nil || !t.r.on {
		return
	}
	t.r.mu.Lock()
	defer t.r.mu.Unlock()
	fmt.Fprintf(t.r.w, "\r\033[K%s failed after %s\n", t.label, time.Since(t.started).Round(time.Millisecond))
}

type ctxKey struct{}

// WithReporter returns a context that carries r: long work deep in a call
// (reading series, forecasting) reports through it without every function
// between the command and the work passing a reporter along.
func WithReporter(ctx context.Context, r *Reporter) context.Context {
	return context.WithValue(ctx, ctxKey{}, r)
}

// From returns the reporter ctx carries, or nil (which reports nothing).
func From(ctx context.Context) *Reporter {
	r, _ := ctx.Value(ctxKey{}).(*Reporter)
	return r
}
