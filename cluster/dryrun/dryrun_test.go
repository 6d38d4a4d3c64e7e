package dryrun

import (
	"context"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/seaworthy-k8s/seaworthy/recommender"
	"github.com/seaworthy-k8s/seaworthy/recommender/patch"
)

// The server's refusals become one line each; a webhook denial with a 403
// and no reason still counts as Forbidden, and is told apart from RBAC.
func TestExplain(t *testing.T) {
	deploy := schema.GroupResource{Group: "apps", Resource: "deployments"}
	webhook := &apierrors.StatusError{ErrStatus: metav1.Status{Status: metav1.StatusFailure, Code: 403,
		Message: `admission webhook "sizes.example.com" denied the request: memory limits over 1Gi need an exception`}}
	for _, c := range []struct {
		name       string
		err        error
		wantReason metav1.StatusReason
		want       string
	}{
		{"rbac", apierrors.NewForbidden(deploy, "web", errString(`User "alice" cannot patch resource "deployments" in API group "apps" in the namespace "team-a"`)),
			metav1.StatusReasonForbidden,
			"patch deployments.apps in team-a is forbidden for alice: grant it patch on deployments.apps in team-a (a dry run is authorized like the change itself), or run without --validate"},
		{"webhook", webhook, metav1.StatusReasonForbidden,
			`patch deployments.apps team-a/web is refused by admission: admission webhook "sizes.example.com" denied the request: memory limits over 1Gi need an exception`},
		{"not found", apierrors.NewNotFound(deploy, "web"), metav1.StatusReasonNotFound,
			"Deployment team-a/web is not in the cluster: the recommendation is for a workload that was deleted or renamed, or for another cluster"},
	} {
		t.Run(c.name, func(t *testing.T) {
			client := dynamicfake.NewSimpleDynamicClient(runtime.NewScheme())
			client.PrependReactor("patch", "deployments", func(a k8stesting.Action) (bool, runtime.Object, error) {
				pa := a.(k8stesting.PatchAction)
				if pa.GetNamespace() != "team-a" || pa.GetName() != "web" {
					t.Errorf("patched %s/%s", pa.GetNamespace(), pa.GetName())
				}
				return true, nil, c.err
			})
			p := patch.Patch{Workload: recommender.Workload{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "team-a", Name: "web"}}
			r := validateOne(context.Background(), client, p, DefaultFieldManager)
			if r.Accepted || r.Reason != c.wantReason || r.Message != c.want {
				t.Errorf("got %+v\nwant reason %s, message %q", r, c.wantReason, c.want)
			}
		})
	}
}

type errString string

func (e errString) Error() string { return string(e) }
