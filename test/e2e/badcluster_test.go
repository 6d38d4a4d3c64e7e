package e2e

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Losing the API server mid-collection ends the run: exit 2, one error line,
// no partial report. A TCP proxy between seaworthy and the API server counts
// the bytes the server sends; a first read through it measures a whole
// collection (and audits as a direct read does, as of the same moment), a
// second one, an audit, is cut halfway: every connection is closed and new
// ones are refused, long after the version call succeeded and while the pod
// lists (made large on purpose) are still streaming.
func TestLiveServerLostMidRun(t *testing.T) {
	lc := startCluster(t, demoDir)
	addBulkPods(t, lc, "bulk", 1500)

	whole := startProxy(t, lc.Host, 0)
	reads := auditReadsAtOneMoment(t, lc.kubeconfig(t, "proxied", "https://"+whole.addr(), nil, lc.adminUser()), lc.Kubeconfig)
	total := whole.sent.Load()
	if d := diffResults("direct", "through the proxy", reads[1].Results, reads[0].Results); d != "" {
		t.Fatalf("the proxy changes the audit:\n%s", d)
	}
	t.Logf("a whole collection receives %d bytes from the API server", total)
	if total < 1<<20 {
		t.Fatalf("a whole collection receives only %d bytes; the cut would not fall mid-collection", total)
	}

	cut := startProxy(t, lc.Host, total/2)
	r := runCLI(t, "audit", "--kubeconfig", lc.kubeconfig(t, "cut", "https://"+cut.addr(), nil, lc.adminUser()), "-o", "json")
	if !cut.wasCut() {
		t.Fatalf("the proxy never cut the connection (%d of %d bytes sent): %s", cut.sent.Load(), total/2, r)
	}
	requireOneErrorLine(t, r, "lost the API server at https://"+cut.addr())
}

// addBulkPods creates n pods in a new namespace, each with 1 KiB of random
// annotation (which the API server's gzip cannot shrink away), so listing
// them takes several pages of real traffic.
func addBulkPods(t *testing.T, lc *liveCluster, ns string, n int) {
	t.Helper()
	ctx := t.Context()
	if _, err := lc.client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var failed atomic.Pointer[error]
	next := make(chan int)
	for range 16 {
		wg.Go(func() {
			for i := range next {
				pad := make([]byte, 768)
				_, _ = rand.Read(pad) // never fails
				note := base64.StdEncoding.EncodeToString(pad)
				_, err := lc.client.CoreV1().Pods(ns).Create(ctx, &corev1.Pod{
					ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("bulk-%05d", i), Namespace: ns,
						Labels: map[string]string{"app": "bulk"}, Annotations: map[string]string{"e2e/padding": note}},
					Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "registry.k8s.io/pause:3.10"}}},
				}, metav1.CreateOptions{})
				if err != nil {
					failed.CompareAndSwap(nil, &err)
				}
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := failed.Load(); err != nil {
		t.Fatalf("create bulk pods: %v", *err)
	}
}

// cutProxy forwards TCP connections to the API server and, once limit bytes
// (0: no limit) have gone from the server to clients, closes every
// connection and its listener, so new connections are refused.
type cutProxy struct {
	ln     net.Listener
	target string
	limit  int64
	sent   atomic.Int64

	mu    sync.Mutex
	conns []net.Conn
	cut   bool
}

func startProxy(t *testing.T, server string, limit int64) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: strings.TrimPrefix(server, "https://"), limit: limit}
	t.Cleanup(p.close)
	go p.serve()
	return p
}

func (p *cutProxy) addr() string { return p.ln.Addr().String() }

func (p *cutProxy) wasCut() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cut
}

func (p *cutProxy) serve() {
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			client.Close()
			continue
		}
		if !p.track(client, server) {
			return
		}
		go func() { _, _ = io.Copy(server, client); server.Close() }()
		go p.toClient(client, server)
	}
}

// track registers a connection pair, or closes it when the proxy was cut.
func (p *cutProxy) track(conns ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cut {
		for _, c := range conns {
			c.Close()
		}
		return false
	}
	p.conns = append(p.conns, conns...)
	return true
}

