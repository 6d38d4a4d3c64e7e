package snapshotfile_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/manifests"
	"github.com/seaworthy-k8s/seaworthy/cluster/snapshotfile"
	"github.com/seaworthy-k8s/seaworthy/fixtures/synth"
)

var snapNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// apiTime is a timestamp as metav1.Time decodes one: whole seconds, local.
func apiTime(s string) metav1.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return metav1.NewTime(t.Local())
}

// smallSnapshot has a few objects of several kinds, with the values a
// decoder could get wrong: quantities, int-or-strings, timestamps, escapes.
func smallSnapshot() *cluster.Snapshot {
	created := apiTime("2025-12-01T10:00:00Z")
	timeout, hookURL, ready := int32(5), "https://hooks.example.com/mutate", true
	vpaMode := cluster.VPAUpdateModeAuto
	return &cluster.Snapshot{
		SchemaVersion: cluster.SchemaVersion,
		CollectedAt:   time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC),
		Source:        cluster.SourceLive,
		Server:        cluster.ServerInfo{Host: "https://10.0.0.1:6443", GitVersion: "v1.34.2", Platform: "kubeadm"},
		Nodes: []corev1.Node{{
			ObjectMeta: metav1.ObjectMeta{Name: "n1", CreationTimestamp: created,
				Labels: map[string]string{"topology.kubernetes.io/zone": "a"}},
			Status: corev1.NodeStatus{Allocatable: corev1.ResourceList{
				corev1.ResourceCPU: resource.MustParse("3920m"), corev1.ResourceMemory: resource.MustParse("15Gi")}},
		}},
		Namespaces: []corev1.Namespace{{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}},
		Pods: []corev1.Pod{{
			ObjectMeta: metav1.ObjectMeta{Name: "web-1", Namespace: "team-a", CreationTimestamp: created,
				Annotations: map[string]string{"note": "quote \" backslash \\ brace } bracket ] <html> & \u2028 é"}},
			Spec: corev1.PodSpec{NodeName: "n1", Containers: []corev1.Container{{
				Name: "app", Image: "example/app:1",
				Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m")}},
				ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{
					Path: "/ready", Port: intstr.FromString("http")}}},
			}}},
			Status: corev1.PodStatus{Phase: corev1.PodRunning, StartTime: &created},
		}},
		Deployments: []appsv1.Deployment{{
			ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "team-a"},
			Spec: appsv1.DeploymentSpec{Strategy: appsv1.DeploymentStrategy{RollingUpdate: &appsv1.RollingUpdateDeployment{
				MaxUnavailable: &intstr.IntOrString{Type: intstr.String, StrVal: "25%"}}}},
		}},
		ConfigMaps: []corev1.ConfigMap{{ObjectMeta: metav1.ObjectMeta{Name: "coredns", Namespace: "kube-system"},
			Data: map[string]string{"Corefile": ".:53 {\n    errors\n}\n"}}},
		IngressClasses: []networkingv1.IngressClass{{ObjectMeta: metav1.ObjectMeta{Name: "nginx",
			Annotations: map[string]string{networkingv1.AnnotationIsDefaultIngressClass: "true"}},
			Spec: networkingv1.IngressClassSpec{Controller: "k8s.io/ingress-nginx"}}},
		// The admission kinds, with the fields their checks read.
		ValidatingWebhooks: []admissionregistrationv1.ValidatingWebhookConfiguration{{ObjectMeta: metav1.ObjectMeta{Name: "policy"},
			Webhooks: []admissionregistrationv1.ValidatingWebhook{{Name: "validate.policy.example.com", TimeoutSeconds: &timeout,
				ClientConfig: admissionregistrationv1.WebhookClientConfig{Service: &admissionregistrationv1.ServiceReference{Namespace: "policy", Name: "policy-webhook"}}}}}},
		MutatingWebhooks: []admissionregistrationv1.MutatingWebhookConfiguration{{ObjectMeta: metav1.ObjectMeta{Name: "external"},
			Webhooks: []admissionregistrationv1.MutatingWebhook{{Name: "mutate.external.example.com", ClientConfig: admissionregistrationv1.WebhookClientConfig{URL: &hookURL}}}}},
		EndpointSlices: []discoveryv1.EndpointSlice{{ObjectMeta: metav1.ObjectMeta{Name: "policy-webhook-x7k2p", Namespace: "policy",
			Labels: map[string]string{discoveryv1.LabelServiceName: "policy-webhook"}}, AddressType: discoveryv1.AddressTypeIPv4,
			Endpoints: []discoveryv1.Endpoint{{Addresses: []string{"10.0.0.1"}, Conditions: discoveryv1.EndpointConditions{Ready: &ready}}}}},
		APIServices: []cluster.APIService{{ObjectMeta: metav1.ObjectMeta{Name: "v1beta1.metrics.k8s.io"},
			Spec: cluster.APIServiceSpec{Group: "metrics.k8s.io", Version: "v1beta1", GroupPriorityMinimum: 100, VersionPriority: 100,
				Service: &cluster.APIServiceReference{Namespace: "kube-system", Name: "metrics-server"}},
			Status: cluster.APIServiceStatus{Conditions: []cluster.APIServiceCondition{{Type: "Available", Status: "False",
				LastTransitionTime: created, Reason: "MissingEndpoints", Message: "no addresses"}}}}},
		VPAs: []cluster.VerticalPodAutoscaler{{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "team-a"},
			Spec: cluster.VPASpec{TargetRef: &autoscalingv1.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "web"},
				UpdatePolicy: &cluster.VPAUpdatePolicy{UpdateMode: &vpaMode},
				ResourcePolicy: &cluster.VPAResourcePolicy{ContainerPolicies: []cluster.VPAContainerPolicy{{ContainerName: "*",
					ControlledResources: &[]corev1.ResourceName{corev1.ResourceMemory}}}}}}},
		Gaps: []cluster.Gap{
			{Kind: cluster.KindRoles, Reason: cluster.GapForbidden, Message: "roles is forbidden"},
			{Kind: cluster.KindConfigMaps, Namespace: "kube-system", Name: "kubeadm-config", Reason: cluster.GapNotInInput, Message: "not found"},
		},
	}
}

