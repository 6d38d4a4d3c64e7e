package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/authz"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/report"
)

// rbacOptions are the flags shared by the rbac subcommands.
type rbacOptions struct {
	source        *sourceOptions
	output        string
	namespace     string
	allNamespaces bool
	streams       genericiooptions.IOStreams
}

func newRBACCommand(streams genericiooptions.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rbac",
		Short: "Answer who may do what, from the cluster's effective RBAC permissions",
		Long: `Answer RBAC questions from a model of the cluster's effective permissions,
built once from every Role, ClusterRole, RoleBinding and ClusterRoleBinding
(live, or from -f manifests or a snapshot), with the RBAC authorizer's own
rule matching: wildcards, subresources, resourceNames, non-resource URLs,
RoleBindings to ClusterRoles, ServiceAccount groups and aggregated roles.

Exit codes: 0 the question was answered (an empty answer included); 2 the
run failed (bad arguments, unreadable input, -f input with no object
seaworthy reads, RBAC objects that could not be read).`,
	}
	cmd.AddCommand(newWhoCanCommand(streams), newSubjectCommand(streams))
	return cmd
}

func newRBACOptions(streams genericiooptions.IOStreams) *rbacOptions {
	source := newSourceOptions(streams)
	// -n here is the namespace of the request or subject (below), not
	// kubectl's default namespace for -f input.
	source.configFlags.Namespace = nil
	return &rbacOptions{source: source, streams: streams}
}

func (o *rbacOptions) addFlags(cmd *cobra.Command) {
	o.source.addFlags(cmd.Flags())
	addOutputFlag(cmd.Flags(), &o.output, grantList{})
	cmd.Flags().StringVarP(&o.namespace, "namespace", "n", "", "Namespace of the request (who-can) or of the ServiceAccount (subject).")
}

func (o *rbacOptions) complete() error { return o.source.complete() }

func (o *rbacOptions) validate() error {
	if err := report.CheckFormat(o.output, grantList{}); err != nil {
		return err
	}
	if o.allNamespaces && o.namespace != "" {
		return errors.New("-n and -A cannot be used together")
	}
	return o.source.validate()
}

// model loads the snapshot and builds the RBAC model; RBAC objects that
// could not be read make the answer wrong, so they fail the run.
func (o *rbacOptions) model(ctx context.Context) (*cluster.Snapshot, *authz.Model, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	snap, err := o.source.load(ctx)
	if err != nil {
		return nil, nil, err
	}
	var missing []string
	for _, k := range []cluster.Kind{cluster.KindRoles, cluster.KindClusterRoles, cluster.KindRoleBindings, cluster.KindClusterRoleBindings} {
		if g, ok := snap.GapFor(k); ok {
			missing = append(missing, fmt.Sprintf("%s %s (%s)", g.Kind, g.Reason, g.Message))
		}
	}
	if len(missing) > 0 {
		return nil, nil, fmt.Errorf("cannot answer without every RBAC object: %s", strings.Join(missing, "; "))
	}
	return snap, index.New(snap).RBAC(), nil
}

// whoCanOptions answers "rbac who-can VERB RESOURCE [NAME]".
type whoCanOptions struct {
	*rbacOptions
	args []string
}

func (o *whoCanOptions) complete(_ *cobra.Command, args []string) error {
	o.args = args
	return o.rbacOptions.complete()
}