// toClient copies server→client traffic, counting it, and cuts everything
// when the limit is reached.
func (p *cutProxy) toClient(client, server net.Conn) {
	defer client.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := server.Read(buf)
		if n > 0 {
			if p.limit > 0 {
				room := p.limit - p.sent.Load()
				if int64(n) >= room {
					if room > 0 {
						_, _ = client.Write(buf[:room])
						p.sent.Add(room)
					}
					p.close()
					return
				}
			}
			if _, werr := client.Write(buf[:n]); werr != nil {
				return
			}
			p.sent.Add(int64(n))
		}
		if err != nil {
			return
		}
	}
}

// close stops accepting and drops every connection.
func (p *cutProxy) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cut {
		return
	}
	p.cut = true
	p.ln.Close()
	for _, c := range p.conns {
		c.Close()
	}
}

// Bad credentials or a server that cannot be verified end the run before
// anything is read: exit 2, one error line saying why, nothing on stdout.
func TestLiveBadCredentials(t *testing.T) {
	lc, token := startAuditorCluster(t)

	t.Run("wrong CA", func(t *testing.T) {
		r := runCLI(t, "audit", "--kubeconfig", lc.kubeconfig(t, "wrong-ca", "", otherCA(t), lc.adminUser()), "-o", "json")
		requireOneErrorLine(t, r, "cannot verify the API server at "+lc.Host, "x509")
	})
	t.Run("bogus token", func(t *testing.T) {
		bogus := b64(`{"alg":"RS256","kid":"e2e"}`) + "." + b64(`{"iss":"https://kubernetes.default.svc.cluster.local","sub":"system:serviceaccount:seaworthy:seaworthy"}`) + "." + b64(string(randomBytes(t, 256)))
		r := runCLI(t, "audit", "--kubeconfig", lc.TokenKubeconfig(t, "bogus", bogus))
		requireOneErrorLine(t, r, "401", "Unauthorized")
	})

	// A real token re-signed with the cluster's own ServiceAccount key: as
	// issued it is accepted (the control), with its lifetime moved into the
	// past it is rejected as expired.
	key := serviceAccountKey(t, lc)
	t.Run("re-signed token is accepted", func(t *testing.T) {
		same := resign(t, token, key, func(map[string]any) {})
		if same == token {
			t.Fatal("re-signing gave the identical token; ECDSA signatures are randomised")
		}
		rep := audit(t, "--kubeconfig", lc.TokenKubeconfig(t, "resigned", same))
		if len(rep.Gaps) != 0 {
			t.Errorf("gaps with the re-signed auditor token: %v", rep.Gaps)
		}
	})
	t.Run("expired token", func(t *testing.T) {
		past := time.Now().Add(-2 * time.Hour).Unix()
		expired := resign(t, token, key, func(claims map[string]any) {
			claims["iat"], claims["nbf"], claims["exp"] = past-600, past-600, past
		})
		r := runCLI(t, "audit", "--kubeconfig", lc.TokenKubeconfig(t, "expired", expired))
		requireOneErrorLine(t, r, "401", "Unauthorized")
	})
}

// otherCA returns a self-signed CA certificate that did not sign the API
// server's serving certificate.
func otherCA(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "some-other-ca"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// serviceAccountKey reads the key the control plane signs ServiceAccount
// tokens with (the harness writes it as sa.key in its directory).
func serviceAccountKey(t *testing.T, lc *liveCluster) *ecdsa.PrivateKey {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(lc.Dir, "sa.key"))
	if err != nil {
		t.Fatalf("read the ServiceAccount signing key: %v", err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		t.Fatal("sa.key holds no PEM block")
	}
	key, err := x509.ParseECPrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// resign decodes a JWT's claims, lets edit change them, and signs the result
// with key (ES256), keeping the original header.
func resign(t *testing.T, token string, key *ecdsa.PrivateKey, edit func(map[string]any)) string {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts", len(parts))
	}
	header, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		t.Fatal(err)
	}
	var h struct {
		Alg string `json:"alg"`
	}
	if err := json.Unmarshal(header, &h); err != nil || h.Alg != "ES256" {
		t.Fatalf("token header %s (%v), want ES256", header, err)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	edit(claims)
	payload, err = json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	signed := parts[0] + "." + base64.RawURLEncoding.EncodeToString(payload)
	digest := sha256.Sum256([]byte(signed))
	r, s, err := ecdsa.Sign(rand.Reader, key, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return signed + "." + base64.RawURLEncoding.EncodeToString(sig)
}