func write(t *testing.T, s *cluster.Snapshot) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := snapshotfile.Write(&b, s); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func read(t *testing.T, data []byte) *cluster.Snapshot {
	t.Helper()
	s, err := snapshotfile.Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// replayed is what reading s back from a file must give: the same objects,
// the snapshot source, and the platform the finishing step detects.
func replayed(s *cluster.Snapshot) *cluster.Snapshot {
	c := *s
	c.OriginalSource = s.Source
	c.Source = cluster.SourceSnapshot
	c.SetPlatform()
	return &c
}

func TestSnapshotRoundTrip(t *testing.T) {
	orig := smallSnapshot()
	got := read(t, write(t, orig))
	if want := replayed(orig); !reflect.DeepEqual(got, want) {
		t.Errorf("round trip differs:\ngot  %s\nwant %s", mustJSON(t, got), mustJSON(t, want))
	}
	if got.Source != cluster.SourceSnapshot || got.OriginalSource != cluster.SourceLive {
		t.Errorf("source %q original %q", got.Source, got.OriginalSource)
	}
	// A replayed snapshot written again keeps its original source.
	again := read(t, write(t, got))
	if again.OriginalSource != cluster.SourceLive {
		t.Errorf("second replay original source %q", again.OriginalSource)
	}
}

// TestSnapshotRoundTripLarge pushes a generated cluster through several
// batches and workers, and compares with encoding/json reading the same
// file whole.
func TestSnapshotRoundTripLarge(t *testing.T) {
	orig := synth.Generate(synth.Spec{Nodes: 20, Pods: 1000, Seed: 7}, snapNow)
	orig.Normalize() // as every source leaves it: trimmed pods (the reader trims too)
	orig.SetPlatform()
	data := write(t, orig)
	for _, procs := range []int{1, 2, 4} {
		old := runtime.GOMAXPROCS(procs)
		got := read(t, data)
		runtime.GOMAXPROCS(old)

		var want cluster.Snapshot
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, replayed(&want)) {
			t.Fatalf("GOMAXPROCS=%d: streamed read differs from encoding/json", procs)
		}
		if len(got.Pods) != 1000 || len(got.Nodes) != 20 {
			t.Fatalf("GOMAXPROCS=%d: %d pods, %d nodes", procs, len(got.Pods), len(got.Nodes))
		}
		// Written again with its original source, it is the same file.
		got.Source, got.OriginalSource = got.OriginalSource, ""
		if !bytes.Equal(write(t, got), data) {
			t.Fatalf("GOMAXPROCS=%d: rewritten snapshot differs", procs)
		}
	}
}

