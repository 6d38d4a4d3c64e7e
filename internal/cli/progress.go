package cli

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/mattn/go-isatty"

	"github.com/seaworthy-k8s/seaworthy/cluster/live"
)

// progress draws one self-overwriting status line on a terminal stderr
// while a live collection runs, or while manifests are read. It stays silent for the first moment (so
// quick runs print nothing), when stderr is not a terminal, and with
// --quiet.
type progress struct {
	mu      sync.Mutex
	w       io.Writer
	enabled bool
	start   time.Time
	drawn   bool
	last    time.Time
}

// progressDelay is how long a read runs before progress shows (a
// variable for tests).
var progressDelay = 700 * time.Millisecond

// isTerminal reports whether f is a terminal (a variable for tests).
var isTerminal = func(f *os.File) bool {
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

func newProgress(w io.Writer, quiet bool) *progress {
	enabled := false
	if f, ok := w.(*os.File); ok && !quiet {
		enabled = isTerminal(f)
	}
	return &progress{w: w, enabled: enabled, start: time.Now()}
}

func (p *progress) update(lp live.Progress) {
	p.draw(func() string {
		return fmt.Sprintf("reading cluster: %d/%d kinds, %d objects (%s)", lp.KindsDone, lp.KindsTotal, lp.Objects, lp.Current)
	})
}

// manifests is manifests.Options.Progress.
func (p *progress) manifests(objects int, bytes int64) {
	p.draw(func() string {
		return fmt.Sprintf("reading manifests: %d objects, %.1f MB", objects, float64(bytes)/1e6)
	})
}

// draw redraws the line as line() says, at most every 100ms.
func (p *progress) draw(line func() string) {
	if !p.enabled {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Sub(p.start) < progressDelay || now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	p.drawn = true
	fmt.Fprint(p.w, "\r\033[K"+line())
}

func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
		p.drawn = false
	}
}
