// Command image writes seaworthy's container image as an OCI image layout,
// without a container engine: one layer holding a static seaworthy binary at
// /seaworthy (mode 0755, owned by 65532), run as user 65532:65532, with no
// shell, no libc and no CA bundle (in a pod the API server's CA comes from
// the mounted ServiceAccount token volume, which is all seaworthy talks to
// in-cluster).
//
// Every timestamp in the image (the file's mtime, the config's created
// time) is the -epoch given, so two builds of the same binary give the same
// digest.
//
//	make image
//	go run ./test/image -binary dist/linux_amd64/seaworthy -version v1.2.3 -o dist/image
//
// The Dockerfile at the repository root builds the same binary on a
// distroless static nonroot base for those who build with an engine.
package main
