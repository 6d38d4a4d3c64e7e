// Package apiaccess holds the API access checks (SEC-001, SEC-002,
// CERT-001).
//
// The API server's flags are read where they are visible
// (index.APIServerConfigs: its static pods, else kubeadm's
// ClusterConfiguration with kubeadm's own defaults, else k3s/rke2
// node-args with theirs). Where they are not, the live source's probes
// stand in: an anonymous GET of /api (401 anonymous auth off, 403 on but
// not authorized, 200 authorized) and the certificate chain presented in
// the TLS handshake. The authorization modes are judged in authz.go,
// anonymous access in anonymous.go and the serving certificate in cert.go.
package apiaccess
