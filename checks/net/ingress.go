package net

import (
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// legacyClassAnnotation is the class annotation Ingresses used before
// spec.ingressClassName (networking.k8s.io/v1beta1); controllers still
// honour it.
const legacyClassAnnotation = "kubernetes.io/ingress.class"

// className returns the class ing asks for and whether it asks for one:
// spec.ingressClassName, else the legacy annotation.
func className(ing *networkingv1.Ingress) (string, bool) {
	if n := ing.Spec.IngressClassName; n != nil && *n != "" {
		return *n, true
	}
	if n, ok := ing.Annotations[legacyClassAnnotation]; ok && n != "" {
		return n, true
	}
	return "", false
}

// ingressRef is the result reference of ing.
func ingressRef(ing *networkingv1.Ingress) result.ObjectRef {
	return cluster.RefOf(cluster.KindIngresses, ing.Namespace, ing.Name)
}

// ingressName is "Ingress NAMESPACE/NAME", for messages.
func ingressName(ing *networkingv1.Ingress) string {
	return "Ingress " + ing.Namespace + "/" + ing.Name
}

// noIngresses is the na result of a check with no Ingress to judge.
func noIngresses() result.Result {
	return result.New(result.StatusNA, result.Cluster, "No Ingress is in the input.", nil)
}
