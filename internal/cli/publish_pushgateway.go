package cli

import (
	"time"

	"github.com/spf13/pflag"

	"github.com/seaworthy-k8s/seaworthy/checks"
	"github.com/seaworthy-k8s/seaworthy/publish"
	"github.com/seaworthy-k8s/seaworthy/publish/pushgateway"
)

// pushgatewayFlags are the Pushgateway target's own flags; it has no
// --publish kind.
type pushgatewayFlags struct {
	url     string
	objects bool
	timeout time.Duration
}

func init() {
	registerPublishKind(func() *publishKind {
		f := &pushgatewayFlags{}
		return &publishKind{
			addFlags: func(fs *pflag.FlagSet) {
				fs.StringVar(&f.url, "pushgateway", "", "Push the report's metrics to this Pushgateway (e.g. http://pushgateway.monitoring:9091), replacing the group job=\"seaworthy\",cluster=--cluster-name; needs --cluster-name.")
				fs.BoolVar(&f.objects, "pushgateway-objects", false, "Also push one seaworthy_finding series per object with a fail, warn or info result (one series per finding: mind the cardinality).")
				fs.DurationVar(&f.timeout, "pushgateway-timeout", pushgateway.DefaultTimeout, "Timeout of each push attempt (3 attempts on connection errors and 5xx answers).")
			},
			targets: func(_ []string, env *publishEnv) ([]publish.Target, error) {
				if f.url == "" {
					return nil, nil
				}
				t, err := pushgateway.New(pushgateway.Options{
					URL: f.url, Cluster: env.clusterName, Objects: f.objects, DocLink: checks.DocLink, Timeout: f.timeout,
				})
				if err != nil {
					return nil, err
				}
				return []publish.Target{t}, nil
			},
		}
	})
}
