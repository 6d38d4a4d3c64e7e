package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"k8s.io/cli-runtime/pkg/genericiooptions"
)

// executeCancelled runs args with a context cancelled once the run has
// started reading, stdin a pipe that never closes (a terminal nobody
// types into).
func executeCancelled(t *testing.T, args ...string) run {
	t.Helper()
	r, w := io.Pipe()
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	var out, errOut bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- executeContext(ctx, args, genericiooptions.IOStreams{In: r, Out: &out, ErrOut: &errOut})
	}()
	select {
	case code := <-done:
		return run{code: code, stdout: out.String(), stderr: errOut.String()}
	case <-time.After(10 * time.Second):
		t.Fatal("the run did not end after the context was cancelled")
		return run{}
	}
}

func TestInterruptedAuditOfStdin(t *testing.T) {
	r := executeCancelled(t, "audit", "-f", "-")
	if r.code != ExitInterrupted || r.stdout != "" || r.stderr != "interrupted\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 130, nothing, \"interrupted\"", r.code, r.stdout, r.stderr)
	}
}

func TestInterruptedSnapshotWritesNoFile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "snap.json")
	r := executeCancelled(t, "snapshot", "-f", demoDir, "-f", "-", "-o", out)
	if r.code != ExitInterrupted || r.stdout != "" || r.stderr != "interrupted\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 130, nothing, \"interrupted\"", r.code, r.stdout, r.stderr)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("the interrupted snapshot left %d files, e.g. %s", len(entries), entries[0].Name())
	}
	// Cancelled before it starts, a snapshot of files is not written
	// either.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	code := executeContext(ctx, []string{"snapshot", "-f", demoDir, "-o", out}, genericiooptions.IOStreams{In: &bytes.Buffer{}, Out: &stdout, ErrOut: &stderr})
	if code != ExitInterrupted || stdout.Len() != 0 || stderr.String() != "interrupted\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("snapshot file written: %v", err)
	}
}
