package manifests

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/snapshotfile"
)

// Options configures Load.
type Options struct {
	// Now is the snapshot's CollectedAt: the run's start, or --now.
	Now time.Time
	// Stdin is read for the path "-".
	Stdin io.Reader
	// Warn receives the warnings: each problem the API server would
	// refuse or drop (inputchecks.go), objects read twice, a walked file
	// that holds no Kubernetes object, and at the end one line that counts
	// the objects skipped per kind seaworthy does not read (Secrets and
	// CustomResourceDefinitions are skipped without a word).
	Warn func(msg string)
	// DefaultNamespace is the namespace of namespaced objects that name
	// none, as kubectl apply -n gives it; empty means "default".
	DefaultNamespace string
	// Context, when set, cancels the load: Load returns its error
	// (context.Canceled on Ctrl-C) promptly, even while a read of stdin
	// is blocked, and no snapshot.
	Context context.Context
	// Progress, when set, is called as the input is read with the objects
	// decoded and the bytes read so far, often (the caller throttles);
	// calls are never concurrent and their counts never decrease.
	Progress func(objects int, bytes int64)

	// notes collects the summary of what is skipped (notes.go); walked
	// tells that the file being read was found by walking a directory.
	notes  *notes
	walked bool
	prog   *loadProgress
}

func (o *Options) ctx() context.Context {
	if o.Context == nil {
		return context.Background()
	}
	return o.Context
}

// manifestExts are the file extensions read when walking a directory.
var manifestExts = map[string]bool{".yaml": true, ".yml": true, ".json": true}

// Load reads the inputs named by paths: manifest files, directories
// (recursively, .yaml/.yml/.json), "-" for stdin, or a single snapshot file
// (read by snapshotfile). Each object's file and line is kept in
// Snapshot.Origins, under its effective namespace. Objects read more than
// once (the same kind, namespace and name) are kept as last read, with a
// warning; see inputchecks.go for the other input warnings and errors.
// When opts.Context is done, Load returns its error and no snapshot.
func Load(paths []string, opts Options) (*cluster.Snapshot, error) {
	s, err := load(paths, &opts)
	if err := opts.ctx().Err(); err != nil {
		return nil, err
	}
	return s, err
}

func load(paths []string, opts *Options) (*cluster.Snapshot, error) {
	ctx := opts.ctx()
	opts.notes = &notes{}
	if opts.Progress != nil {
		opts.prog = &loadProgress{fn: opts.Progress}
	}
	files, err := expandPaths(paths)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no .yaml, .yml or .json files in %s", strings.Join(paths, ", "))
	}
	s := &cluster.Snapshot{SchemaVersion: cluster.SchemaVersion, CollectedAt: opts.Now.UTC(), Source: cluster.SourceManifests}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if f.path != "-" {
			snap, err := sniffSnapshotFile(f.path)
			if err != nil {
				return nil, err
			}
			if snap {
				if len(files) > 1 {
					return nil, &cluster.InputError{Path: f.path, Err: errors.New("a snapshot file must be the only input")}
				}
				return snapshotfile.ReadFile(f.path)
			}
		}
		if f.path != "-" {
			o := *opts
			o.walked = f.walked
			if err := decodeFile(s, f.path, &o); err != nil {
				return nil, err
			}
			continue
		}
		stdin := opts.Stdin
		if stdin == nil {
			stdin = os.Stdin
		}
		data, err := readInput("-", countReader{r: &ctxReader{ctx: ctx, r: stdin}, p: opts.prog})
		if err != nil {
			return nil, err
		}
		if snapshotfile.Is(data) {
			if len(files) > 1 {
				return nil, &cluster.InputError{Path: "-", Err: errors.New("a snapshot file must be the only input")}
			}
			snap, err := snapshotfile.Read(bytes.NewReader(data))
			if err != nil {
				return nil, &cluster.InputError{Path: "-", Err: err}
			}
			return snap, nil
		}
		if err := decodeParallel(s, "-", bytes.NewReader(data), func() ([]byte, error) { return data, nil }, opts); err != nil {
			return nil, err
		}
	}
	if len(s.Nodes) == 0 {
		s.Gaps = append(s.Gaps, cluster.Gap{Kind: cluster.KindNodes, Reason: cluster.GapNotInInput,
			Message: "the manifests hold no Node objects, so there is no whole-cluster context"})
	}
	// Every object was tidied as its batch was decoded (decodeParallel).
	finish(s, opts, true)
	if msg := opts.notes.kindsSummary(); msg != "" && opts.Warn != nil {
		opts.Warn(msg)
	}
	return s, nil
}

