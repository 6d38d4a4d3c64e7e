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
// while a live collection runs. It stays silent for the first moment (so
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

const progressDelay = 700 * time.Millisecond

func newProgress(w io.Writer, quiet bool) *progress {
	enabled := false
	if f, ok := w.(*os.File); ok && !quiet {
		enabled = isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
	}
	return &progress{w: w, enabled: enabled, start: time.Now()}
}

func (p *progress) update(lp live.Progress) {
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
	fmt.Fprintf(p.w, "\r\033[Kreading cluster: %d/%d kinds, %d objects (%s)", lp.KindsDone, lp.KindsTotal, lp.Objects, lp.Current)
}

func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
