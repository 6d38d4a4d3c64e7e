package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/cli-runtime/pkg/genericiooptions"
)

func TestManifestProgressLine(t *testing.T) {
	var buf bytes.Buffer
	p := &progress{w: &buf, enabled: true, start: time.Now().Add(-time.Second)}
	p.manifests(1234, 5_630_000)
	p.manifests(1300, 5_700_000) // within 100ms of the last: not drawn
	if want := "\r\033[Kreading manifests: 1234 objects, 5.6 MB"; buf.String() != want {
		t.Errorf("drawn %q, want %q", buf.String(), want)
	}
	p.done()
	if !strings.HasSuffix(buf.String(), "MB\r\033[K") {
		t.Errorf("done did not clear the line: %q", buf.String())
	}
	buf.Reset()
	p.done()
	if buf.Len() != 0 {
		t.Errorf("a second done wrote %q", buf.String())
	}
}

// bigManifests writes a generated manifest file of a few MB.
func bigManifests(t *testing.T) string {
	var b strings.Builder
	for i := range 20000 {
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-%d\n  labels: {team: t%d, tier: backend}\n", i, i%9)
	}
	p := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// runWithStderrFile runs the CLI with stderr a file and returns what was
// written to it.
func runWithStderrFile(t *testing.T, args ...string) string {
	t.Helper()
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out bytes.Buffer
	if code := Execute(args, genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: f}); code > 1 {
		t.Fatalf("exit %d", code)
	}
	data, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// Reading manifests shows progress on a terminal stderr, cleared at the
// end; nothing when stderr is not a terminal or with --quiet.
func TestManifestProgressOnlyOnTerminal(t *testing.T) {
	oldDelay, oldTerm := progressDelay, isTerminal
	defer func() { progressDelay, isTerminal = oldDelay, oldTerm }()
	progressDelay = 0
	big := bigManifests(t)
	args := []string{"audit", "-f", big, "--now", demoNow, "-o", "json", "--fail-on", "never"}

	if got := runWithStderrFile(t, args...); strings.Contains(got, "reading manifests") || strings.Contains(got, "\r") {
		t.Errorf("stderr not a terminal: progress printed: %q", got)
	}

	isTerminal = func(*os.File) bool { return true }
	got := runWithStderrFile(t, args...)
	i := strings.LastIndex(got, "reading manifests: ")
	if i < 0 {
		t.Fatalf("on a terminal: no progress in %q", got)
	}
	if !strings.Contains(got[i:], " objects, ") || !strings.Contains(got[i:], " MB\r\033[K") {
		t.Errorf("on a terminal: last progress line not cleared: %q", got[i:])
	}
	if q := runWithStderrFile(t, append(args, "--quiet")...); strings.Contains(q, "reading manifests") {
		t.Errorf("--quiet: progress printed: %q", q)
	}
}
