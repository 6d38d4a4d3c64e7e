package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
	"k8s.io/cli-runtime/pkg/genericiooptions"
)

func TestCommandName(t *testing.T) {
	for argv0, want := range map[string]string{
		"seaworthy":                            "seaworthy",
		"/usr/local/bin/seaworthy":             "seaworthy",
		"./bin/seaworthy":                      "seaworthy",
		"kubectl-seaworthy":                    "kubectl seaworthy",
		"/home/me/.krew/bin/kubectl-seaworthy": "kubectl seaworthy",
		"kubectl-seaworthy.exe":                "kubectl seaworthy",
		"kubectl-":                             "seaworthy",
		"":                                     "seaworthy",
	} {
		if got := CommandName(argv0); got != want {
			t.Errorf("CommandName(%q) = %q, want %q", argv0, got, want)
		}
	}
}

func executeAs(t *testing.T, argv0 string, args ...string) run {
	t.Helper()
	var out, errOut bytes.Buffer
	code := ExecuteAs(argv0, args, genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	return run{code: code, stdout: out.String(), stderr: errOut.String()}
}

// Installed as kubectl-seaworthy (krew, or a symlink on PATH), usage and
// help say "kubectl seaworthy …"; installed as seaworthy they say
// "seaworthy …", as before.
func TestUsageNamesKubectlPlugin(t *testing.T) {
	for argv0, name := range map[string]string{
		"/usr/local/bin/kubectl-seaworthy": "kubectl seaworthy",
		"/usr/local/bin/seaworthy":         "seaworthy",
	} {
		r := executeAs(t, argv0, "--help")
		if r.code != 0 || !strings.Contains(r.stdout, "Usage:\n  "+name+" [command]\n") ||
			!strings.Contains(r.stdout, `Use "`+name+` [command] --help"`) {
			t.Errorf("%s --help: exit %d, want usage %q:\n%s", argv0, r.code, name+" [command]", r.stdout)
		}
		r = executeAs(t, argv0, "audit", "--help")
		if r.code != 0 || !strings.Contains(r.stdout, "Usage:\n  "+name+" audit [PATH...] [flags]\n") {
			t.Errorf("%s audit --help: exit %d, want a usage line starting %q:\n%s", argv0, r.code, name+" audit", r.stdout)
		}
		if name == "seaworthy" && strings.Contains(r.stdout, "kubectl seaworthy") {
			t.Errorf("%s audit --help names the plugin:\n%s", argv0, r.stdout)
		}
		r = executeAs(t, argv0, "rbac", "who-can", "--help")
		if !strings.Contains(r.stdout, "Usage:\n  "+name+" rbac who-can VERB RESOURCE") {
			t.Errorf("%s rbac who-can --help: want usage under %q:\n%s", argv0, name, r.stdout)
		}
		r = executeAs(t, argv0, "--no-such-flag")
		if r.code != 2 || !strings.Contains(r.stderr, "Run '"+name+" --help' for usage.") {
			t.Errorf("%s --no-such-flag: exit %d, stderr %q; want the hint to name %q", argv0, r.code, r.stderr, name)
		}
	}
}

// Completion of -o keeps working under the plugin's name (outputValues is
// keyed by the path under "seaworthy").
func TestPluginCompletesOutput(t *testing.T) {
	r := executeAs(t, "kubectl-seaworthy", "__complete", "audit", "-o", "")
	if r.code != 0 || !strings.Contains(r.stdout, "json\n") || !strings.Contains(r.stdout, "table\n") {
		t.Errorf("__complete audit -o as kubectl-seaworthy: exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// The krew manifest installs kubectl-seaworthy on the four platforms from
// this project's GitHub releases; its checksums are placeholders that the
// release process must replace (krew rejects them as they are).
func TestKrewManifest(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "deploy", "krew", "seaworthy.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		APIVersion string `yaml:"apiVersion"`
		Kind       string `yaml:"kind"`
		Metadata   struct{ Name string }
		Spec       struct {
			Version   string
			Platforms []struct {
				Selector struct {
					MatchLabels map[string]string `yaml:"matchLabels"`
				}
				URI, Sha256, Bin string
				Files            []struct{ From, To string }
			}
		}
	}
	if err := yaml.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if m.APIVersion != "krew.googlecontainertools.github.com/v1alpha2" || m.Kind != "Plugin" || m.Metadata.Name != "seaworthy" {
		t.Errorf("manifest is %s %s %q, want a krew v1alpha2 Plugin named seaworthy", m.APIVersion, m.Kind, m.Metadata.Name)
	}
	seen := map[string]bool{}
	for _, p := range m.Spec.Platforms {
		osName, arch := p.Selector.MatchLabels["os"], p.Selector.MatchLabels["arch"]
		seen[osName+"/"+arch] = true
		wantURI := "https://github.com/seaworthy-k8s/seaworthy/releases/download/" + m.Spec.Version +
			"/seaworthy_" + m.Spec.Version + "_" + osName + "_" + arch + ".tar.gz"
		if p.URI != wantURI {
			t.Errorf("%s/%s uri %q, want %q", osName, arch, p.URI, wantURI)
		}
		if want := "RELEASE_SHA256_" + strings.ToUpper(osName+"_"+arch); p.Sha256 != want {
			t.Errorf("%s/%s sha256 %q, want the placeholder %q", osName, arch, p.Sha256, want)
		}
		if p.Bin != "kubectl-seaworthy" || len(p.Files) == 0 || p.Files[0].From != "kubectl-seaworthy" {
			t.Errorf("%s/%s installs %q from %v, want kubectl-seaworthy", osName, arch, p.Bin, p.Files)
		}
		// CommandName gives the installed binary the plugin's usage.
		if got := CommandName(p.Bin); got != "kubectl seaworthy" {
			t.Errorf("installed as %s, usage says %q", p.Bin, got)
		}
	}
	for _, want := range []string{"linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64"} {
		if !seen[want] {
			t.Errorf("no platform %s", want)
		}
	}
	if len(m.Spec.Platforms) != 4 {
		t.Errorf("%d platforms, want 4", len(m.Spec.Platforms))
	}
}