func newWhoCanCommand(streams genericiooptions.IOStreams) *cobra.Command {
	o := &whoCanOptions{rbacOptions: newRBACOptions(streams)}
	cmd := &cobra.Command{
		Use:   "who-can VERB RESOURCE [NAME]",
		Short: "List every subject that may do VERB on RESOURCE, and through which binding and rule",
		Long: `List every User, Group and ServiceAccount that may do VERB on RESOURCE, with
the binding, role and rule that grant it, the scope (cluster-wide or a
namespace) and, for rules that reached an aggregated ClusterRole, the role
they came from.

RESOURCE is written as kubectl writes it: pods, pods/exec, deployments.apps,
deployments.apps/scale; or a non-resource URL starting with / (/metrics,
/healthz). Without a group the core group is assumed when it has the
resource, else the one group discovery (or the built-in list) knows it in.

Without -n the request is cluster-wide (a cluster-scoped resource, or all
namespaces): only ClusterRoleBindings answer it. With -n NS, RoleBindings in
NS count too; with -A, RoleBindings in any namespace are listed with theirs.
Subjects are listed as bindings name them: a group is not expanded into its
members, which RBAC does not know.`,
		Example: `  # Who may read Secrets in kube-system?
  seaworthy rbac who-can get secrets -n kube-system

  # Who may exec into pods anywhere (any namespace's RoleBindings included)?
  seaworthy rbac who-can create pods/exec -A

  # Who may scale Deployments cluster-wide, from a saved snapshot, as JSON?
  seaworthy rbac who-can update deployments.apps/scale -f cluster.snapshot.json -o json

  # Who may read one named ConfigMap, and who may read /metrics?
  seaworthy rbac who-can get configmaps cluster-info -n kube-public
  seaworthy rbac who-can get /metrics`,
		Args: cobra.RangeArgs(2, 3),
		RunE: runE(o),
	}
	o.addFlags(cmd)
	cmd.Flags().BoolVarP(&o.allNamespaces, "all-namespaces", "A", false, "Count RoleBindings in every namespace.")
	return cmd
}

// grantJSON is one grant in JSON output.
type grantJSON struct {
	Subject         authz.Subject `json:"subject"`
	Binding         string        `json:"binding"`
	Role            string        `json:"role"`
	Rule            ruleJSON      `json:"rule"`
	Scope           string        `json:"scope"`
	AggregationPath []string      `json:"aggregationPath,omitempty"`
	Platform        bool          `json:"platform"`
}

type ruleJSON struct {
	Verbs           []string `json:"verbs"`
	APIGroups       []string `json:"apiGroups,omitempty"`
	Resources       []string `json:"resources,omitempty"`
	ResourceNames   []string `json:"resourceNames,omitempty"`
	NonResourceURLs []string `json:"nonResourceURLs,omitempty"`
}

func toJSON(g authz.Grant) grantJSON {
	r := g.Rule()
	out := grantJSON{
		Subject: g.Subject, Binding: g.Binding.Ref(), Role: g.Role.Ref(),
		Rule:     ruleJSON{Verbs: r.Verbs, APIGroups: r.APIGroups, Resources: r.Resources, ResourceNames: r.ResourceNames, NonResourceURLs: r.NonResourceURLs},
		Scope:    "cluster",
		Platform: g.Platform(),
	}
	if !g.ClusterWide() {
		out.Scope = g.Namespace
	}
	if p := g.Path(); len(p) > 0 {
		out.AggregationPath = []string{g.Role.Ref()}
		for _, r := range p {
			out.AggregationPath = append(out.AggregationPath, r.Ref())
		}
	}
	return out
}

func (o *whoCanOptions) run(ctx context.Context) error {
	args := o.args
	snap, m, err := o.model(ctx)
	if err != nil {
		return runError(err)
	}
	a := authz.Attributes{Verb: args[0], Namespace: o.namespace}
	if strings.HasPrefix(args[1], "/") {
		if len(args) == 3 || o.namespace != "" || o.allNamespaces {
			return runError(errors.New("a non-resource URL takes no NAME, -n or -A"))
		}
		a.Path = args[1]
	} else {
		a.Group, a.Resource, a.Subresource = authz.NewResources(snap.APIResources).ResolveResource(args[1])
		if a.Resource == "" {
			return runError(fmt.Errorf("invalid RESOURCE %q", args[1]))
		}
		if len(args) == 3 {
			a.Name = args[2]
		}
	}
	var grants []authz.Grant
	if o.allNamespaces {
		grants = m.WhoCanInAnyNamespace(a)
	} else {
		grants = m.WhoCan(a)
	}
	query := map[string]any{"verb": a.Verb}
	if a.Path != "" {
		query["path"] = a.Path
	} else {
		query["group"], query["resource"] = a.Group, a.Resource
		if a.Subresource != "" {
			query["subresource"] = a.Subresource
		}
		if a.Name != "" {
			query["name"] = a.Name
		}
		switch {
		case o.allNamespaces:
			query["namespace"] = "*"
		case a.Namespace != "":
			query["namespace"] = a.Namespace
		}
	}
	answer := whoCanAnswer{Query: query, Grants: grantList{grants: grants},
		empty: fmt.Sprintf("No subject may %s.", describeQuery(a, o.allNamespaces))}
	return render(o.streams.Out, o.output, answer, report.RenderOptions{})
}

