# seaworthy: audit Kubernetes clusters for production readiness.
GO        ?= go
BIN       ?= bin/seaworthy
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X github.com/seaworthy-k8s/seaworthy/internal/cli.Version=$(VERSION)
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
DEMO_NOW  ?= 2026-03-01T12:00:00Z
IMAGE_ARCH ?= amd64
IMAGE_DIR  ?= dist/image
REVISION  ?= $(shell git rev-parse HEAD 2>/dev/null)
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

.PHONY: all build plugin image demo demo-live controlplane metricsserver conftest test test-unit bench bench-live bench-publish bench-recommend bench-policy lint docs clean

all: build

## build: compile bin/seaworthy
build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/seaworthy

## plugin: compile bin/kubectl-seaworthy, the kubectl plugin (usage says "kubectl seaworthy"; see deploy/krew/)
plugin:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/kubectl-seaworthy ./cmd/seaworthy

## image: write the container image as an OCI image layout in dist/image (no container engine; docs/image.md)
image:
	CGO_ENABLED=0 GOOS=linux GOARCH=$(IMAGE_ARCH) $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o dist/linux_$(IMAGE_ARCH)/seaworthy ./cmd/seaworthy
	$(GO) run ./test/image -binary dist/linux_$(IMAGE_ARCH)/seaworthy -arch $(IMAGE_ARCH) -o $(IMAGE_DIR) \
		-version $(VERSION) -revision '$(REVISION)' -epoch $(SOURCE_DATE_EPOCH)

## demo: audit the bundled example cluster in fixtures/clusters/demo
demo: build
	@echo '$$ seaworthy audit -f fixtures/clusters/demo' >&2
	@./$(BIN) audit -f fixtures/clusters/demo --now $(DEMO_NOW) --fail-on never

## demo-live: the same audit against a real kube-apiserver and etcd with the demo cluster loaded
demo-live: build controlplane
	@$(GO) run ./test/demolive -seaworthy $(BIN) -fixture fixtures/clusters/demo -- --fail-on never

## controlplane: build the pinned kube-apiserver v1.37.2 and etcd v3.7.3 (cached outside the tree)
controlplane:
	@test/tools/build.sh >/dev/null

## metricsserver: build the pinned metrics-server v0.8.0 the metrics.k8s.io live tests run (cached outside the tree; about 2 minutes cold)
metricsserver:
	@test/metricsserver/build.sh >/dev/null

## conftest: build the pinned conftest v0.71.1 the policy second-opinion test and bench-policy run (cached outside the tree)
conftest:
	@test/conftest/build.sh >/dev/null

## test: vet and run every test, live tests included (builds the control plane, metrics-server and conftest if needed)
test: controlplane metricsserver conftest
	$(GO) vet ./...
	SEAWORTHY_REQUIRE_CONTROLPLANE=1 $(GO) test -count=1 -timeout 30m ./...
	cd test/vpaoracle && $(GO) test -count=1 ./...
	cd test/conftest && SEAWORTHY_REQUIRE_CONTROLPLANE=1 $(GO) test -count=1 ./...
	$(GO) run ./cmd/seaworthy policy test builtin:production policies/examples

## test-unit: the tests that need no control plane (live tests skip, saying why)
test-unit:
	$(GO) test -count=1 ./...

## bench: run the benchmarks (offline audit of a 5,000-node / 150,000-pod snapshot, loading 1,000 nodes / 30,000 pods of manifests (BenchmarkLoadManifests; SEAWORTHY_BENCH_MANIFESTS=FILE to load another), ...)
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 3 ./...

## bench-live: live audit vs raw LIST on the local control plane, 1,000 nodes / 30,000 pods (about 10 minutes)
bench-live: build controlplane
	$(GO) run ./test/livebench -seaworthy $(BIN) -nodes 1000 -pods 30000 -runs 5

## bench-publish: the live audit beside the same audit publishing to a ConfigMap, OpenReports and a real Pushgateway, 1,000 nodes / 30,000 pods (about 10 minutes)
bench-publish: build controlplane
	$(GO) run ./test/livebench -seaworthy $(BIN) -nodes 1000 -pods 30000 -runs 5 -publish

## bench-recommend: recommend against a real Prometheus over 1,000 containers × 8 days of backfilled history, beside Prometheus alone (about 3 minutes)
bench-recommend: build
	$(GO) run ./test/recommendbench -containers 1000 -runs 3 -plain -seaworthy $(BIN)

## bench-policy: seaworthy (built-in bundle + the ten bench rules) beside conftest (the same ten rules) over one 150,000-pod YAML stream, wall time, peak RSS and ratio (PODS=N for another size; conftest peaked at 15 GiB for 30,000 pods and passed 20 GiB at 150,000)
bench-policy: build conftest
	cd test/conftest && $(GO) run ./bench -pods $(or $(PODS),150000) -seaworthy $(abspath $(BIN))

## lint: gofmt, go vet and staticcheck
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

## docs: regenerate docs/checks.md from the check registry, docs/config.md from the options, docs/evidence.md from the evidence keys and docs/policy-input.schema.json from the policy input's types
docs:
	$(GO) test ./checks -run 'TestCatalogDocUpToDate|TestConfigDocUpToDate' -update
	$(GO) test ./result -run TestEvidenceDocUpToDate -update
	$(GO) test ./policies -run TestSchemaUpToDate -update

clean:
	rm -rf bin dist
