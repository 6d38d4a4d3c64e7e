# seaworthy on a distroless static base: one static binary, user 65532, no shell.
# `make image` writes the same image as an OCI layout without a container
# engine (docs/image.md); this file is for those who build with one:
#
#   docker build --build-arg VERSION=$(git describe --tags --always) -t seaworthy:dev .
#
# Cross builds (--platform linux/arm64) compile on the build host's platform.
ARG GO_IMAGE=golang:1.26
ARG BASE_IMAGE=gcr.io/distroless/static-debian12:nonroot

FROM --platform=$BUILDPLATFORM ${GO_IMAGE} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG TARGETOS=linux
ARG TARGETARCH=amd64
# The flags `make build` and `make image` use, with cgo off so the binary
# needs no libc.
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath \
      -ldflags "-X github.com/seaworthy-k8s/seaworthy/internal/cli.Version=${VERSION}" \
      -o /out/seaworthy ./cmd/seaworthy

FROM ${BASE_IMAGE}
ARG VERSION=dev
ARG REVISION=
LABEL org.opencontainers.image.title="seaworthy" \
      org.opencontainers.image.description="Audit Kubernetes clusters for production readiness and recommend sizing" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="https://github.com/seaworthy-k8s/seaworthy"
COPY --from=build --chown=65532:65532 --chmod=0755 /out/seaworthy /seaworthy
USER 65532:65532
WORKDIR /
ENTRYPOINT ["/seaworthy"]
