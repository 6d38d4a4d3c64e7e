package recommender

import (
	"fmt"
	"time"

	"github.com/seaworthy-k8s/seaworthy/recommender/vpa"
)

// LimitPolicy says how limits follow the recommended requests.
type LimitPolicy string

const (
	// LimitsKeepRatio keeps each limit's original ratio to its request
	// (VPA's controlledValues RequestsAndLimits, its default): a container
	// with no limit gets none, one whose limit equals its request keeps
	// them equal.
	LimitsKeepRatio LimitPolicy = "ratio"
	// LimitsUnchanged changes requests only (VPA's RequestsOnly); a request
	// is capped at the container's limit, which the API server requires.
	LimitsUnchanged LimitPolicy = "requests-only"
	// LimitsGuaranteed sets limits equal to the target requests (the
	// Guaranteed QoS class).
	LimitsGuaranteed LimitPolicy = "guaranteed"
	// LimitsBurstable requests the lower bound and limits at the upper
	// bound (the Burstable preset dashboards such as Goldilocks show).
	LimitsBurstable LimitPolicy = "burstable"
)

// LimitPolicies lists the policies in help order.
var LimitPolicies = []LimitPolicy{LimitsKeepRatio, LimitsUnchanged, LimitsGuaranteed, LimitsBurstable}

// ParseLimitPolicy returns the named policy.
func ParseLimitPolicy(s string) (LimitPolicy, error) {
	for _, p := range LimitPolicies {
		if string(p) == s {
			return p, nil
		}
	}
	return "", fmt.Errorf("unknown limit policy %q (want one of: ratio, requests-only, guaranteed, burstable)", s)
}

// Options tune the recommender. Start from DefaultOptions.
type Options struct {
	// VPA is the estimator's configuration (VPA's defaults).
	VPA vpa.Config
	// Limits is how limits follow requests.
	Limits LimitPolicy
	// AllowHPA resizes a resource an HPA scales on; by default it is left
	// alone, because changing its request changes the HPA's utilization.
	AllowHPA bool
	// MinHistory is the least history (first to last CPU sample) a
	// container needs for a recommendation; less is a skip.
	MinHistory time.Duration
	// UpdateThreshold and PodLifetimeThreshold are VPA updater's rule for
	// acting inside [lower, upper]: a total relative change of at least
	// UpdateThreshold on pods older than PodLifetimeThreshold
	// (pkg/updater/priority: defaultUpdateThreshold 0.10,
	// podLifetimeUpdateThreshold 12h).
	UpdateThreshold      float64
	PodLifetimeThreshold time.Duration
	// RoundCPUMillis and RoundMemoryBytes round recommended values up to a
	// multiple (1 and 1 Mi by default; 1 and 1 keep VPA's exact values).
	// The estimate itself is never rounded.
	RoundCPUMillis   int64
	RoundMemoryBytes int64
	// Namespace limits the recommendations to one namespace ("" for all).
	Namespace string
}

// DefaultOptions are VPA's defaults with the ratio-keeping limit policy.
func DefaultOptions() Options {
	return Options{
		VPA:                  *vpa.DefaultConfig(),
		Limits:               LimitsKeepRatio,
		MinHistory:           24 * time.Hour,
		UpdateThreshold:      0.10,
		PodLifetimeThreshold: 12 * time.Hour,
		RoundCPUMillis:       1,
		RoundMemoryBytes:     1 << 20,
	}
}
