#!/usr/bin/env bash
# Builds the pinned conftest that the second-opinion test and the policy
# benchmark run beside seaworthy, from the Go module proxy, into a cache
# outside the source tree. A build is reused until the pins (the tool
# module's go.mod/go.sum) or the Go version change. Prints where the
# binary is.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${SEAWORTHY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/seaworthy}/conftest"

version="v0.71.1"
ldflags="-s -w -X github.com/open-policy-agent/conftest/internal/version.Version=${version#v}"

key=$( { cat "$here"/tool/go.mod "$here"/tool/go.sum; echo "$ldflags"; go env GOVERSION; } | sha256sum | cut -c1-16)
out="$cache/$key"

if [[ -x "$out/conftest" ]]; then
  echo "conftest: cached in $out" >&2
else
  mkdir -p "$out.tmp"
  start=$(date +%s)
  echo "conftest: building ${version} ..." >&2
  (cd "$here/tool" && go build -trimpath -ldflags "$ldflags" -o "$out.tmp/conftest" github.com/open-policy-agent/conftest)
  rm -rf "$out" && mv "$out.tmp" "$out"
  echo "conftest: built in $(( $(date +%s) - start ))s into $out" >&2
fi
ln -sfn "$key" "$cache/current"
echo "$cache/current"
