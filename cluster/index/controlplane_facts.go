package index

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

// ServerNode is a k3s or rke2 server: a node whose node-args annotation
// starts with "server".
type ServerNode struct {
	Node *corev1.Node
	// Args are the arguments after the annotation's JSON is decoded,
	// "server" first.
	Args []string
	// Annotation names the annotation that held them (k3s.io/node-args or
	// rke2.io/node-args).
	Annotation string
}

type controlPlaneFacts struct {
	byAddress map[string]*corev1.Node
	servers   []ServerNode
}

func (ix *Index) controlPlaneFacts() *controlPlaneFacts {
	ix.controlPlaneOnce.Do(func() {
		f := &ix.controlPlane
		f.byAddress = map[string]*corev1.Node{}
		nodes := ix.snap.Nodes
		for i := range nodes {
			n := &nodes[i]
			for _, a := range n.Status.Addresses {
				if _, seen := f.byAddress[a.Address]; !seen {
					f.byAddress[a.Address] = n
				}
			}
			if args, anno, ok := cluster.NodeArgs(n); ok && len(args) > 0 && args[0] == "server" {
				f.servers = append(f.servers, ServerNode{Node: n, Args: args, Annotation: anno})
			}
		}
	})
	return &ix.controlPlane
}

// NodeByAddress returns the first node (in snapshot order) with a status
// address (InternalIP, ExternalIP, Hostname, …) equal to addr, or nil. It
// places members known only by address, such as etcd endpoints.
func (ix *Index) NodeByAddress(addr string) *corev1.Node {
	if addr == "" {
		return nil
	}
	return ix.controlPlaneFacts().byAddress[addr]
}

// ServerNodes returns the k3s and rke2 server nodes, in snapshot order,
// with their decoded node-args. Callers must not modify what it returns.
func (ix *Index) ServerNodes() []ServerNode { return ix.controlPlaneFacts().servers }