// grantList is a list of grants as every format prints it: a table of who
// and through what, or grantJSON entries.
type grantList struct {
	grants []authz.Grant
	// subject, when set, is the subject asked about: the table then lists
	// the rules, and VIA names the group a grant reached it through.
	subject *authz.Subject
}

func (l grantList) TableHeader() []string {
	if l.subject != nil {
		return []string{"SCOPE", "VERBS", "API GROUPS", "RESOURCES", "NAMES", "BINDING", "ROLE", "AGGREGATED FROM", "VIA"}
	}
	return []string{"KIND", "SUBJECT", "SCOPE", "BINDING", "ROLE", "AGGREGATED FROM", "PLATFORM"}
}

func (l grantList) TableRows() [][]string {
	rows := make([][]string, len(l.grants))
	for i, g := range l.grants {
		if l.subject == nil {
			rows[i] = []string{g.Subject.Kind, subjectName(g.Subject), scopeColumn(g), g.Binding.Ref(), g.Role.Ref(), aggregatedFrom(g), yesNo(g.Platform())}
			continue
		}
		r := g.Rule()
		what := strings.Join(r.Resources, ",")
		if len(r.NonResourceURLs) > 0 {
			what = strings.Join(r.NonResourceURLs, ",")
		}
		via := ""
		if g.Subject != *l.subject {
			via = g.Subject.String()
		}
		rows[i] = []string{scopeColumn(g), strings.Join(r.Verbs, ","), groupsColumn(r.APIGroups), what,
			strings.Join(r.ResourceNames, ","), g.Binding.Ref(), g.Role.Ref(), aggregatedFrom(g), via}
	}
	return rows
}

func (l grantList) MarshalJSON() ([]byte, error) {
	list := make([]grantJSON, 0, len(l.grants))
	for _, g := range l.grants {
		list = append(list, toJSON(g))
	}
	return json.Marshal(list)
}

// RBACSchemaVersion is the version of the JSON/YAML shape of the rbac
// answers. Fields are only ever added within a version.
const RBACSchemaVersion = "seaworthy.rbac/v1"

// rbacSchema, embedded first in every rbac answer, puts
// "schemaVersion": RBACSchemaVersion at the top of its JSON and YAML.
type rbacSchema struct {
	SchemaVersion rbacSchemaVersion `json:"schemaVersion"`
}

type rbacSchemaVersion struct{}

func (rbacSchemaVersion) MarshalJSON() ([]byte, error) { return json.Marshal(RBACSchemaVersion) }

// whoCanAnswer is the answer of who-can: the query and the grants.
type whoCanAnswer struct {
	rbacSchema
	Query  map[string]any `json:"query"`
	Grants grantList      `json:"grants"`
	empty  string
}

func (a whoCanAnswer) TableHeader() []string { return a.Grants.TableHeader() }
func (a whoCanAnswer) TableRows() [][]string { return a.Grants.TableRows() }

// EmptyText is what the table says when no subject may.
func (a whoCanAnswer) EmptyText() string { return a.empty }

// subjectAnswer is the answer of subject: the subject and its grants.
type subjectAnswer struct {
	rbacSchema
	Subject authz.Subject `json:"subject"`
	Grants  grantList     `json:"grants"`
}

func (a subjectAnswer) TableHeader() []string { return a.Grants.TableHeader() }
func (a subjectAnswer) TableRows() [][]string { return a.Grants.TableRows() }

// EmptyText is what the table says when nothing is bound to the subject.
func (a subjectAnswer) EmptyText() string {
	return fmt.Sprintf("No binding grants anything to %s.", a.Subject)
}

func describeQuery(a authz.Attributes, all bool) string {
	s := a.String()
	if all {
		s += " in any namespace"
	} else if a.Namespace == "" && a.IsResourceRequest() {
		s += " cluster-wide"
	}
	return s
}

func subjectName(s authz.Subject) string {
	if s.Kind == authz.KindServiceAccount {
		return s.Namespace + "/" + s.Name
	}
	return s.Name
}

