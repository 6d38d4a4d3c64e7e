package controlplane

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// FrontProxyClient is the user name kube-apiserver presents (as its client
// certificate's common name) when it proxies a request to an aggregated
// API server, and the only name --requestheader-allowed-names accepts.
const FrontProxyClient = "front-proxy-client"

// aggregationArgs writes a front-proxy CA and a client certificate signed
// by it into dir and returns the kube-apiserver flags of the aggregation
// layer. The CA is not the cluster's client CA: an aggregated server
// trusts the X-Remote-* headers only from a client this CA vouches for,
// so no ordinary client certificate can claim to be someone else.
func aggregationArgs(dir string) ([]string, error) {
	ca, err := newPKI()
	if err != nil {
		return nil, err
	}
	cert, key, err := ca.issue(FrontProxyClient, nil, false, 24*time.Hour)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{"front-proxy-ca.crt": ca.caPEM, "front-proxy-client.crt": cert, "front-proxy-client.key": key}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			return nil, err
		}
	}
	return []string{
		"--requestheader-client-ca-file=" + filepath.Join(dir, "front-proxy-ca.crt"),
		"--requestheader-allowed-names=" + FrontProxyClient,
		"--requestheader-extra-headers-prefix=X-Remote-Extra-",
		"--requestheader-group-headers=X-Remote-Group",
		"--requestheader-username-headers=X-Remote-User",
		"--proxy-client-cert-file=" + filepath.Join(dir, "front-proxy-client.crt"),
		"--proxy-client-key-file=" + filepath.Join(dir, "front-proxy-client.key"),
		// No kube-proxy runs here, so a Service's cluster IP leads nowhere:
		// the aggregator dials one of the Service's endpoints instead.
		"--enable-aggregator-routing=true",
	}, nil
}

// CAPEM returns the cluster CA in PEM, which signs the API server's
// serving certificate and the certificates IssueServingCert returns.
func (cp *ControlPlane) CAPEM() []byte { return cp.caPEM }

// IssueServingCert returns a serving certificate signed by the cluster CA
// (CAPEM) for the given DNS names and IP addresses, valid for a day: for
// a server the API server dials, such as an aggregated API server whose
// APIService carries CAPEM as its caBundle.
func (cp *ControlPlane) IssueServingCert(dnsNames []string, ips []net.IP) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, nil, err
	}
	cn := "serving"
	if len(dnsNames) > 0 {
		cn = dnsNames[0]
	}
	return cp.pki.sign(&x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     dnsNames,
		IPAddresses:  ips,
	}, key)
}
