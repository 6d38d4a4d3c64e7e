package scale

import (
	"fmt"
	"slices"
	"strings"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

var scale004 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "SCALE-004",
		Title:    "A VPA and an HPA do not scale one workload on the same resource",
		Category: Category,
		Rule: "For each VerticalPodAutoscaler (autoscaling.k8s.io/v1) whose updateMode is Auto (the default), Recreate or InPlaceOrRecreate, " +
			"the HorizontalPodAutoscalers in its namespace whose scaleTargetRef has the same kind and name as its targetRef are compared with it. " +
			"The resources the VPA controls are, per container policy not of mode Off, its controlledResources (default cpu and memory); " +
			"when the target workload is in the input, per container (its own policy, else the \"*\" policy, else the default); " +
			"otherwise over every policy, plus the default's cpu and memory when no \"*\" policy is given. " +
			"The resources an HPA scales on are its Resource and ContainerResource metrics' names (cpu at 80% when it lists no metrics, the API's default). " +
			"Fail for each VPA and HPA pair sharing a resource. Pass otherwise, also for VPAs in mode Off or Initial, which never change running pods. " +
			"No VPA: na when the server's discovery document does not list verticalpodautoscalers (the CRD is not installed), " +
			"on a live read (the CRD is not installed or none exists) and when the input has no HPA; " +
			"skip on manifests with HPAs, which do not show the cluster's VPAs.",
		Rationale: "An HPA scaling on cpu or memory utilization and a VPA changing the same requests work against each other: " +
			"the VPA raises requests, utilization drops, the HPA removes replicas, load per pod rises, the VPA raises requests again. " +
			"The workload oscillates and its pods are restarted for nothing.",
		Remediation: "Let the HPA scale on a custom or external metric (requests per second, queue length) and keep the VPA on cpu and memory, " +
			"or set the VPA's updateMode to Off (recommendations only) or restrict its controlledResources to the resource the HPA does not use.",
	},
	Needs: []cluster.Kind{cluster.KindHPAs, cluster.KindVPAs},
	Eval:  evalSCALE004,
}

// hpaResources returns the resources h scales on, sorted.
func hpaResources(h *autoscalingv2.HorizontalPodAutoscaler) []string {
	if len(h.Spec.Metrics) == 0 {
		return []string{string(corev1.ResourceCPU)}
	}
	var out []string
	for _, m := range h.Spec.Metrics {
		var name corev1.ResourceName
		switch {
		case m.Resource != nil:
			name = m.Resource.Name
		case m.ContainerResource != nil:
			name = m.ContainerResource.Name
		default:
			continue
		}
		if !slices.Contains(out, string(name)) {
			out = append(out, string(name))
		}
	}
	slices.Sort(out)
	return out
}

var defaultControlled = []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory}

// policyResources is what one container policy (nil: the default) lets
// the VPA change.
func policyResources(p *cluster.VPAContainerPolicy) []corev1.ResourceName {
	if p == nil {
		return defaultControlled
	}
	if p.Mode != nil && *p.Mode == "Off" {
		return nil
	}
	if p.ControlledResources != nil {
		return *p.ControlledResources
	}
	return defaultControlled
}

// vpaResources returns the resources v changes on its target's containers,
// sorted; w is the target when the input has it.
func vpaResources(v *cluster.VerticalPodAutoscaler, w *index.Workload) []string {
	var policies []cluster.VPAContainerPolicy
	if v.Spec.ResourcePolicy != nil {
		policies = v.Spec.ResourcePolicy.ContainerPolicies
	}
	find := func(name string) *cluster.VPAContainerPolicy {
		for i := range policies {
			if policies[i].ContainerName == name {
				return &policies[i]
			}
		}
		return nil
	}
	set := map[string]bool{}
	add := func(rs []corev1.ResourceName) {
		for _, r := range rs {
			set[string(r)] = true
		}
	}
	if w != nil {
		for _, c := range w.Template.Spec.Containers {
			p := find(c.Name)
			if p == nil {
				p = find("*")
			}
			add(policyResources(p))
		}
	} else {
		for i := range policies {
			add(policyResources(&policies[i]))
		}
		if find("*") == nil {
			add(defaultControlled)
		}
	}
	return check.SortedKeys(set)
}

