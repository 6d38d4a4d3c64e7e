package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/seaworthy-k8s/seaworthy/test/promdata"
	promtest "github.com/seaworthy-k8s/seaworthy/test/prometheus"
)

// seaworthyBin, when set, adds (c): the whole `seaworthy recommend`
// command over manifests of the generated workloads, as a child process,
// measured by its own rusage (CPU, peak RSS) and Prometheus's CPU.
var seaworthyBin string

// writeManifests writes the generated workloads as manifests: a Deployment
// per workload and its pods, owned through the ReplicaSet the pod names
// give, so every history series maps to a workload.
func writeManifests(spec promdata.Spec, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	type wl struct{ ns, name string }
	containers := map[wl][]string{}
	pods := map[wl][]string{}
	var order []wl
	seenPod := map[string]bool{}
	for _, c := range spec.Containers() {
		name, _, _ := strings.Cut(c.Pod, "-")
		k := wl{c.Namespace, name}
		if _, ok := containers[k]; !ok {
			order = append(order, k)
		}
		if !seenPod[c.Namespace+"/"+c.Pod] {
			seenPod[c.Namespace+"/"+c.Pod] = true
			pods[k] = append(pods[k], c.Pod)
		}
		if len(pods[k]) == 1 && !strings.Contains(strings.Join(containers[k], ","), c.Container) {
			containers[k] = append(containers[k], c.Container)
		}
	}
	res := "        resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 256Mi}}\n"
	for _, k := range order {
		fmt.Fprintf(w, "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: %s, namespace: %s}\nspec:\n  replicas: %d\n  selector: {matchLabels: {app: %s}}\n  template:\n    metadata: {labels: {app: %s}}\n    spec:\n      containers:\n",
			k.name, k.ns, len(pods[k]), k.name, k.name)
		for _, c := range containers[k] {
			fmt.Fprintf(w, "      - name: %s\n        image: registry.example/%s:1\n%s", c, c, res)
		}
		for _, p := range pods[k] {
			rs, _, _ := strings.Cut(strings.TrimPrefix(p, k.name+"-"), "-")
			fmt.Fprintf(w, "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\n  namespace: %s\n  labels: {app: %s, pod-template-hash: %s}\n  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: %s-%s, uid: u, controller: true}]\nspec:\n  containers:\n",
				p, k.ns, k.name, rs, k.name, rs)
			for _, c := range containers[k] {
				fmt.Fprintf(w, "  - name: %s\n    image: registry.example/%s:1\n%s", c, c, strings.ReplaceAll(res, "        ", "    "))
			}
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// command runs `seaworthy recommend` against the server and returns its
// measure: wall, Prometheus's CPU, the child's CPU and peak RSS.
func command(srv *promtest.Server, manifests string, end time.Time, concurrency int) (measure, error) {
	args := []string{"recommend", "-f", manifests, "--now", end.Format(time.RFC3339), "--prometheus", srv.URL,
		"--prometheus-concurrency", strconv.Itoa(concurrency), "-q", "-o", "json"}
	if plain {
		args = append(args, "--prometheus-gzip=false")
	}
	cmd := exec.Command(seaworthyBin, args...)
	out, err := os.Create(filepath.Join(filepath.Dir(manifests), "recommend.json"))
	if err != nil {
		return measure{}, err
	}
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, os.Stderr
	p0, err := srv.CPUTime()
	if err != nil {
		return measure{}, err
	}
	t0 := time.Now()
	if err := cmd.Run(); err != nil {
		return measure{}, fmt.Errorf("seaworthy recommend: %w", err)
	}
	wall := time.Since(t0)
	p1, err := srv.CPUTime()
	if err != nil {
		return measure{}, err
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	fi, _ := out.Stat()
	return measure{wall: wall, promCPU: p1 - p0, ownCPU: time.Duration(ru.Utime.Nano() + ru.Stime.Nano()),
		bytes: fi.Size(), peakRSS: ru.Maxrss}, nil
}