// TestSnapshotCountsAreHints reads files whose counts header is missing,
// short, long or absurd: the result is the same.
func TestSnapshotCountsAreHints(t *testing.T) {
	orig := synth.Generate(synth.Spec{Nodes: 10, Pods: 600, Seed: 3}, snapNow)
	data := write(t, orig)
	want := read(t, data)
	plain, err := json.Marshal(orig) // the format before the counts header
	if err != nil {
		t.Fatal(err)
	}
	header := regexpCounts(t, data)
	for name, in := range map[string][]byte{
		"none":   plain,
		"short":  bytes.Replace(data, header, []byte(`"counts":{"pods":10,"nodes":1},`), 1),
		"long":   bytes.Replace(data, header, []byte(`"counts":{"pods":700,"nodes":11,"roles":5},`), 1),
		"absurd": bytes.Replace(data, header, []byte(`"counts":{"pods":9223372036854775807,"nodes":-4},`), 1),
		"late":   bytes.Replace(bytes.Replace(data, header, nil, 1), []byte("\n]}"), append(append([]byte("\n],"), bytes.TrimSuffix(header, []byte(","))...), '}'), 1),
	} {
		t.Run(name, func(t *testing.T) {
			got := read(t, in)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("differs from the read with exact counts")
			}
		})
	}
}

// regexpCounts returns the counts header line, with its trailing comma.
func regexpCounts(t *testing.T, data []byte) []byte {
	t.Helper()
	start := bytes.Index(data, []byte(`"counts":{`))
	if start < 0 || start > 100 {
		t.Fatalf("no counts header near the start: %.200s", data)
	}
	end := bytes.IndexByte(data[start:], '}')
	return data[start : start+end+2]
}

func TestSnapshotWriteDeterministic(t *testing.T) {
	s := synth.Generate(synth.Spec{Nodes: 12, Pods: 500, Seed: 1}, snapNow)
	a, b := write(t, s), write(t, s)
	if !bytes.Equal(a, b) {
		t.Fatal("two writes of one snapshot differ")
	}
	if !snapshotfile.Is(a) {
		t.Errorf("IsSnapshot does not recognise the output: %.100s", a)
	}
	// Every Snapshot field is written as encoding/json would write it, so
	// the file stays readable by any JSON tool (and by older readers).
	var got, want map[string]any
	if err := json.Unmarshal(a, &got); err != nil {
		t.Fatal(err)
	}
	plain, _ := json.Marshal(s)
	if err := json.Unmarshal(plain, &want); err != nil {
		t.Fatal(err)
	}
	counts, _ := got["counts"].(map[string]any)
	if counts["pods"] != float64(len(s.Pods)) || counts["nodes"] != float64(len(s.Nodes)) {
		t.Errorf("counts = %v", counts)
	}
	delete(got, "counts")
	if !reflect.DeepEqual(got, want) {
		t.Error("written fields differ from encoding/json's")
	}
	// One list element a line.
	if n := bytes.Count(a, []byte("\n")); n < len(s.Pods)+len(s.Nodes) {
		t.Errorf("%d lines for %d pods", n, len(s.Pods))
	}
}

func TestSnapshotEmptyLists(t *testing.T) {
	s := &cluster.Snapshot{SchemaVersion: cluster.SchemaVersion, CollectedAt: snapNow, Source: cluster.SourceManifests}
	got := read(t, write(t, s))
	if !reflect.DeepEqual(got, replayed(s)) {
		t.Errorf("got %s", mustJSON(t, got))
	}
	// An explicit empty list reads as encoding/json reads it.
	got = read(t, []byte(`{"schemaVersion":"seaworthy.snapshot/v1","pods":[],"nodes":null}`))
	if got.Pods == nil || len(got.Pods) != 0 || got.Nodes != nil {
		t.Errorf("pods %#v nodes %#v", got.Pods, got.Nodes)
	}
}

