package main

import (
	"archive/tar"
	"bytes"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

const testVersion = "v9.8.7-test"

// staticBinary builds seaworthy as make image does (cgo off, -trimpath, the
// version ldflag) for this machine's architecture, so the test can run what
// it packs; once per test binary, as linking it takes seconds.
func staticBinary(t *testing.T) (path, arch string) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skipf("the image's binary is linux/%s and this test runs it; this is %s", runtime.GOARCH, runtime.GOOS)
	}
	if _, ok := machines[runtime.GOARCH]; !ok {
		t.Skipf("the image is built for amd64 or arm64; this machine is %s", runtime.GOARCH)
	}
	built.Do(func() {
		built.path = filepath.Join(binDir, "seaworthy")
		cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false",
			"-ldflags", "-X github.com/seaworthy-k8s/seaworthy/internal/cli.Version="+testVersion,
			"-o", built.path, "github.com/seaworthy-k8s/seaworthy/cmd/seaworthy")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH)
		if out, err := cmd.CombinedOutput(); err != nil {
			built.err = fmt.Errorf("build seaworthy: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path, runtime.GOARCH
}

var (
	binDir string
	built  struct {
		sync.Once
		path string
		err  error
	}
)

func TestMain(m *testing.M) {
	var err error
	if binDir, err = os.MkdirTemp("", "seaworthy-image-test-"); err != nil {
		fmt.Fprintln(os.Stderr, "make temp dir:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(binDir)
	os.Exit(code)
}

func TestImageLayout(t *testing.T) {
	bin, arch := staticBinary(t)
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	o := options{
		Binary:   bin,
		Version:  testVersion,
		Revision: "0123456789abcdef0123456789abcdef01234567",
		Source:   DefaultSource,
		Licenses: "Apache-2.0",
		Arch:     arch,
		Created:  created,
	}

	// Two builds into two layouts: the same digest, byte for byte the same
	// index.
	var digests [2]string
	var dirs [2]string
	for i := range dirs {
		dirs[i] = filepath.Join(t.TempDir(), "layout")
		start := time.Now()
		img, err := build(o)
		if err != nil {
			t.Fatal(err)
		}
		if digests[i], err = writeLayout(dirs[i], img, testVersion); err != nil {
			t.Fatal(err)
		}
		size, err := layoutSize(dirs[i])
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("build %d: %s, %d bytes of blobs, in %s", i+1, digests[i], size, time.Since(start).Round(time.Millisecond))
	}
	if digests[0] != digests[1] {
		t.Errorf("two builds of one binary gave %s and %s; the image is not reproducible", digests[0], digests[1])
	}
	idx0, _ := os.ReadFile(filepath.Join(dirs[0], "index.json"))
	idx1, _ := os.ReadFile(filepath.Join(dirs[1], "index.json"))
	if !bytes.Equal(idx0, idx1) || len(idx0) == 0 {
		t.Errorf("index.json differs between builds:\n%s\n%s", idx0, idx1)
	}

	// Read the layout back as a registry client would see it.
	p, err := layout.FromPath(dirs[0])
	if err != nil {
		t.Fatal(err)
	}
	ii, err := p.ImageIndex()
	if err != nil {
		t.Fatal(err)
	}
	im, err := ii.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Manifests) != 1 {
		t.Fatalf("index holds %d manifests, want 1", len(im.Manifests))
	}
	desc := im.Manifests[0]
	if desc.Digest.String() != digests[0] {
		t.Errorf("index names %s, build returned %s", desc.Digest, digests[0])
	}
	if desc.MediaType != types.OCIManifestSchema1 {
		t.Errorf("manifest media type %s, want %s", desc.MediaType, types.OCIManifestSchema1)
	}
	if want := map[string]string{RefNameAnnotation: testVersion}; !reflect.DeepEqual(desc.Annotations, want) {
		t.Errorf("index annotations %v, want %v", desc.Annotations, want)
	}
	if desc.Platform == nil || desc.Platform.OS != "linux" || desc.Platform.Architecture != arch {
		t.Errorf("index platform %+v, want linux/%s", desc.Platform, arch)
	}
	img, err := ii.Image(desc.Digest)
	if err != nil {
		t.Fatal(err)
	}
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if m.Config.MediaType != types.OCIConfigJSON {
		t.Errorf("config media type %s, want %s", m.Config.MediaType, types.OCIConfigJSON)
	}

	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	wantConfig := v1.Config{
		Entrypoint: []string{"/seaworthy"},
		User:       "65532:65532",
		WorkingDir: "/",
		Labels: map[string]string{
			"org.opencontainers.image.title":       "seaworthy",
			"org.opencontainers.image.description": "Audit Kubernetes clusters for production readiness and recommend sizing",
			"org.opencontainers.image.version":     "v9.8.7-test",
			"org.opencontainers.image.revision":    "0123456789abcdef0123456789abcdef01234567",
			"org.opencontainers.image.source":      "https://github.com/seaworthy-k8s/seaworthy",
			"org.opencontainers.image.licenses":    "Apache-2.0",
			"org.opencontainers.image.created":     "2026-01-02T03:04:05Z",
		},
	}
	// No Env (so no PATH to a shell), no Cmd, no Shell: the config is
	// exactly this.
	if !reflect.DeepEqual(cfg.Config, wantConfig) {
		t.Errorf("image config\n got %+v\nwant %+v", cfg.Config, wantConfig)
	}
	if cfg.OS != "linux" || cfg.Architecture != arch || !cfg.Created.Time.Equal(created) {
		t.Errorf("config os/arch/created %s/%s/%s, want linux/%s/%s", cfg.OS, cfg.Architecture, cfg.Created.Time, arch, created)
	}
	if len(cfg.History) != 1 || cfg.History[0].CreatedBy != "seaworthy binary at /seaworthy" || !cfg.History[0].Created.Time.Equal(created) {
		t.Errorf("history %+v, want one entry created %s", cfg.History, created)
	}

	// One layer, holding one file.
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != 1 {
		t.Fatalf("image has %d layers, want 1", len(layers))
	}
	if mt, _ := layers[0].MediaType(); mt != types.OCILayer {
		t.Errorf("layer media type %s, want %s", mt, types.OCILayer)
	}
	rc, err := layers[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	extracted := filepath.Join(t.TempDir(), "seaworthy")
	var names []string
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		if h.Name != "seaworthy" {
			continue
		}
		got := fmt.Sprintf("type %c mode %o uid %d gid %d mtime %s", h.Typeflag, h.Mode, h.Uid, h.Gid, h.ModTime.UTC().Format(time.RFC3339))
		if want := "type 0 mode 755 uid 65532 gid 65532 mtime 2026-01-02T03:04:05Z"; got != want {
			t.Errorf("seaworthy in the layer: %s, want %s", got, want)
		}
		f, err := os.OpenFile(extracted, os.O_CREATE|os.O_WRONLY|os.O_EXCL, os.FileMode(h.Mode))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(f, tr); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	// Only the binary: no /bin/sh, no busybox, no /etc, nothing to exec
	// into.
	if want := []string{"seaworthy"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("layer holds %q, want %q", names, want)
	}
	orig, _ := os.ReadFile(bin)
	packed, _ := os.ReadFile(extracted)
	if !bytes.Equal(orig, packed) {
		t.Errorf("the packed binary (%d bytes) differs from the built one (%d bytes)", len(packed), len(orig))
	}

	// A static ELF: nothing to load it with in the image.
	ef, err := elf.Open(extracted)
	if err != nil {
		t.Fatal(err)
	}
	defer ef.Close()
	for _, prog := range ef.Progs {
		if prog.Type == elf.PT_INTERP || prog.Type == elf.PT_DYNAMIC {
			t.Errorf("the packed binary has a %s program header; it needs a dynamic loader the image does not have", prog.Type)
		}
	}
	if s := ef.Section(".interp"); s != nil {
		t.Errorf("the packed binary has an .interp section")
	}
	if s := ef.Section(".dynamic"); s != nil {
		t.Errorf("the packed binary has a .dynamic section")
	}

	// And it runs.
	out, err := exec.Command(extracted, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("run the packed seaworthy version: %v\n%s", err, out)
	}
	want := "seaworthy v9.8.7-test\n" +
		"go: " + runtime.Version() + "\n" +
		"snapshot schema: seaworthy.snapshot/v1\n" +
		"report schema: seaworthy.report/v1\n"
	if string(out) != want {
		t.Errorf("seaworthy version printed\n%s\nwant\n%s", out, want)
	}
}

func TestBuildRefuses(t *testing.T) {
	tests := []struct {
		name string
		o    options
		want string
	}{
		{"no binary", options{Arch: "amd64"}, "build image: -binary is required"},
		{"unknown arch", options{Binary: "x", Arch: "s390x"}, `check binary: unsupported -arch "s390x" (amd64 or arm64)`},
		{"not an ELF", options{Binary: "doc.go", Arch: "amd64"}, "check binary doc.go: bad magic number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := build(tt.o)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("build: %v, want %s", err, tt.want)
			}
		})
	}
}

// TestBuildRefusesDynamic packs the machine's own ls, which is linked
// against libc, and wants a refusal naming the loader header.
func TestBuildRefusesDynamic(t *testing.T) {
	const ls = "/bin/ls"
	f, err := elf.Open(ls)
	if err != nil {
		t.Skipf("no ELF %s to try as a dynamically linked binary: %v", ls, err)
	}
	arch := ""
	for a, m := range machines {
		if m == f.Machine {
			arch = a
		}
	}
	interp := false
	for _, p := range f.Progs {
		interp = interp || p.Type == elf.PT_INTERP
	}
	f.Close()
	if arch == "" || !interp {
		t.Skipf("%s is not a dynamically linked amd64 or arm64 binary here", ls)
	}
	_, err = build(options{Binary: ls, Arch: arch})
	want := "check binary /bin/ls: dynamically linked (PT_INTERP); build it with CGO_ENABLED=0"
	if err == nil || err.Error() != want {
		t.Errorf("build: %v, want %s", err, want)
	}
}

func TestWriteLayoutKeepsOtherDirs(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := writeLayout(dir, nil, "v1")
	want := "replace " + dir + ": not an OCI image layout (no oci-layout file); remove it or choose another -o"
	if err == nil || err.Error() != want {
		t.Errorf("writeLayout: %v, want %s", err, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "notes.txt")); err != nil {
		t.Errorf("writeLayout removed a directory that was not a layout: %v", err)
	}
}

// TestDockerfileMatchesLayout keeps the Dockerfile's image the same shape
// as the one make image writes: same build flags, entrypoint and user, a
// distroless static nonroot base.
func TestDockerfileMatchesLayout(t *testing.T) {
	df, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	mk, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	ldflag := regexp.MustCompile(`(?m)^LDFLAGS\s*:=\s*(-X \S+=)\$\(VERSION\)$`).FindSubmatch(mk)
	if ldflag == nil {
		t.Fatal("no LDFLAGS := -X ...=$(VERSION) line in the Makefile")
	}
	for _, want := range []string{
		"ARG BASE_IMAGE=gcr.io/distroless/static-debian12:nonroot\n",
		"RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath \\\n",
		`-ldflags "` + string(ldflag[1]) + `${VERSION}"`,
		"COPY --from=build --chown=65532:65532 --chmod=0755 /out/seaworthy /seaworthy\n",
		"USER 65532:65532\n",
		`ENTRYPOINT ["/seaworthy"]` + "\n",
	} {
		if !strings.Contains(string(df), want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
}

// TestSkopeoReadsLayout hands the layout to skopeo, a reader that shares no
// code with the writer, when it is installed (Debian's skopeo package).
func TestSkopeoReadsLayout(t *testing.T) {
	skopeo, err := exec.LookPath("skopeo")
	if err != nil {
		t.Skip("skopeo is not installed (apt-get install skopeo), so no second reader checks the layout")
	}
	bin, arch := staticBinary(t)
	img, err := build(options{Binary: bin, Version: testVersion, Source: DefaultSource, Arch: arch, Created: time.Unix(0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "layout")
	digest, err := writeLayout(dir, img, testVersion)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(skopeo, "inspect", "--format",
		"{{.Digest}} {{.Os}}/{{.Architecture}} {{len .Layers}} layer {{index .Labels \"org.opencontainers.image.version\"}}",
		"oci:"+dir+":"+testVersion).CombinedOutput()
	if err != nil {
		t.Fatalf("skopeo inspect: %v\n%s", err, out)
	}
	if want := digest + " linux/" + arch + " 1 layer v9.8.7-test\n"; string(out) != want {
		t.Errorf("skopeo inspect printed %q, want %q", out, want)
	}
}
