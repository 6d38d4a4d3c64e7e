package controlplane

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCacheDir: CacheDir finds the root the build scripts build into, so
// it is checked against the scripts' own shell expression for each way
// the environment can set it.
func TestCacheDir(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash to compare with the build scripts")
	}
	home := t.TempDir()
	for _, tt := range []struct {
		name, cache, xdg, want string
	}{
		{"SEAWORTHY_CACHE wins", "/srv/cache", "/xdg", "/srv/cache"},
		{"XDG_CACHE_HOME", "", "/xdg", "/xdg/seaworthy"},
		{"home", "", "", filepath.Join(home, ".cache", "seaworthy")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("HOME", home)
			t.Setenv(EnvCache, tt.cache)
			t.Setenv("XDG_CACHE_HOME", tt.xdg)
			if got := CacheDir(); got != tt.want {
				t.Errorf("CacheDir() = %q, want %q", got, tt.want)
			}
			// The expression test/tools/build.sh and test/metricsserver/build.sh use.
			out, err := exec.Command(bash, "-c", `echo "${SEAWORTHY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/seaworthy}"`).Output()
			if err != nil {
				t.Fatal(err)
			}
			if sh := strings.TrimSpace(string(out)); sh != tt.want {
				t.Errorf("build scripts use %q, CacheDir %q", sh, tt.want)
			}
		})
	}
}
