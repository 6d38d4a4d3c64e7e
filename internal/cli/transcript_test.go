package cli

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// transcriptCommand is the run the README shows as it looks on a terminal
// 100 columns wide (colour left out: the README cannot show it).
const transcriptCommand = "$ seaworthy audit -f fixtures/clusters/lab --check DNS,CP --now 2026-03-01T12:00:00Z   # a 100-column terminal\n"

// The README's terminal transcript is real: rendered again as a 100-column
// terminal would get it, it is the same. Run with -update to paste it.
func TestReadmeTerminalTranscript(t *testing.T) {
	path := filepath.Join("..", "..", "README.md")
	readme, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	old := outputTerminal
	outputTerminal = func(io.Writer) (bool, int) { return true, 100 }
	defer func() { outputTerminal = old }()
	t.Chdir(filepath.Join("..", ".."))
	r := execute(t, "", "audit", "-f", filepath.Join("fixtures", "clusters", "lab"), "--check", "DNS,CP",
		"--now", "2026-03-01T12:00:00Z", "--color", "never", "--fail-on", "never")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	before, rest, ok := strings.Cut(string(readme), transcriptCommand)
	if !ok {
		t.Fatal("README has no terminal transcript block")
	}
	shown, after, _ := strings.Cut(rest, "```")
	if shown == r.stdout {
		return
	}
	if *updateReadme {
		if err := os.WriteFile("README.md", []byte(before+transcriptCommand+r.stdout+"```"+after), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README terminal transcript is stale; run go test ./internal/cli -run TestReadmeTerminalTranscript -update-readme\nREADME:\n%s\nactual:\n%s", shown, r.stdout)
}

var updateReadme = flag.Bool("update-readme", false, "rewrite the README's terminal transcript")
