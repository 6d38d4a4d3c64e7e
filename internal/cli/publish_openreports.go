package cli

import (
	"fmt"

	"github.com/seaworthy-k8s/seaworthy/checks"
	"github.com/seaworthy-k8s/seaworthy/publish"
	"github.com/seaworthy-k8s/seaworthy/publish/openreports"
)

// --publish openreports: one Report per namespace and a ClusterReport
// (openreports.io, or wgpolicyk8s.io PolicyReports when only that is
// served) in the cluster the audit reads.
func init() {
	registerPublishKind(func() *publishKind {
		return &publishKind{
			name:  "openreports",
			usage: "openreports",
			targets: func(args []string, env *publishEnv) ([]publish.Target, error) {
				if len(args) == 0 {
					return nil, nil
				}
				for _, a := range args {
					if a != "" {
						return nil, fmt.Errorf("invalid --publish openreports:%s: openreports takes no argument", a)
					}
				}
				cfg, err := env.restConfig()
				if err != nil {
					return nil, err
				}
				t, err := openreports.New(cfg, openreports.Options{DocLink: checks.DocLink})
				if err != nil {
					return nil, err
				}
				return []publish.Target{t}, nil
			},
		}
	})
}
