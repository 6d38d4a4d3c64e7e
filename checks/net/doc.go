// Package net holds the ingress checks (NET-001..NET-008): Ingresses that
// route the same host and path, backends that do not resolve, the
// IngressClasses that decide which controller serves an Ingress (and the
// classes Ingresses name that do not exist), TLS hosts without a rule, the
// ingress controllers' shape and their privilege on host ports,
// ExternalName backends, and ingress-nginx canary splits.
//
// The decisions the catalog leaves open are made here and stated in each
// check's Rule:
//
//   - An Ingress's class is spec.ingressClassName, else the legacy
//     kubernetes.io/ingress.class annotation. NET-001 compares Ingresses
//     of the same class, and classless Ingresses with each other; it
//     compares host, path and pathType exactly (no prefix overlap), across
//     namespaces, because a controller merges every namespace's rules.
//   - Manifests are often part of a cluster. A backend Service, an
//     IngressClass marked default or an ingress controller that is not in
//     the input is unknown there, never missing: the part of a check that
//     needs it skips with the reason. A live read, or a snapshot file saved
//     from one, holds every object, so absence is absence.
//   - Whether a class's controller runs is judged only for controllers
//     recognisable from their Deployment or DaemonSet: ingress-nginx (a
//     container running /nginx-ingress-controller, whose --controller-class
//     defaults to k8s.io/ingress-nginx) and Traefik
//     (--providers.kubernetesingress, controller
//     traefik.io/ingress-controller). Other controllers are not judged.
//   - The ingress controllers (controllers.go) are found in every
//     namespace: by NET-003's flag recognition, then by image. NET-005
//     reports each one's shape; its fragile points (a single replica, a
//     PDB that blocks drains, no PDB, no spread) are each judged by one
//     check only: the WL checks outside the add-on namespaces, ADDON-001
//     (single replica, blocking PDB) or NET-005 (the rest) inside them, so
//     a controller never gets the same finding twice.
//   - NET-006 judges the port a controller's process binds: with a
//     hostPort that is its containerPort (the node forwards to it), on the
//     host network the port itself. Without runAsUser the user is the
//     image's default, which the input does not show, so it is not taken
//     for root.
//   - NET-008 reads ingress-nginx's canary annotations. Traefik's weighted
//     splits live in TraefikService objects, which seaworthy does not
//     collect, so they are not judged.
//   - NET-004 matches TLS hosts against rule hosts as the Ingress API
//     matches hosts (a wildcard covers exactly one label). The TLS Secret
//     is not checked: seaworthy never reads Secrets. Checking that it
//     exists (by its metadata only, behind an --allow-secret-metadata
//     flag) is future work.
package net
