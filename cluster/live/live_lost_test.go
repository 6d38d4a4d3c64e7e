package live

import (
	"context"
	"net/url"
	"strings"
	"syscall"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

// Losing the server or the credentials mid-collection ends the run with one
// line instead of a snapshot full of gaps.
func TestLiveLostServerIsFatal(t *testing.T) {
	refused := &url.Error{Op: "Get", URL: "https://10.0.0.1:6443/api/v1/pods?limit=500", Err: syscall.ECONNREFUSED}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"connection refused", refused, "lost the API server at https://10.0.0.1:6443 while listing pods: connection refused"},
		{"token expired", apierrors.NewUnauthorized("token has expired"), "rejected the credentials (401 Unauthorized) while listing pods"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fc := newLiveFake(t, nil, pod("a", "p"))
			failList("pods", tt.err)(fc)
			s, err := CollectWith(context.Background(), fc, Options{Dynamic: notInstalledDynamic()})
			if err == nil {
				t.Fatalf("want an error, got a snapshot with gaps %v", s.Gaps)
			}
			if !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q, want one line containing %q", err, tt.want)
			}
		})
	}
	// A forbidden list stays a gap.
	fc := newLiveFake(t, nil)
	failList("pods", apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, "", nil))(fc)
	s, err := CollectWith(context.Background(), fc, Options{Dynamic: notInstalledDynamic()})
	if err != nil {
		t.Fatal(err)
	}
	if g, ok := s.GapFor(cluster.KindPods); !ok || g.Reason != cluster.GapForbidden {
		t.Errorf("gaps = %v", s.Gaps)
	}
}
