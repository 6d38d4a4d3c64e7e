package cli

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"k8s.io/cli-runtime/pkg/genericiooptions"
)

// resultChecks lists the check IDs of a JSON report's results, once each.
func resultChecks(t *testing.T, stdout string) map[string]bool {
	t.Helper()
	ids := map[string]bool{}
	for _, res := range decodeReport(t, stdout)["results"].([]any) {
		ids[res.(map[string]any)["check"].(string)] = true
	}
	return ids
}

func TestAuditSkipCheck(t *testing.T) {
	all := resultChecks(t, execute(t, "", "audit", "-f", demoDir, "--now", demoNow, "-o", "json").stdout)
	if !all["DNS-001"] || !all["CP-002"] || !all["QUOTA-001"] {
		t.Fatalf("the demo lacks results the test needs: %v", all)
	}
	r := execute(t, "", "audit", "-f", demoDir, "--now", demoNow, "-o", "json", "--skip-check", "dns,cp-002")
	got := resultChecks(t, r.stdout)
	for id := range all {
		skipped := strings.HasPrefix(id, "DNS-") || id == "CP-002"
		if got[id] == skipped {
			t.Errorf("--skip-check dns,cp-002: %s present=%v", id, got[id])
		}
	}

	r = execute(t, "", "audit", "-f", demoDir, "--now", demoNow, "-o", "json", "--check", "DNS", "--skip-check", "DNS-004", "--skip-check", "DNS-005")
	got = resultChecks(t, r.stdout)
	want := map[string]bool{}
	for id := range all {
		if strings.HasPrefix(id, "DNS-") && id != "DNS-004" && id != "DNS-005" {
			want[id] = true
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("--check DNS --skip-check DNS-004,DNS-005: %v, want %v", got, want)
	}

	for args, stderr := range map[string]string{
		"--skip-check NOPE":             `error: --skip-check "NOPE" matches no check (see 'seaworthy checks')` + "\n",
		"--check DNS --skip-check dns-": "error: --check and --skip-check leave no check to run\n",
	} {
		r := execute(t, "", append([]string{"audit", "-f", demoDir}, strings.Fields(args)...)...)
		if r.code != 2 || r.stderr != stderr {
			t.Errorf("%s: exit %d, stderr %q, want 2 and %q", args, r.code, r.stderr, stderr)
		}
	}
}

func TestAuditPositionalPaths(t *testing.T) {
	withF := execute(t, "", "audit", "-f", demoDir, "--now", demoNow, "-o", "json")
	positional := execute(t, "", "audit", demoDir, "--now", demoNow, "-o", "json")
	if positional.code != withF.code || positional.stdout != withF.stdout || withF.stdout == "" {
		t.Errorf("audit PATH: exit %d, want the report of audit -f PATH (exit %d)\n%s", positional.code, withF.code, positional.stderr)
	}

	// Mixed: -f for some files, PATH for others, as one input.
	files := []string{"namespaces.yaml", "quotas.yaml", "workloads.yaml"}
	joined := execute(t, "", "audit", "--now", demoNow, "-o", "json",
		"-f", filepath.Join(demoDir, files[0]), "-f", filepath.Join(demoDir, files[1]), "-f", filepath.Join(demoDir, files[2]))
	mixed := execute(t, "", "audit", "--now", demoNow, "-o", "json",
		filepath.Join(demoDir, files[0]), "-f", filepath.Join(demoDir, files[1]), filepath.Join(demoDir, files[2]))
	// The same objects and results; only the report's list of inputs is in
	// another order (-f first, then PATH).
	withoutInput := func(out string) string {
		rep := decodeReport(t, out)
		delete(rep, "input")
		b, _ := json.Marshal(rep)
		return string(b)
	}
	if joined.stdout == "" || mixed.code != joined.code || withoutInput(mixed.stdout) != withoutInput(joined.stdout) {
		t.Errorf("mixed -f and PATH: exit %d, want the report of three -f (exit %d)\n%s", mixed.code, joined.code, mixed.stderr)
	}

	if r := execute(t, "", "audit", filepath.Join(demoDir, "no-such.yaml")); r.code != 2 || !strings.Contains(r.stderr, "no-such.yaml") {
		t.Errorf("audit MISSING: exit %d, stderr %q", r.code, r.stderr)
	}

	// With no -f and no PATH it stays a live audit.
	for args, want := range map[string][]string{
		"":                       nil,
		"a.yaml":                 {"a.yaml"},
		"-f a.yaml b/":           {"a.yaml", "b/"},
		"--context prod -f - c/": {"-", "c/"},
	} {
		cmd, o := auditCommand(genericiooptions.IOStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}})
		if err := cmd.ParseFlags(strings.Fields(args)); err != nil {
			t.Fatal(err)
		}
		if err := o.complete(cmd, cmd.Flags().Args()); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(o.source.filenames, want) {
			t.Errorf("audit %s: filenames %q, want %q", args, o.source.filenames, want)
		}
	}
}