type targetKey struct{ namespace, kind, name string }

func evalSCALE004(in *check.Input, _ *Options) []result.Result {
	s := in.Snapshot
	if len(s.VPAs) == 0 {
		k, _ := cluster.InfoFor(cluster.KindVPAs)
		served, known := s.Serves(k.GVR)
		switch {
		case known && !served:
			return []result.Result{result.New(result.StatusNA, result.Cluster,
				"The API server does not serve autoscaling.k8s.io/v1 verticalpodautoscalers (the VPA's CRD is not installed), so no VPA can fight an HPA.", nil)}
		case len(s.HPAs) == 0:
			return []result.Result{result.New(result.StatusNA, result.Cluster,
				"The input has no VerticalPodAutoscaler and no HorizontalPodAutoscaler, so none can fight over a workload.", nil)}
		case s.FromManifests():
			return []result.Result{result.New(result.StatusSkip, result.Cluster, fmt.Sprintf(
				"The manifests hold %d %s but no VerticalPodAutoscaler: files do not show whether the cluster has VPAs for the same workloads; "+
					"audit the live cluster or include the VPA objects.", len(s.HPAs), check.Plural(len(s.HPAs), "HorizontalPodAutoscaler", "HorizontalPodAutoscalers")), nil)}
		}
		if known {
			return []result.Result{result.New(result.StatusNA, result.Cluster,
				"The API server serves verticalpodautoscalers but the cluster has none, so none can fight an HPA.", nil)}
		}
		return []result.Result{result.New(result.StatusNA, result.Cluster,
			"The cluster has no VerticalPodAutoscaler (its CRD is not installed, or none exists), so none can fight an HPA.", nil)}
	}
	hpas := map[targetKey][]*autoscalingv2.HorizontalPodAutoscaler{}
	for i := range s.HPAs {
		h := &s.HPAs[i]
		k := targetKey{h.Namespace, h.Spec.ScaleTargetRef.Kind, h.Spec.ScaleTargetRef.Name}
		hpas[k] = append(hpas[k], h)
	}
	var out []result.Result
	updating := 0
	for i := range s.VPAs {
		v := &s.VPAs[i]
		mode := v.UpdateMode()
		if v.Spec.TargetRef == nil || mode == cluster.VPAUpdateModeOff || mode == cluster.VPAUpdateModeInitial {
			continue
		}
		updating++
		t := v.Spec.TargetRef
		var vres []string
		for _, h := range hpas[targetKey{v.Namespace, t.Kind, t.Name}] {
			if vres == nil {
				vres = vpaResources(v, in.Index.Workload(t.Kind, v.Namespace, t.Name))
			}
			var shared []string
			for _, r := range hpaResources(h) {
				if slices.Contains(vres, r) {
					shared = append(shared, r)
				}
			}
			if len(shared) == 0 {
				continue
			}
			out = append(out, result.New(result.StatusFail, result.Ref("autoscaling.k8s.io/v1", "VerticalPodAutoscaler", v.Namespace, v.Name), fmt.Sprintf(
				"VerticalPodAutoscaler %s/%s (updateMode %s) and HorizontalPodAutoscaler %s both scale %s %s on %s: "+
					"the VPA changes the requests the HPA's utilization is measured against, so the two fight and the workload's replicas and pods churn.",
				v.Namespace, v.Name, mode, h.Name, t.Kind, t.Name, strings.Join(shared, " and ")),
				result.Evidence{"vpaUpdateMode": mode, "hpa": h.Namespace + "/" + h.Name, "contestedResources": shared, "vpaTarget": t.Kind + "/" + t.Name}))
		}
	}
	if len(out) == 0 {
		out = append(out, result.New(result.StatusPass, result.Cluster, fmt.Sprintf(
			"None of the %d VerticalPodAutoscalers (%d updating pods: Auto, Recreate or InPlaceOrRecreate) shares a resource with an HPA scaling the same workload.",
			len(s.VPAs), updating), result.Evidence{"vpas": len(s.VPAs), "updatingVPAs": updating}))
	}
	return out
}