func TestSnapshotNewerSchema(t *testing.T) {
	for name, in := range map[string]string{
		"whole":     `{"schemaVersion":"seaworthy.snapshot/v2","collectedAt":"2026-01-01T00:00:00Z"}`,
		"truncated": `{"schemaVersion":"seaworthy.snapshot/v9","pods":[{"metadata":{"name":"a"}},{"meta`,
		"new shape": `{"schemaVersion":"seaworthy.snapshot/v3","pods":"elsewhere"}`,
		"late":      `{"collectedAt":"2026-01-01T00:00:00Z","schemaVersion":"seaworthy.snapshot/v2"}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := snapshotfile.Read(strings.NewReader(in))
			if err == nil || !strings.Contains(err.Error(), "newer") {
				t.Fatalf("err = %v, want one saying the schema is newer", err)
			}
		})
	}
}

// Schema versions seaworthy never wrote are refused by name, not read as
// v1 (v0, negative, signed, zero-padded, non-numeric).
func TestSnapshotSchemaVersionNeverWritten(t *testing.T) {
	for _, v := range []string{"v0", "v-5", "v+1", "v01", "vx", "v", "v1.0", "v1beta1"} {
		t.Run(v, func(t *testing.T) {
			in := `{"schemaVersion":"seaworthy.snapshot/` + v + `","collectedAt":"2026-01-01T00:00:00Z"}`
			_, err := snapshotfile.Read(strings.NewReader(in))
			want := `snapshot schemaVersion "seaworthy.snapshot/` + v + `" names no schema seaworthy has written (seaworthy.snapshot/v1 to ` + cluster.SchemaVersion + `)`
			if err == nil || err.Error() != want {
				t.Fatalf("err = %v, want %q", err, want)
			}
		})
	}
	if _, err := snapshotfile.Read(strings.NewReader(`{"schemaVersion":"seaworthy.snapshot/v1","collectedAt":"2026-01-01T00:00:00Z"}`)); err != nil {
		t.Errorf("v1: %v", err)
	}
}

func TestSnapshotMalformed(t *testing.T) {
	const v1 = `"schemaVersion":"seaworthy.snapshot/v1"`
	for _, c := range []struct{ name, in, want string }{
		{"empty", "", "ends early"},
		{"spaces", " \n\t", "ends early"},
		{"array", `[]`, `want '{'`},
		{"open", `{`, "ends early"},
		{"no schema", `{"pods":[]}`, "not a seaworthy snapshot"},
		{"other schema", `{"schemaVersion":"other/v1"}`, "not a seaworthy snapshot"},
		{"bad key", `{` + v1 + `,pods:[]}`, "want an object key"},
		{"no colon", `{"schemaVersion" "x"}`, `want ':'`},
		{"no comma", `{` + v1 + ` "pods":[]}`, `want ',' or '}'`},
		{"trailing comma", `{` + v1 + `,}`, "want an object key"},
		{"key only", `{` + v1 + `,"pods"`, "ends early"},
		{"open list", `{` + v1 + `,"pods":[`, "ends early"},
		{"open element", `{` + v1 + `,"pods":[{"metadata":{"name":"a"}`, "ends early"},
		{"open string", `{` + v1 + `,"pods":[{"metadata":{"name":"a\"}}]}`, "ends early"},
		{"list separator", `{` + v1 + `,"pods":[{} {}]}`, `want ',' or ']'`},
		{"element type", `{` + v1 + `,"pods":[{},{"metadata":{"name":5}}]}`, "pods[1]"},
		{"element syntax", `{` + v1 + `,"pods":[{"metadata":{"name":"a"]}]}`, "pods[0]"},
		{"list type", `{` + v1 + `,"pods":{"a":1}}`, "pods"},
		{"scalar type", `{` + v1 + `,"collectedAt":5}`, "collectedAt"},
		{"bad literal", `{` + v1 + `,"source":nope}`, "source"},
		{"counts type", `{` + v1 + `,"counts":[1]}`, "counts"},
		{"trailing data", `{` + v1 + `} {}`, "after the snapshot"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := snapshotfile.Read(strings.NewReader(c.in))
			if err == nil {
				t.Fatalf("no error, got %s", mustJSON(t, s))
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want it to mention %q", err, c.want)
			}
			if s != nil {
				t.Error("a snapshot came back with the error")
			}
		})
	}
}

// TestSnapshotTruncated cuts a real file at many points: each cut gives an
// error, never a panic or a partial snapshot.
func TestSnapshotTruncated(t *testing.T) {
	data := write(t, synth.Generate(synth.Spec{Nodes: 3, Pods: 60, Namespaces: 3, Seed: 2}, snapNow))
	var cuts []int
	for i := 0; i < 200; i++ {
		cuts = append(cuts, i)
	}
	for i := 200; i < len(data)-1; i += len(data) / 100 {
		cuts = append(cuts, i)
	}
	cuts = append(cuts, len(data)-2)
	for _, n := range cuts {
		s, err := snapshotfile.Read(bytes.NewReader(data[:n]))
		if err == nil || s != nil {
			t.Fatalf("cut at %d of %d: no error", n, len(data))
		}
	}
	// Only the final newline is optional.
	if _, err := snapshotfile.Read(bytes.NewReader(data[:len(data)-1])); err != nil {
		t.Fatal(err)
	}
}

// oneByteReader returns one byte a read, to exercise every buffer boundary.
type oneByteReader struct{ r io.Reader }

func (o oneByteReader) Read(p []byte) (int, error) { return o.r.Read(p[:1]) }

func TestSnapshotSmallReads(t *testing.T) {
	orig := smallSnapshot()
	got, err := snapshotfile.Read(oneByteReader{bytes.NewReader(write(t, orig))})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, replayed(orig)) {
		t.Errorf("got %s", mustJSON(t, got))
	}
}

type failingReader struct{ n int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("disk on fire")
	}
	n := min(len(p), f.n)
	copy(p, bytes.Repeat([]byte(" "), n))
	f.n -= n
	return n, nil
}

func TestSnapshotReadError(t *testing.T) {
	_, err := snapshotfile.Read(io.MultiReader(strings.NewReader(`{"schemaVersion":"seaworthy.snapshot/v1","pods":[`), &failingReader{n: 10}))
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("err = %v", err)
	}
}

func TestReadSnapshotFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "snap.json")
	if err := os.WriteFile(path, write(t, smallSnapshot()), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := snapshotfile.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s, replayed(smallSnapshot())) {
		t.Errorf("got %s", mustJSON(t, s))
	}
	// cluster.Load recognises it as the only input.
	if s, err = manifests.Load([]string{path}, manifests.Options{Now: snapNow}); err != nil || s.Source != cluster.SourceSnapshot {
		t.Fatalf("Load: %v", err)
	}

	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"schemaVersion":"seaworthy.snapshot/v1","pods":[{"metadata":{"name":5}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = snapshotfile.ReadFile(bad)
	var ie *cluster.InputError
	if !errors.As(err, &ie) || ie.Path != bad || !strings.HasPrefix(err.Error(), bad+": decode snapshot: pods[0]") {
		t.Errorf("err = %v", err)
	}
	if _, err := snapshotfile.ReadFile(filepath.Join(dir, "missing.json")); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing file err = %v", err)
	}
}

func FuzzReadSnapshot(f *testing.F) {
	f.Add([]byte(`{"schemaVersion":"seaworthy.snapshot/v1","counts":{"pods":2},"pods":[{},{"metadata":{"name":"a\\"}"}}]}`))
	f.Add([]byte(`{"schemaVersion":"seaworthy.snapshot/v1","gaps":[{"kind":"pods","reason":"forbidden"}],"x":[1,"]",{"}":[]}]}`))
	f.Add([]byte(`{"schemaVersion":"seaworthy.snapshot/v1","pods":[{"spec":{"containers":[{"name":"\u0041"}]}}],"source":"live"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := snapshotfile.Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		// Whatever reads must agree with encoding/json on the parts that
		// it accepts too.
		var want cluster.Snapshot
		if json.Unmarshal(data, &want) == nil && len(s.Pods) != len(want.Pods) {
			t.Errorf("%d pods, encoding/json %d", len(s.Pods), len(want.Pods))
		}
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
