package manifests

import "github.com/seaworthy-k8s/seaworthy/cluster"

// isSecret reports a core v1 Secret document. Of a Secret only the name is
// kept (cluster.SecretNames); its data and everything else are dropped as
// the document is read.
func isSecret(apiVersion, kind string) bool { return apiVersion == "v1" && kind == "Secret" }

// addSecretName records a Secret document's name; one without a name
// (generateName) names nothing an Ingress can refer to.
func addSecretName(s *cluster.Snapshot, namespace, name string) {
	if name != "" {
		s.AddSecretName(namespace, name)
	}
}
