package main

import (
	"archive/tar"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// DefaultSource is the org.opencontainers.image.source label unless -source
// says otherwise: the repository the module path names.
const DefaultSource = "https://github.com/seaworthy-k8s/seaworthy"

// Path is where the binary sits in the image, and the entrypoint.
const Path = "/seaworthy"

// NonRoot is the user and group the image runs as (distroless's nonroot).
const NonRoot = 65532

// RefNameAnnotation names the image inside the layout's index.json, as
// tools that copy from a layout (LAYOUT:REF) look it up.
const RefNameAnnotation = "org.opencontainers.image.ref.name"

// options says what goes into the image.
type options struct {
	// Binary is the static linux seaworthy binary to pack.
	Binary string
	// Version, Revision, Source and Licenses fill the OCI labels; empty
	// Revision and Licenses are left out.
	Version, Revision, Source, Licenses string
	// Arch is the GOARCH the binary was built for: amd64 or arm64.
	Arch string
	// Created is every timestamp in the image: the file's mtime, the
	// config's and the history's created time.
	Created time.Time
}

var machines = map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}

// build assembles the image: an OCI manifest over one layer holding the
// binary, and a config that runs it as NonRoot with nothing else.
func build(o options) (v1.Image, error) {
	if o.Binary == "" {
		return nil, errors.New("build image: -binary is required")
	}
	if err := checkStatic(o.Binary, o.Arch); err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(binaryTar(o.Binary, o.Created),
		tarball.WithMediaType(types.OCILayer), tarball.WithCompressedCaching)
	if err != nil {
		return nil, fmt.Errorf("build layer: %w", err)
	}
	created := v1.Time{Time: o.Created}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.ConfigFile(img, &v1.ConfigFile{
		Architecture: o.Arch,
		OS:           "linux",
		Created:      created,
		Config: v1.Config{
			Entrypoint: []string{Path},
			User:       fmt.Sprintf("%d:%d", NonRoot, NonRoot),
			WorkingDir: "/",
			Labels:     labels(o),
		},
		RootFS: v1.RootFS{Type: "layers"},
	})
	if err != nil {
		return nil, fmt.Errorf("set image config: %w", err)
	}
	img, err = mutate.Append(img, mutate.Addendum{
		Layer:     layer,
		MediaType: types.OCILayer,
		History:   v1.History{Created: created, CreatedBy: "seaworthy binary at " + Path},
	})
	if err != nil {
		return nil, fmt.Errorf("append binary layer: %w", err)
	}
	return img, nil
}

// labels are the OCI image labels (the annotation keys of the image spec).
func labels(o options) map[string]string {
	l := map[string]string{
		"org.opencontainers.image.title":       "seaworthy",
		"org.opencontainers.image.description": "Audit Kubernetes clusters for production readiness and recommend sizing",
		"org.opencontainers.image.version":     o.Version,
		"org.opencontainers.image.source":      o.Source,
		"org.opencontainers.image.created":     o.Created.UTC().Format(time.RFC3339),
	}
	if o.Revision != "" {
		l["org.opencontainers.image.revision"] = o.Revision
	}
	if o.Licenses != "" {
		l["org.opencontainers.image.licenses"] = o.Licenses
	}
	return l
}

// checkStatic refuses a binary that is not an ELF executable for arch or
// that needs a dynamic loader: the image has no libc to load it with.
func checkStatic(path, arch string) error {
	want, ok := machines[arch]
	if !ok {
		return fmt.Errorf("check binary: unsupported -arch %q (amd64 or arm64)", arch)
	}
	f, err := elf.Open(path)
	if err != nil {
		return fmt.Errorf("check binary %s: %w", path, err)
	}
	defer f.Close()
	if f.Machine != want {
		return fmt.Errorf("check binary %s: built for %s, not %s", path, f.Machine, arch)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			return fmt.Errorf("check binary %s: dynamically linked (%s); build it with CGO_ENABLED=0", path, p.Type)
		}
	}
	return nil
}

// binaryTar streams a tar holding only the binary, at Path without its
// leading slash as image layers name files, owned by NonRoot, mode 0755,
// with mtime set to created.
func binaryTar(path string, created time.Time) tarball.Opener {
	return func() (io.ReadCloser, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("open binary: %w", err)
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("stat binary: %w", err)
		}
		pr, pw := io.Pipe()
		go func() {
			defer f.Close()
			tw := tar.NewWriter(pw)
			err := tw.WriteHeader(&tar.Header{
				Typeflag: tar.TypeReg,
				Name:     Path[1:],
				Mode:     0o755,
				Uid:      NonRoot,
				Gid:      NonRoot,
				Size:     st.Size(),
				ModTime:  created,
				Format:   tar.FormatUSTAR,
			})
			if err == nil {
				_, err = io.Copy(tw, f)
			}
			if err == nil {
				err = tw.Close()
			}
			pw.CloseWithError(err)
		}()
		return pr, nil
	}
}

// writeLayout writes img as the only image of a fresh OCI image layout in
// dir, named ref, and returns its manifest digest. A dir that exists is
// replaced only when it is empty or already an image layout.
func writeLayout(dir string, img v1.Image, ref string) (string, error) {
	if err := clearLayout(dir); err != nil {
		return "", err
	}
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return "", fmt.Errorf("write image layout: %w", err)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return "", fmt.Errorf("read image config: %w", err)
	}
	err = p.AppendImage(img,
		layout.WithAnnotations(map[string]string{RefNameAnnotation: ref}),
		layout.WithPlatform(v1.Platform{OS: cfg.OS, Architecture: cfg.Architecture}))
	if err != nil {
		return "", fmt.Errorf("write image to layout: %w", err)
	}
	d, err := img.Digest()
	if err != nil {
		return "", fmt.Errorf("digest image: %w", err)
	}
	return d.String(), nil
}

func clearLayout(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read layout dir: %w", err)
	}
	if len(entries) == 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, "oci-layout")); err != nil {
		return fmt.Errorf("replace %s: not an OCI image layout (no oci-layout file); remove it or choose another -o", dir)
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("remove old layout: %w", err)
	}
	return nil
}

// layoutSize is the bytes of every blob in the layout: what a registry
// stores for the image.
func layoutSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(filepath.Join(dir, "blobs"), func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			n += info.Size()
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("measure layout: %w", err)
	}
	return n, nil
}
