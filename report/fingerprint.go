package report

import (
	"crypto/sha256"
	"encoding/hex"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/seaworthy-k8s/seaworthy/result"
)

// FingerprintVersion names the fingerprint scheme in SARIF's
// partialFingerprints; a change of scheme gets a new version.
const FingerprintVersion = "seaworthy/v1"

// Fingerprint identifies a finding across runs: a hash of the check ID and
// the object's kind, namespace and name. The message and the apiVersion are
// left out, so rewording a message or moving a manifest to a newer API
// version does not make a finding look new.
func Fingerprint(check string, obj result.ObjectRef) string {
	return fingerprint(check, obj, 1)
}

// fingerprint hashes the nth finding of check on obj; n > 1 tells apart
// several findings of one check on one object (one per quota resource).
func fingerprint(check string, obj result.ObjectRef, n int) string {
	parts := []string{check, obj.Kind, obj.Namespace, obj.Name}
	if n > 1 {
		parts = append(parts, strconv.Itoa(n))
	}
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:16])
}

// fingerprints returns the fingerprint of each result, in order. The first
// result of a check on an object gets Fingerprint; each further one on the
// same object gets its occurrence number hashed in, so fingerprints are
// unique within a report.
func fingerprints(results []result.Result) []string {
	type key struct {
		check string
		obj   result.ObjectRef
	}
	seen := make(map[key]int, len(results))
	out := make([]string, len(results))
	for i, res := range results {
		obj := res.Object
		obj.APIVersion = ""
		k := key{res.Check, obj}
		seen[k]++
		out[i] = fingerprint(res.Check, obj, seen[k])
	}
	return out
}

// securityCheck reports whether a check judges access or credentials
// (RBAC, SEC, CERT), whose findings SARIF and Code Quality rank higher.
func securityCheck(id string) bool {
	for _, p := range []string{"RBAC-", "SEC-", "CERT-"} {
		if strings.HasPrefix(id, p) {
			return true
		}
	}
	return false
}

// findings returns the results at status info or above (fail, warn,
// info), the ones CI formats report, in report order.
func findings(r *Report) []result.Result {
	var out []result.Result
	for _, res := range r.Results {
		if res.Status.Severity() > 0 {
			out = append(out, res)
		}
	}
	return out
}

// repoPath is a manifest path as CI tools want it: forward slashes,
// cleaned ("./deploy/a.yaml" is "deploy/a.yaml"); relative paths stay
// relative, so they resolve from the repository's root.
func repoPath(file string) string {
	return path.Clean(filepath.ToSlash(file))
}
