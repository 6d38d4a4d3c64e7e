#!/usr/bin/env bash
# Builds the pinned kube-apiserver and etcd that seaworthy's live tests run
# against, and the kube-controller-manager the deploy tests run beside them,
# from the Go module proxy, into a cache outside the source tree.
# A build is reused until the pins (the tool modules' go.mod/go.sum or the
# version stamp) change. Prints where the binaries are.
#
# kube-controller-manager lives in the same keyed directory as the API
# server, with its own key (the same recipe over its own module files) in
# kube-controller-manager.key, so adding or re-pinning it never rebuilds the
# API server and etcd.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${SEAWORTHY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/seaworthy}/controlplane"

kube_version="v1.37.2"
pkg="k8s.io/component-base/version"
build_date="2026-11-01T00:00:00Z"  # fixed so the cache key is stable
ldflags="-s -w -X ${pkg}.gitVersion=${kube_version} -X ${pkg}.gitMajor=1 -X ${pkg}.gitMinor=37 -X ${pkg}.gitTreeState=clean -X ${pkg}.buildDate=${build_date}"

key=$( { cat "$here"/kube-apiserver/go.mod "$here"/kube-apiserver/go.sum "$here"/etcd/go.mod "$here"/etcd/go.sum "$here"/etcd/main.go; echo "$ldflags"; go env GOVERSION; } | sha256sum | cut -c1-16)
out="$cache/$key"

kcm_pin=$(grep -E '^require k8s.io/kubernetes ' "$here"/kube-controller-manager/go.mod)
api_pin=$(grep -E '^require k8s.io/kubernetes ' "$here"/kube-apiserver/go.mod)
if [[ "$kcm_pin" != "$api_pin" ]]; then
  echo "control plane: pin kube-controller-manager and kube-apiserver to one k8s.io/kubernetes version ($kcm_pin vs $api_pin)" >&2
  exit 1
fi
kcm_key=$( { cat "$here"/kube-controller-manager/go.mod "$here"/kube-controller-manager/go.sum; echo "$ldflags"; go env GOVERSION; } | sha256sum | cut -c1-16)

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
if [[ -x "$out/kube-controller-manager" && "$(cat "$out/kube-controller-manager.key" 2>/dev/null)" == "$kcm_key" ]]; then
  echo "control plane: kube-controller-manager cached in $out" >&2
else
  start=$(date +%s)
  echo "control plane: building kube-controller-manager ${kube_version} (several minutes on 2 cores) ..." >&2
  (cd "$here/kube-controller-manager" && go build -trimpath -ldflags "$ldflags" -o "$out/kube-controller-manager.tmp" k8s.io/kubernetes/cmd/kube-controller-manager)
  mv "$out/kube-controller-manager.tmp" "$out/kube-controller-manager"
  echo "$kcm_key" >"$out/kube-controller-manager.key"
  echo "control plane: built kube-controller-manager in $(( $(date +%s) - start ))s into $out" >&2
fi
ln -sfn "$key" "$cache/current"
echo "$cache/current"
