package checktest

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// DNSLabels are cluster DNS's labels, k8s-app=kube-dns, on its
// Deployment, selector, pod template and pods.
func DNSLabels() map[string]string { return map[string]string{"k8s-app": "kube-dns"} }

// DNSDeployment is a CoreDNS-like Deployment in kube-system labelled
// k8s-app=kube-dns, with CoreDNS's upstream resources, the given replicas
// (nil: unset) and ready count.
func DNSDeployment(name string, replicas *int32, ready int32) appsv1.Deployment {
	d := Deployment("kube-system", name, replicas, DNSLabels(), corev1.Container{
		Name: "coredns",
		Resources: corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("70Mi")},
			Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("170Mi")},
		},
	})
	d.Status.ReadyReplicas = ready
	return d
}

// DNSPod is a running kube-system pod labelled k8s-app=kube-dns on node
// ("" means pending), Ready or not.
func DNSPod(name, node string, ready bool) corev1.Pod {
	return ReadyPod("kube-system", name, node, DNSLabels(), ready)
}

// AutoscalerDeployment is a one-container Deployment (a
// cluster-proportional-autoscaler, say) with the given command line and env
// and no selector or labels.
func AutoscalerDeployment(ns, name string, replicas int32, command, args []string, env ...corev1.EnvVar) appsv1.Deployment {
	return appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{
				{Name: "autoscaler", Command: command, Args: args, Env: env},
			}}},
		},
	}
}

// PodNamespaceEnv is the MY_POD_NAMESPACE env var set from the downward
// API's metadata.namespace, as the cluster-proportional-autoscaler's
// manifests set it.
var PodNamespaceEnv = corev1.EnvVar{Name: "MY_POD_NAMESPACE",
	ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.namespace"}}}

// PDB is a PodDisruptionBudget with a selector (nil: null) and either
// budget field (nil: unset).
func PDB(name, ns string, sel *metav1.LabelSelector, minAvailable, maxUnavailable *intstr.IntOrString) policyv1.PodDisruptionBudget {
	return policyv1.PodDisruptionBudget{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec:       policyv1.PodDisruptionBudgetSpec{Selector: sel, MinAvailable: minAvailable, MaxUnavailable: maxUnavailable},
	}
}

// IntOrStr returns a pointer to v.
func IntOrStr(v intstr.IntOrString) *intstr.IntOrString { return &v }
