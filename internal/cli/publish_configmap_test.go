package cli

import "testing"

// A bad --publish configmap ARG or --keep fails at flag time: one line,
// exit 2, nothing on stdout and nothing read.
func TestPublishConfigMapFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"bad namespace", []string{"--publish", "configmap:Bad/x"},
			"error: invalid --publish configmap namespace \"Bad\": want lowercase letters, digits and '-', starting and ending with a letter or digit\n"},
		{"no namespace", []string{"--publish", "configmap:x"},
			"error: invalid --publish configmap:x: want NS/NAME, e.g. configmap:seaworthy/seaworthy-report\n"},
		{"keep 0", []string{"--publish", "configmap", "--keep", "0"}, "error: invalid --keep 0: want 1 to 10 reports\n"},
		{"keep 11", []string{"--publish", "configmap:a/b", "--keep", "11"}, "error: invalid --keep 11: want 1 to 10 reports\n"},
		{"keep alone", []string{"--keep", "2"}, "error: --keep applies only to --publish configmap\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := execute(t, "", append([]string{"audit", "-f", "../../fixtures/clusters/demo", "--kubeconfig", "/nonexistent"}, tt.args...)...)
			if r.code != 2 || r.stdout != "" || r.stderr != tt.want {
				t.Fatalf("exit %d, stdout %q, stderr %q\nwant %q", r.code, r.stdout, r.stderr, tt.want)
			}
		})
	}
}