// finish ends a manifest load: cluster.Finish, collapsing objects read
// more than once to the last read, then the warnings about what the API
// server would refuse (inputchecks.go).
func finish(s *cluster.Snapshot, opts *Options, tidied bool) {
	warn := opts.Warn
	if warn == nil {
		warn = func(string) {}
	}
	cluster.Finish(s, cluster.FinishOptions{DefaultNamespace: opts.DefaultNamespace, Tidied: tidied, Duplicates: warn})
	warnRemoved(s.Origins, warn)
	warnNoSelector(s, warn)
}

func readInput(path string, stdin io.Reader) ([]byte, error) {
	if path == "-" {
		if stdin == nil {
			stdin = os.Stdin
		}
		data, err := io.ReadAll(stdin)
		if err != nil {
			return nil, fmt.Errorf("read stdin: %w", err)
		}
		return data, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, unwrapPathError(err))
	}
	return data, nil
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// inputFile is one file to read; walked tells that it was found by
// walking a directory, not named.
type inputFile struct {
	path   string
	walked bool
}

// expandPaths turns files, directories and "-" into a file list, each
// directory's sorted. A walk leaves out dot-files and dot-directories and
// the files of tools that render manifests (skipInWalk).
func expandPaths(paths []string) ([]inputFile, error) {
	var files []inputFile
	for _, p := range paths {
		if p == "-" {
			files = append(files, inputFile{path: p})
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, unwrapPathError(err))
		}
		if !info.IsDir() {
			files = append(files, inputFile{path: p})
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return fmt.Errorf("read %s: %w", path, unwrapPathError(err))
			}
			if path != p && skipInWalk(d.Name(), d.IsDir()) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.IsDir() && manifestExts[strings.ToLower(filepath.Ext(path))] {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		for _, f := range found {
			files = append(files, inputFile{path: f, walked: true})
		}
	}
	return files, nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// decodeManifests decodes a multi-document YAML (or JSON) stream, one
// document after another: the reference reader, which decodeParallel
// falls back to for any input it does not decode itself (see parallel.go).
func decodeManifests(s *cluster.Snapshot, path string, data []byte, opts *Options) error {
	_, err := decodeSerial(s, path, data, 0, opts)
	return err
}

// decodeSerial is decodeManifests for data whose line numbers are delta
// less than the input's (a part of a stream that decodeParallel cut out).
// syntax reports that the error is the YAML parser's: one that may depend
// on what follows data in the input.
func decodeSerial(s *cluster.Snapshot, path string, data []byte, delta int, opts *Options) (syntax bool, err error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return false, nil
		}
		if err != nil {
			if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
				line, _ := strconv.Atoi(m[1])
				return true, &cluster.InputError{Path: path, Line: line + delta, Err: errors.New(m[2])}
			}
			return true, &cluster.InputError{Path: path, Err: errors.New(strings.TrimPrefix(err.Error(), "yaml: "))}
		}
		if len(doc.Content) == 0 {
			continue
		}
		root := doc.Content[0]
		if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
			continue
		}
		if err := addDocument(s, path, root, delta, opts); err != nil {
			return false, err
		}
	}
}

// addDocument adds the object of one document, or each item of a List.
// In a file found by walking a directory (opts.walked), a document that
// is no Kubernetes object (values.yaml, a CI workflow) is noted, not an
// error: decodeParallel warns once for the file.
func addDocument(s *cluster.Snapshot, path string, n *yaml.Node, delta int, opts *Options) error {
	return addObject(s, path, n, delta, opts, true)
}

// addItem adds one item of a List.
func addItem(s *cluster.Snapshot, path string, n *yaml.Node, delta int, opts *Options) error {
	return addObject(s, path, n, delta, opts, false)
}

