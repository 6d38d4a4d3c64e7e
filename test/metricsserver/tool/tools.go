//go:build tools

// Package tool pins sigs.k8s.io/metrics-server for build.sh.
package tool

import _ "sigs.k8s.io/metrics-server/cmd/metrics-server"
