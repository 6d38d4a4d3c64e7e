package patch

import (
	"bytes"
	"path/filepath"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// kustomize itself builds the output over the manifests (the test adds
// `resources:` to the generated kustomization, as Kustomize's doc comment
// tells users to): each target gets exactly the recommended amounts, as
// the strategic-merge round trip does, and coredns its replicas.
func TestKustomizeBuilds(t *testing.T) {
	files, err := Kustomize(build())
	if err != nil {
		t.Fatal(err)
	}
	fs := filesys.MakeFsInMemory()
	d, c := deployment(), cronJob()
	dns := deployment()
	dns.Name, dns.Namespace = "coredns", "kube-system"
	var manifests []byte
	for _, o := range []any{d, c, dns} {
		b, err := yaml.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		manifests = append(append(manifests, b...), []byte("---\n")...)
	}
	if err := fs.WriteFile("/out/manifests.yaml", manifests); err != nil {
		t.Fatal(err)
	}
	for name, body := range files {
		if name == KustomizationFile {
			body = append(body, []byte("resources:\n- manifests.yaml\n")...)
		}
		if err := fs.WriteFile(filepath.Join("/out", name), body); err != nil {
			t.Fatal(err)
		}
	}
	res, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fs, "/out")
	if err != nil {
		t.Fatalf("kustomize build: %v", err)
	}
	out, err := res.AsYaml()
	if err != nil {
		t.Fatal(err)
	}
	docs := splitDocs(t, out)
	if len(docs) != 3 {
		t.Fatalf("kustomize built %d objects, want 3:\n%s", len(docs), out)
	}
	var gotWeb, gotDNS appsv1.Deployment
	for _, doc := range docs {
		var meta struct {
			Kind     string                `json:"kind"`
			Metadata struct{ Name string } `json:"metadata"`
		}
		_ = yaml.Unmarshal(doc, &meta)
		switch meta.Kind + "/" + meta.Metadata.Name {
		case "Deployment/web":
			_ = yaml.Unmarshal(doc, &gotWeb)
		case "Deployment/coredns":
			_ = yaml.Unmarshal(doc, &gotDNS)
		case "CronJob/report":
			checkCron(t, mustYAMLToJSON(t, doc))
		}
	}
	checkWeb(t, mustYAMLToJSON(t, mustYAML(t, gotWeb)))
	wantDNS := dns
	four := int32(4)
	wantDNS.Spec.Replicas = &four
	if !equality.Semantic.DeepEqual(gotDNS, wantDNS) {
		t.Errorf("coredns after kustomize: %+v", gotDNS.Spec)
	}
}

func splitDocs(t *testing.T, b []byte) [][]byte {
	t.Helper()
	var out [][]byte
	for _, part := range bytes.Split(b, []byte("\n---\n")) {
		if len(part) > 0 {
			out = append(out, part)
		}
	}
	return out
}

func mustYAML(t *testing.T, v any) []byte {
	t.Helper()
	b, err := yaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustYAMLToJSON(t *testing.T, b []byte) []byte {
	t.Helper()
	j, err := yaml.YAMLToJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	return j
}
