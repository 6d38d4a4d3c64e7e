package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

func main() {
	var o options
	var epoch int64
	out := flag.String("o", "dist/image", "directory to write the OCI image layout to (replaced if it holds one)")
	flag.StringVar(&o.Binary, "binary", "", "static linux seaworthy binary to put at /seaworthy (required)")
	flag.StringVar(&o.Version, "version", "dev", "version for the org.opencontainers.image.version label and the layout's ref name")
	flag.StringVar(&o.Revision, "revision", "", "source revision for the org.opencontainers.image.revision label")
	flag.StringVar(&o.Source, "source", DefaultSource, "source repository URL for the org.opencontainers.image.source label")
	flag.StringVar(&o.Licenses, "licenses", "", "SPDX expression for the org.opencontainers.image.licenses label (omitted when empty)")
	flag.StringVar(&o.Arch, "arch", "amd64", "image architecture: amd64 or arm64 (must match the binary)")
	flag.Int64Var(&epoch, "epoch", 0, "Unix seconds used for every timestamp in the image (SOURCE_DATE_EPOCH), so builds are reproducible")
	flag.Parse()
	o.Created = time.Unix(epoch, 0).UTC()

	start := time.Now()
	img, err := build(o)
	if err == nil {
		var d string
		d, err = writeLayout(*out, img, o.Version)
		if err == nil {
			var size int64
			size, err = layoutSize(*out)
			fmt.Fprintf(os.Stderr, "wrote %s: seaworthy:%s %s, %d bytes, in %s\n", *out, o.Version, d, size, time.Since(start).Round(time.Millisecond))
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		os.Exit(2)
	}
}
