#!/usr/bin/env bash
# Builds the pinned kube-apiserver and etcd that seaworthy's live tests run
# against, from the Go module proxy, into a cache outside the source tree.
# A build is reused until the pins (the tool modules' go.mod/go.sum or the
# version stamp) change. Prints where the binaries are.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${SEAWORTHY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/seaworthy}/controlplane"

kube_version="v1.37.2"
pkg="k8s.io/component-base/version"
build_date="2026-11-01T00:00:00Z"  # fixed so the cache key is stable
ldflags="-s -w -X ${pkg}.gitVersion=${kube_version} -X ${pkg}.gitMajor=1 -X ${pkg}.gitMinor=37 -X ${pkg}.gitTreeState=clean -X ${pkg}.buildDate=${build_date}"

key=$( { cat "$here"/kube-apiserver/go.mod "$here"/kube-apiserver/go.sum "$here"/etcd/go.mod "$here"/etcd/go.sum "$here"/etcd/main.go; echo "$ldflags"; go env GOVERSION; } | sha256sum | cut -c1-16)
out="$cache/$key"

if [[ -x "$out/kube-apiserver" && -x "$out/etcd" ]]; then
  echo "control plane: cached in $out" >&2
else
  mkdir -p "$out.tmp"
  start=$(date +%s)
  echo "control plane: building etcd v3.7.3 ..." >&2
  (cd "$here/etcd" && go build -trimpath -ldflags "-s -w" -o "$out.tmp/etcd" .)
  echo "control plane: building kube-apiserver ${kube_version} (about 11 minutes on 2 cores when nothing is cached) ..." >&2
  (cd "$here/kube-apiserver" && go build -trimpath -ldflags "$ldflags" -o "$out.tmp/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver)
  rm -rf "$out" && mv "$out.tmp" "$out"
  echo "control plane: built in $(( $(date +%s) - start ))s into $out" >&2
fi
ln -sfn "$key" "$cache/current"
echo "$cache/current"
