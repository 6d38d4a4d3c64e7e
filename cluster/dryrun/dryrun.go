package dryrun

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/seaworthy-k8s/seaworthy/recommender"
	"github.com/seaworthy-k8s/seaworthy/recommender/patch"
)

// DefaultFieldManager is the field manager Validate names when given none.
const DefaultFieldManager = "seaworthy"

// Result is the API server's answer to one patch.
type Result struct {
	Workload recommender.Workload
	// Accepted: the server would apply the patch.
	Accepted bool
	// Reason is the server's status reason when rejected (Invalid,
	// Forbidden, NotFound, ...), or empty for an error without one (the
	// server could not be reached, the kind is not known here).
	Reason metav1.StatusReason
	// Message says why in one line, with the fix where there is one.
	Message string
	// ServerMessage is the server's own message, unchanged.
	ServerMessage string
	// Object is the object as the server would store it, when accepted
	// (after defaulting and mutating admission): what the patch really
	// does.
	Object *unstructured.Unstructured
}

// resources maps the kinds patches address to their API resources.
var resources = map[string]schema.GroupVersionResource{
	patch.KindDeployment:  {Group: "apps", Version: "v1", Resource: "deployments"},
	patch.KindStatefulSet: {Group: "apps", Version: "v1", Resource: "statefulsets"},
	patch.KindDaemonSet:   {Group: "apps", Version: "v1", Resource: "daemonsets"},
	patch.KindJob:         {Group: "batch", Version: "v1", Resource: "jobs"},
	patch.KindCronJob:     {Group: "batch", Version: "v1", Resource: "cronjobs"},
	patch.KindConfigMap:   {Version: "v1", Resource: "configmaps"},
}

// Validate sends each patch's strategic-merge form as a server-side dry-run
// PATCH (dryRun=All) under fieldManager (DefaultFieldManager when empty)
// and reports, in the patches' order, whether the server accepted it. It
// never changes the cluster. An error building the client is reported on
// every result.
func Validate(ctx context.Context, cfg *rest.Config, patches []patch.Patch, fieldManager string) []Result {
	if fieldManager == "" {
		fieldManager = DefaultFieldManager
	}
	out := make([]Result, len(patches))
	client, err := dynamic.NewForConfig(cfg)
	for i, p := range patches {
		out[i] = Result{Workload: p.Workload}
		if err != nil {
			out[i].Message = fmt.Sprintf("create a client for the dry run: %v", err)
			continue
		}
		out[i] = validateOne(ctx, client, p, fieldManager)
	}
	return out
}

func validateOne(ctx context.Context, client dynamic.Interface, p patch.Patch, fieldManager string) Result {
	w := p.Workload
	r := Result{Workload: w}
	gvr, ok := resources[w.Kind]
	if !ok {
		r.Message = fmt.Sprintf("dry-run patch %s %s/%s: kind %s is not one seaworthy patches", w.Kind, w.Namespace, w.Name, w.Kind)
		return r
	}
	body, err := p.StrategicMergeJSON()
	if err != nil {
		r.Message = err.Error()
		return r
	}
	obj, err := client.Resource(gvr).Namespace(w.Namespace).Patch(ctx, w.Name, types.StrategicMergePatchType, body,
		metav1.PatchOptions{DryRun: []string{metav1.DryRunAll}, FieldManager: fieldManager})
	if err == nil {
		r.Accepted, r.Object = true, obj
		return r
	}
	r.Reason = apierrors.ReasonForError(err)
	if r.Reason == "" && apierrors.IsForbidden(err) {
		// An admission webhook's denial carries its code, 403, and often
		// no reason.
		r.Reason = metav1.StatusReasonForbidden
	}
	r.ServerMessage = err.Error()
	r.Message = explain(w, gvr, r.Reason, err)
	return r
}

// userInMessage finds the user a Forbidden status names
// (`User "system:serviceaccount:ns:name" cannot patch ...`).
var userInMessage = regexp.MustCompile(`User "([^"]*)"`)

// explain is the one-line message for a rejected patch.
func explain(w recommender.Workload, gvr schema.GroupVersionResource, reason metav1.StatusReason, err error) string {
	res := gvr.Resource
	if gvr.Group != "" {
		res += "." + gvr.Group
	}
	switch reason {
	case metav1.StatusReasonForbidden:
		if !strings.Contains(err.Error(), "cannot patch") {
			// Forbidden by admission (a webhook or policy), not by RBAC.
			return fmt.Sprintf("patch %s %s/%s is refused by admission: %v", res, w.Namespace, w.Name, err)
		}
		user := "the current user"
		if m := userInMessage.FindStringSubmatch(err.Error()); m != nil {
			user = m[1]
		}
		return fmt.Sprintf("patch %s in %s is forbidden for %s: grant it patch on %s in %s (a dry run is authorized like the change itself), or run without --validate",
			res, w.Namespace, user, res, w.Namespace)
	case metav1.StatusReasonNotFound:
		return fmt.Sprintf("%s %s/%s is not in the cluster: the recommendation is for a workload that was deleted or renamed, or for another cluster", w.Kind, w.Namespace, w.Name)
	case metav1.StatusReasonInvalid:
		return fmt.Sprintf("the API server rejects the patch of %s %s/%s as invalid: %v", w.Kind, w.Namespace, w.Name, err)
	default:
		return fmt.Sprintf("dry-run patch %s %s/%s: %v", w.Kind, w.Namespace, w.Name, err)
	}
}