func addObject(s *cluster.Snapshot, path string, n *yaml.Node, delta int, opts *Options, document bool) error {
	warn := opts.Warn
	line := n.Line + delta
	v, err := nodeValue(n, delta)
	if err != nil {
		var le *lineError
		if errors.As(err, &le) {
			return &cluster.InputError{Path: path, Line: le.line + delta, Err: errors.New(le.msg)}
		}
		return &cluster.InputError{Path: path, Line: line, Err: err}
	}
	lenient := document && opts.walked && opts.notes != nil
	obj, ok := v.(map[string]any)
	if !ok {
		if lenient {
			opts.notes.nonObject(line, "not a mapping")
			return nil
		}
		return &cluster.InputError{Path: path, Line: line, Err: errors.New("document is not an object")}
	}
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	if apiVersion == "" || kind == "" {
		if lenient {
			opts.notes.nonObject(line, "no apiVersion/kind")
			return nil
		}
		return &cluster.InputError{Path: path, Line: line, Err: errors.New("document has no apiVersion or kind")}
	}
	if strings.HasSuffix(kind, "List") {
		if items := mappingValue(n, "items"); items != nil && items.Kind == yaml.SequenceNode {
			for _, item := range items.Content {
				if err := addItem(s, path, item, delta, opts); err != nil {
					return err
				}
			}
			return nil
		}
	}
	if isSecret(apiVersion, kind) {
		meta, _ := obj["metadata"].(map[string]any)
		ns, _ := meta["namespace"].(string)
		name, _ := meta["name"].(string)
		addSecretName(s, ns, name)
		return nil
	}
	info, ok := cluster.LookupKind(apiVersion, kind)
	if !ok {
		opts.notes.skip(apiVersion, kind)
		return nil
	}
	data, err := json.Marshal(obj)
	if err != nil {
		return &cluster.InputError{Path: path, Line: line, Err: err}
	}
	err = s.AddObject(apiVersion, kind, data, true)
	var unknown *cluster.UnknownFieldError
	if errors.As(err, &unknown) {
		// kubectl warns about unknown fields and the API server drops
		// them; so do we, naming the object so a typo is easy to find.
		if warn != nil {
			warn(fmt.Sprintf("%s:%d: %s %s %q: %v (ignored)", path, line, apiVersion, kind, objectName(obj), err))
		}
		err = s.AddObject(apiVersion, kind, data, false)
	}
	if err != nil {
		return &cluster.InputError{Path: path, Line: line, Err: fmt.Errorf("decode %s %s: %w", apiVersion, kind, err)}
	}
	ns := ""
	if info.Namespaced {
		md, _ := obj["metadata"].(map[string]any)
		if ns, _ = md["namespace"].(string); ns == "" {
			ns = cluster.FinishOptions{DefaultNamespace: opts.DefaultNamespace}.EffectiveNamespace()
		}
	}
	s.Origins = append(s.Origins, cluster.Origin{Kind: info.Kind, Namespace: ns, Name: objectName(obj), File: path, Line: line, APIVersion: apiVersion})
	return nil
}

func objectName(obj map[string]any) string {
	md, _ := obj["metadata"].(map[string]any)
	name, _ := md["name"].(string)
	return name
}

func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// lineError is a problem at one line of a YAML document.
type lineError struct {
	line int
	msg  string
}

func (e *lineError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

// nodeValue converts a YAML node into JSON-compatible values. Timestamps
// stay strings (as Kubernetes expects); keys must be strings. Line numbers
// in errors are delta more than the nodes'.
func nodeValue(n *yaml.Node, delta int) (any, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return nodeValue(n.Content[0], delta)
	case yaml.AliasNode:
		return nodeValue(n.Alias, delta)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		lines := make(map[string]int, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				return nil, &lineError{k.Line, "mapping key is not a string"}
			}
			if first, dup := lines[k.Value]; dup && k.Tag != "!!merge" {
				return nil, &lineError{k.Line, fmt.Sprintf("key %q already defined at line %d", k.Value, first+delta)}
			}
			lines[k.Value] = k.Line
			if k.Tag == "!!merge" {
				merged, err := nodeValue(v, delta)
				if err != nil {
					return nil, err
				}
				if mm, ok := merged.(map[string]any); ok {
					for mk, mv := range mm {
						if _, set := m[mk]; !set {
							m[mk] = mv
						}
					}
				}
				continue
			}
			val, err := nodeValue(v, delta)
			if err != nil {
				return nil, err
			}
			m[k.Value] = val
		}
		return m, nil
	case yaml.SequenceNode:
		l := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			val, err := nodeValue(c, delta)
			if err != nil {
				return nil, err
			}
			l = append(l, val)
		}
		return l, nil
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return nil, nil
		case "!!bool", "!!int", "!!float":
			var v any
			if err := n.Decode(&v); err != nil {
				return nil, &lineError{n.Line, err.Error()}
			}
			return v, nil
		default:
			return n.Value, nil
		}
	}
	return nil, &lineError{n.Line, "unsupported YAML node"}
}

// sniffSnapshotFile reports whether the file at path starts like a snapshot.
func sniffSnapshotFile(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, fmt.Errorf("read %s: %w", path, unwrapPathError(err))
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return false, fmt.Errorf("read %s: %w", path, unwrapPathError(err))
	}
	return snapshotfile.Is(head[:n]), nil
}
