// Package e2e holds seaworthy's end-to-end tests: the shipped deployment
// manifests, and live audits against a real kube-apiserver and etcd (see
// test/controlplane).
package e2e
