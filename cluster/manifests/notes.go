package manifests

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
)

// notes are what a load tells in a summary rather than object by object:
// the kinds it skipped, and the documents of a file found by walking a
// directory that are no Kubernetes object. Each batch and each file keeps
// its own, merged in input order, so that the summary is the same however
// the input was decoded.
type notes struct {
	kinds []kindCount // skipped kinds, first seen first
	// nonObjects counts the documents of a walked file skipped for not
	// being Kubernetes objects; line and why are the first one's.
	nonObjects int
	line       int
	why        string
}

type kindCount struct {
	apiVersion, kind string
	n                int
}

// skip notes one object of a kind seaworthy does not read. Secrets
// (seaworthy never reads them) and CustomResourceDefinitions (definitions,
// not state) are skipped without a word.
func (n *notes) skip(apiVersion, kind string) {
	if n == nil || silentKind(apiVersion, kind) {
		return
	}
	n.addKind(apiVersion, kind, 1)
}

func (n *notes) addKind(apiVersion, kind string, count int) {
	for i := range n.kinds {
		if n.kinds[i].apiVersion == apiVersion && n.kinds[i].kind == kind {
			n.kinds[i].n += count
			return
		}
	}
	n.kinds = append(n.kinds, kindCount{apiVersion, kind, count})
}

// nonObject notes a document at line that is no Kubernetes object.
func (n *notes) nonObject(line int, why string) {
	if n.nonObjects == 0 {
		n.line, n.why = line, why
	}
	n.nonObjects++
}

// merge appends o's notes to n's.
func (n *notes) merge(o *notes) {
	for _, k := range o.kinds {
		n.addKind(k.apiVersion, k.kind, k.n)
	}
	if o.nonObjects > 0 {
		if n.nonObjects == 0 {
			n.line, n.why = o.line, o.why
		}
		n.nonObjects += o.nonObjects
	}
}

// silentKind reports the kinds skipped without a warning.
func silentKind(apiVersion, kind string) bool {
	group := ""
	if i := strings.LastIndexByte(apiVersion, '/'); i >= 0 {
		group = apiVersion[:i]
	}
	return group == "" && kind == "Secret" ||
		group == "apiextensions.k8s.io" && kind == "CustomResourceDefinition"
}

// kindsSummary is the one line that names the skipped kinds, with counts,
// in the order first seen; "" when none was.
func (n *notes) kindsSummary() string {
	if len(n.kinds) == 0 {
		return ""
	}
	parts := make([]string, len(n.kinds))
	for i, k := range n.kinds {
		parts[i] = fmt.Sprintf("%d %s (%s)", k.n, k.kind, k.apiVersion)
	}
	what := "kinds seaworthy does not read"
	if len(n.kinds) == 1 {
		what = "a kind seaworthy does not read"
	}
	return "skipped " + strings.Join(parts, ", ") + ": " + what
}

// nonObjectWarning is the one warning of a walked file some of whose
// documents are no Kubernetes object; whole tells that no document of the
// file was.
func (n *notes) nonObjectWarning(path string, whole bool) string {
	if whole {
		return fmt.Sprintf("skipped %s: not a Kubernetes object (%s)", path, n.why)
	}
	msg := fmt.Sprintf("skipped %s:%d: not a Kubernetes object (%s)", path, n.line, n.why)
	if more := n.nonObjects - 1; more == 1 {
		msg += ", and 1 more document like it"
	} else if more > 1 {
		msg += fmt.Sprintf(", and %d more documents like it", more)
	}
	return msg
}

// walkSilent are the files a directory walk skips without a word: they
// configure tools that render manifests (kustomize, Helm), and are no
// Kubernetes objects.
var walkSilent = map[string]bool{
	"kustomization.yaml": true, "kustomization.yml": true,
	"Chart.yaml": true,
}

// skipInWalk reports whether a directory walk leaves out name (a file or
// directory below the walked one): dot-files and dot-directories (.git,
// .github, ...) and walkSilent's files.
func skipInWalk(name string, dir bool) bool {
	if strings.HasPrefix(name, ".") {
		return true
	}
	return !dir && walkSilent[filepath.Base(name)]
}

// loadProgress counts what a load has read, for Options.Progress: bytes
// as they are read, objects as each batch is merged. Reports are
// serialised and never decrease.
type loadProgress struct {
	fn        func(objects int, bytes int64)
	bytes     atomic.Int64
	committed atomic.Int64 // objects of the files done
	inFile    atomic.Int64 // objects merged of the file being read

	mu        sync.Mutex
	lastObjs  int
	lastBytes int64
}

func (p *loadProgress) report() {
	if p == nil || p.fn == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	objs := int(p.committed.Load() + p.inFile.Load())
	b := p.bytes.Load()
	p.lastObjs, p.lastBytes = max(p.lastObjs, objs), max(p.lastBytes, b)
	p.fn(p.lastObjs, p.lastBytes)
}

func (p *loadProgress) merged(objects int) {
	if p == nil {
		return
	}
	p.inFile.Add(int64(objects))
	p.report()
}

// fileDone sets the objects read so far to total, at the end of a file.
func (p *loadProgress) fileDone(total int) {
	if p == nil {
		return
	}
	p.committed.Store(int64(total))
	p.inFile.Store(0)
	p.report()
}

// countReader counts the bytes read through it for a loadProgress.
type countReader struct {
	r io.Reader
	p *loadProgress
}

func (c countReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	if c.p != nil && n > 0 {
		c.p.bytes.Add(int64(n))
		c.p.report()
	}
	return n, err
}
