#!/usr/bin/env bash
# Builds the pinned metrics-server that seaworthy's live metrics.k8s.io
# tests register behind the API server's aggregation layer, from the Go
# module proxy, into a cache outside the source tree (beside the control
# plane's). A build is reused until the pins (the tool module's
# go.mod/go.sum or the version stamp) change. Prints where the binary is.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${SEAWORTHY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/seaworthy}/metricsserver"

version="v0.8.0"
ldflags="-s -w -X k8s.io/client-go/pkg/version.gitVersion=${version}"

key=$( { cat "$here"/tool/go.mod "$here"/tool/go.sum; echo "$ldflags"; go env GOVERSION; } | sha256sum | cut -c1-16)
out="$cache/$key"

if [[ -x "$out/metrics-server" ]]; then
  echo "metrics-server: cached in $out" >&2
else
  mkdir -p "$out.tmp"
  start=$(date +%s)
  echo "metrics-server: building ${version} ..." >&2
  (cd "$here/tool" && go build -trimpath -ldflags "$ldflags" -o "$out.tmp/metrics-server" sigs.k8s.io/metrics-server/cmd/metrics-server)
  rm -rf "$out" && mv "$out.tmp" "$out"
  echo "metrics-server: built in $(( $(date +%s) - start ))s into $out" >&2
fi
ln -sfn "$key" "$cache/current"
echo "$cache/current"