func scopeColumn(g authz.Grant) string {
	if g.ClusterWide() {
		return "cluster"
	}
	return g.Namespace
}

func aggregatedFrom(g authz.Grant) string {
	if len(g.Path()) == 0 {
		return ""
	}
	return g.Origin().Ref()
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// subjectOptions answers "rbac subject KIND NAME".
type subjectOptions struct {
	*rbacOptions
	subject authz.Subject
}

func (o *subjectOptions) complete(_ *cobra.Command, args []string) error {
	if err := o.rbacOptions.complete(); err != nil {
		return err
	}
	s, err := parseSubject(args[0], args[1], o.namespace)
	o.subject = s
	return err
}

func newSubjectCommand(streams genericiooptions.IOStreams) *cobra.Command {
	o := &subjectOptions{rbacOptions: newRBACOptions(streams)}
	cmd := &cobra.Command{
		Use:   "subject KIND NAME",
		Short: "List every rule a User, Group or ServiceAccount holds, and where it comes from",
		Long: `List every rule granted to a subject, with the binding, role, scope and, for
aggregated roles, the contributing role of each.

KIND is User, Group or ServiceAccount (case-insensitive; sa works too). A
ServiceAccount's NAME is namespace:name, system:serviceaccount:namespace:name,
or name with -n. ServiceAccounts and Users also get what is bound to the
groups the API server always puts them in (system:serviceaccounts,
system:serviceaccounts:<namespace> and system:authenticated; anonymous:
system:unauthenticated); the VIA column says which. Other groups a User
belongs to depend on how it authenticates: ask for each with KIND Group.`,
		Example: `  # What may the ingress controller's ServiceAccount do?
  seaworthy rbac subject ServiceAccount ingress-nginx:ingress-nginx

  # What may a user do, from manifests, as JSON?
  seaworthy rbac subject User jane@example.com -f ./rbac/ -o json

  # What does every authenticated request get?
  seaworthy rbac subject Group system:authenticated`,
		Args: cobra.ExactArgs(2),
		RunE: runE(o),
	}
	o.addFlags(cmd)
	return cmd
}

// parseSubject reads KIND and NAME (and -n) into a subject.
func parseSubject(kind, name, namespace string) (authz.Subject, error) {
	switch strings.ToLower(kind) {
	case "user":
		if namespace != "" {
			return authz.Subject{}, errors.New("-n applies only to ServiceAccounts")
		}
		return authz.Subject{Kind: authz.KindUser, Name: name}, nil
	case "group":
		if namespace != "" {
			return authz.Subject{}, errors.New("-n applies only to ServiceAccounts")
		}
		return authz.Subject{Kind: authz.KindGroup, Name: name}, nil
	case "serviceaccount", "sa":
		name = strings.TrimPrefix(name, "system:serviceaccount:")
		if ns, n, ok := strings.Cut(name, ":"); ok {
			if namespace != "" && namespace != ns {
				return authz.Subject{}, fmt.Errorf("ServiceAccount %q and -n %q name different namespaces", name, namespace)
			}
			namespace, name = ns, n
		}
		if namespace == "" || name == "" {
			return authz.Subject{}, fmt.Errorf("ServiceAccount %q needs a namespace: write namespace:name or use -n", name)
		}
		return authz.Subject{Kind: authz.KindServiceAccount, Namespace: namespace, Name: name}, nil
	}
	return authz.Subject{}, fmt.Errorf("invalid KIND %q: want User, Group or ServiceAccount", kind)
}

func (o *subjectOptions) run(ctx context.Context) error {
	_, m, err := o.model(ctx)
	if err != nil {
		return runError(err)
	}
	grants := m.ForSubject(o.subject)
	authz.SortGrants(grants)
	s := o.subject
	answer := subjectAnswer{Subject: s, Grants: grantList{grants: grants, subject: &s}}
	return render(o.streams.Out, o.output, answer, report.RenderOptions{})
}

func groupsColumn(groups []string) string {
	out := make([]string, len(groups))
	for i, g := range groups {
		if g == "" {
			g = `""`
		}
		out[i] = g
	}
	return strings.Join(out, ",")
}
