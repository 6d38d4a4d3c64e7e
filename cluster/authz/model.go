package authz

import (
	"sort"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

// Kinds of subjects, roles and bindings, as the RBAC API spells them.
const (
	KindUser               = rbacv1.UserKind
	KindGroup              = rbacv1.GroupKind
	KindServiceAccount     = rbacv1.ServiceAccountKind
	KindRole               = "Role"
	KindClusterRole        = "ClusterRole"
	KindRoleBinding        = "RoleBinding"
	KindClusterRoleBinding = "ClusterRoleBinding"
)

// Well-known groups the authenticators add.
const (
	GroupAuthenticated   = "system:authenticated"
	GroupUnauthenticated = "system:unauthenticated"
	GroupServiceAccounts = "system:serviceaccounts"
	UserAnonymous        = "system:anonymous"
	saUserPrefix         = "system:serviceaccount:"
	saGroupPrefix        = "system:serviceaccounts:"
)

// BootstrapLabel marks the API server's own default roles and bindings.
const BootstrapLabel, BootstrapValue = "kubernetes.io/bootstrapping", "rbac-defaults"

// Subject is who a binding grants to. Namespace is set only for
// ServiceAccounts.
type Subject struct {
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Namespace string `json:"namespace,omitempty"`
}

// String renders the subject as "User/alice", "Group/ops" or
// "ServiceAccount/ns/name". A ServiceAccount without a namespace (only a
// ClusterRoleBinding can leave it unresolved, and the API server rejects
// that) renders as "ServiceAccount/name (no namespace)", never with an
// empty namespace segment.
func (s Subject) String() string {
	if s.Kind == KindServiceAccount {
		if s.Namespace == "" {
			return s.Kind + "/" + s.Name + " (no namespace)"
		}
		return s.Kind + "/" + s.Namespace + "/" + s.Name
	}
	return s.Kind + "/" + s.Name
}

// Username is the user name the authenticator gives the subject: the name
// itself for a User, "system:serviceaccount:ns:name" for a ServiceAccount,
// and "" for a Group.
func (s Subject) Username() string {
	switch s.Kind {
	case KindUser:
		return s.Name
	case KindServiceAccount:
		if s.Namespace == "" {
			return ""
		}
		return saUserPrefix + s.Namespace + ":" + s.Name
	}
	return ""
}

// Groups returns the groups the authenticator puts a ServiceAccount or an
// authenticated User in on every request; a User's other groups depend on
// how it authenticates and are not known here.
func (s Subject) Groups() []string {
	switch s.Kind {
	case KindServiceAccount:
		return []string{GroupServiceAccounts, saGroupPrefix + s.Namespace, GroupAuthenticated}
	case KindUser:
		if s.Name == UserAnonymous {
			return []string{GroupUnauthenticated}
		}
		return []string{GroupAuthenticated}
	}
	return nil
}

// IsAnonymous reports whether s stands for unauthenticated requests.
func (s Subject) IsAnonymous() bool {
	return (s.Kind == KindUser && s.Name == UserAnonymous) || (s.Kind == KindGroup && s.Name == GroupUnauthenticated)
}

// Role is a Role or ClusterRole with its rules as stored.
type Role struct {
	Kind      string                  `json:"kind"`
	Namespace string                  `json:"namespace,omitempty"`
	Name      string                  `json:"name"`
	Rules     []rbacv1.PolicyRule     `json:"-"`
	Labels    map[string]string       `json:"-"`
	Aggregate *rbacv1.AggregationRule `json:"-"`
	// Platform is set for the API server's default roles and the
	// allow-listed platform roles; PlatformReason says why.
	Platform       bool   `json:"-"`
	PlatformReason string `json:"-"`
	// Assumed is set for a built-in ClusterRole or Role the input did not
	// contain but every API server has (manifests input; see
	// assumesDefaults).
	Assumed bool `json:"assumed,omitempty"`

	// origins[i] is the aggregation path of Rules[i] below this role: the
	// chain of contributing ClusterRoles, ending with the one that holds
	// the rule as its own; nil when the rule is this role's own.
	origins [][]*Role
	// bindings are the bindings that reference this role.
	bindings []*Binding
}

// Ref renders the role as "ClusterRole/name" or "Role/ns/name".
func (r *Role) Ref() string {
	if r.Namespace == "" {
		return r.Kind + "/" + r.Name
	}
	return r.Kind + "/" + r.Namespace + "/" + r.Name
}

// Origin returns the aggregation path of rule i (see Grant.Path).
func (r *Role) Origin(i int) []*Role {
	if i < len(r.origins) {
		return r.origins[i]
	}
	return nil
}

// Bindings returns the bindings that reference r.
func (r *Role) Bindings() []*Binding { return r.bindings }

// Binding is a RoleBinding or ClusterRoleBinding.
type Binding struct {
	Kind      string         `json:"kind"`
	Namespace string         `json:"namespace,omitempty"`
	Name      string         `json:"name"`
	RoleRef   rbacv1.RoleRef `json:"-"`
	// Subjects are the binding's subjects; a RoleBinding's ServiceAccount
	// without a namespace is in the binding's namespace, as the authorizer
	// reads it.
	Subjects []Subject `json:"-"`
	// Role is the referenced role, nil when it does not exist (dangling).
	Role *Role `json:"-"`
	// Platform is set for bindings labelled as the API server's defaults;
	// every subject of such a binding is a platform subject.
	Platform bool `json:"-"`
	// Assumed is set for a built-in binding the input did not contain but
	// every API server has (manifests input; see assumesDefaults).
	Assumed bool `json:"assumed,omitempty"`
	// allow is the platform allow-list entry the binding matches, if any.
	allow *allowEntry
}

// Ref renders the binding as "ClusterRoleBinding/name" or
// "RoleBinding/ns/name".
func (b *Binding) Ref() string {
	if b.Namespace == "" {
		return b.Kind + "/" + b.Name
	}
	return b.Kind + "/" + b.Namespace + "/" + b.Name
}

// RoleRefString renders the referenced role as "ClusterRole/name" or
// "Role/ns/name".
func (b *Binding) RoleRefString() string {
	if b.RoleRef.Kind == KindRole {
		return KindRole + "/" + b.Namespace + "/" + b.RoleRef.Name
	}
	return b.RoleRef.Kind + "/" + b.RoleRef.Name
}

// ClusterWide reports whether the binding's rules apply in every namespace
// and to cluster-scoped requests.
func (b *Binding) ClusterWide() bool { return b.Kind == KindClusterRoleBinding }

// Dangling reports whether the binding's role does not exist.
func (b *Binding) Dangling() bool { return b.Role == nil }

// PlatformGrant reports whether the grant of rule to subject through this
// binding is the platform's own: the binding is an API server default, or
// an allow-listed platform binding and subject and rule are the ones it is
// known to grant.
func (b *Binding) PlatformGrant(s Subject, rule *rbacv1.PolicyRule) bool {
	if b.Platform {
		return true
	}
	return b.allow != nil && b.allow.covers(s, rule)
}

// PlatformReason says why the binding is a platform binding, or "".
func (b *Binding) PlatformReason() string {
	switch {
	case b.Platform:
		return "labelled " + BootstrapLabel + "=" + BootstrapValue
	case b.allow != nil:
		return b.allow.why
	}
	return ""
}

// Grant is one rule granted to one subject through one binding.
type Grant struct {
	Subject Subject
	Binding *Binding
	Role    *Role
	// RuleIndex is the rule's index in Role.Rules.
	RuleIndex int
	// Namespace is the scope: the RoleBinding's namespace, or "" for a
	// ClusterRoleBinding (every namespace and cluster-scoped resources).
	// Whether the grant is cluster-wide is the binding's kind (see
	// ClusterWide), never an empty Namespace.
	Namespace string
}

// Rule returns the granted rule.
func (g Grant) Rule() *rbacv1.PolicyRule { return &g.Role.Rules[g.RuleIndex] }

// Path is the aggregation path of the rule below Role: nil when the rule is
// the role's own, else the contributing ClusterRoles in order, the last
// holding the rule itself.
func (g Grant) Path() []*Role { return g.Role.Origin(g.RuleIndex) }

// Origin is the role that holds the rule as its own: the last role on the
// aggregation path, or Role.
func (g Grant) Origin() *Role {
	if p := g.Path(); len(p) > 0 {
		return p[len(p)-1]
	}
	return g.Role
}

// PathString renders Role and the aggregation path: "ClusterRole/admin <-
// ClusterRole/edit <- ClusterRole/extra", or "" without aggregation.
func (g Grant) PathString() string {
	p := g.Path()
	if len(p) == 0 {
		return ""
	}
	parts := []string{g.Role.Ref()}
	for _, r := range p {
		parts = append(parts, r.Ref())
	}
	return strings.Join(parts, " <- ")
}

// ClusterWide reports whether the grant applies in every namespace: it
// comes through a ClusterRoleBinding. A RoleBinding's grant is confined to
// the binding's namespace even when the binding carries none (a manifest
// that relies on kubectl apply -n before the source gives it one).
func (g Grant) ClusterWide() bool {
	if g.Binding != nil {
		return g.Binding.ClusterWide()
	}
	return g.Namespace == ""
}

// Platform reports whether the grant is the platform's own (see
// Binding.PlatformGrant).
func (g Grant) Platform() bool { return g.Binding.PlatformGrant(g.Subject, g.Rule()) }

// Model is the resolved RBAC state of one snapshot.
type Model struct {
	roles    []*Role
	bindings []*Binding
	// bySubject indexes bindings by "u:"+username (User and ServiceAccount
	// subjects) and "g:"+group.
	bySubject map[string][]*Binding
	// index maps verb and resource keys to the rules that may match them.
	index map[indexKey][]ruleRef
	// urlRules are the rules with nonResourceURLs, by verb.
	urlRules map[string][]ruleRef
	platform string
}

// Roles returns every role, ClusterRoles first, each by name.
func (m *Model) Roles() []*Role { return m.roles }

// Bindings returns every binding: ClusterRoleBindings by name, then
// RoleBindings by namespace and name.
func (m *Model) Bindings() []*Binding { return m.bindings }

// Build resolves snap's roles and bindings into a Model.
func Build(snap *cluster.Snapshot) *Model { return BuildOn(snap, snap.Server.Platform) }

// BuildOn is Build for a cluster known to run on platform (as
// cluster.DetectPlatform names it), which decides the platform-specific
// entries of the allow-list (EKS's own bindings, say).
func BuildOn(snap *cluster.Snapshot, platform string) *Model {
	m := &Model{bySubject: map[string][]*Binding{}, platform: platform}
	clusterRoles := make(map[string]*Role, len(snap.ClusterRoles))
	nsRoles := make(map[string]*Role, len(snap.Roles))
	addClusterRole := func(cr *rbacv1.ClusterRole, assumed bool) {
		r := &Role{Kind: KindClusterRole, Name: cr.Name, Rules: cr.Rules, Labels: cr.Labels, Aggregate: cr.AggregationRule, Assumed: assumed}
		m.markPlatformRole(r)
		clusterRoles[r.Name] = r
		m.roles = append(m.roles, r)
	}
	for i := range snap.ClusterRoles {
		addClusterRole(&snap.ClusterRoles[i], false)
	}
	if assumesDefaults(snap) {
		defaults := defaultClusterRoles()
		for i := range defaults {
			if clusterRoles[defaults[i].Name] == nil {
				addClusterRole(&defaults[i], true)
			}
		}
	}
	addRole := func(ro *rbacv1.Role, assumed bool) {
		r := &Role{Kind: KindRole, Namespace: ro.Namespace, Name: ro.Name, Rules: ro.Rules, Labels: ro.Labels, Assumed: assumed}
		m.markPlatformRole(r)
		nsRoles[ro.Namespace+"/"+ro.Name] = r
		m.roles = append(m.roles, r)
	}
	for i := range snap.Roles {
		addRole(&snap.Roles[i], false)
	}
	if assumesDefaults(snap) {
		defaults := defaultRoles()
		for i := range defaults {
			if nsRoles[defaults[i].Namespace+"/"+defaults[i].Name] == nil {
				addRole(&defaults[i], true)
			}
		}
	}
	sort.SliceStable(m.roles, func(i, j int) bool { return roleLess(m.roles[i], m.roles[j]) })
	traceAggregation(m.roles)

	addClusterRoleBinding := func(crb *rbacv1.ClusterRoleBinding, assumed bool) {
		b := &Binding{Kind: KindClusterRoleBinding, Name: crb.Name, RoleRef: crb.RoleRef,
			Subjects: subjects(crb.Subjects, ""), Platform: isBootstrap(crb.ObjectMeta), Assumed: assumed}
		if crb.RoleRef.Kind == KindClusterRole {
			b.Role = clusterRoles[crb.RoleRef.Name]
		}
		m.addBinding(b)
	}
	addRoleBinding := func(rb *rbacv1.RoleBinding, assumed bool) {
		b := &Binding{Kind: KindRoleBinding, Namespace: rb.Namespace, Name: rb.Name, RoleRef: rb.RoleRef,
			Subjects: subjects(rb.Subjects, rb.Namespace), Platform: isBootstrap(rb.ObjectMeta), Assumed: assumed}
		switch rb.RoleRef.Kind {
		case KindClusterRole:
			b.Role = clusterRoles[rb.RoleRef.Name]
		case KindRole:
			b.Role = nsRoles[rb.Namespace+"/"+rb.RoleRef.Name]
		}
		m.addBinding(b)
	}
	for i := range snap.ClusterRoleBindings {
		addClusterRoleBinding(&snap.ClusterRoleBindings[i], false)
	}
	for i := range snap.RoleBindings {
		addRoleBinding(&snap.RoleBindings[i], false)
	}
	if assumesDefaults(snap) {
		have := make(map[string]bool, len(snap.ClusterRoleBindings)+len(snap.RoleBindings))
		for i := range snap.ClusterRoleBindings {
			have[KindClusterRoleBinding+"/"+snap.ClusterRoleBindings[i].Name] = true
		}
		for i := range snap.RoleBindings {
			have[KindRoleBinding+"/"+snap.RoleBindings[i].Namespace+"/"+snap.RoleBindings[i].Name] = true
		}
		crbs := defaultClusterRoleBindings()
		for i := range crbs {
			if !have[KindClusterRoleBinding+"/"+crbs[i].Name] {
				addClusterRoleBinding(&crbs[i], true)
			}
		}
		rbs := defaultRoleBindings()
		for i := range rbs {
			if !have[KindRoleBinding+"/"+rbs[i].Namespace+"/"+rbs[i].Name] {
				addRoleBinding(&rbs[i], true)
			}
		}
	}
	sort.SliceStable(m.bindings, func(i, j int) bool { return bindingLess(m.bindings[i], m.bindings[j]) })
	for _, r := range m.roles {
		sort.SliceStable(r.bindings, func(i, j int) bool { return bindingLess(r.bindings[i], r.bindings[j]) })
	}
	for k, bs := range m.bySubject {
		sort.SliceStable(bs, func(i, j int) bool { return bindingLess(bs[i], bs[j]) })
		m.bySubject[k] = bs
	}
	m.buildIndex()
	return m
}

func (m *Model) addBinding(b *Binding) {
	b.allow = m.matchAllowList(b)
	m.bindings = append(m.bindings, b)
	if b.Role != nil {
		b.Role.bindings = append(b.Role.bindings, b)
	}
	seen := map[string]bool{}
	for _, s := range b.Subjects {
		k := subjectKey(s)
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		m.bySubject[k] = append(m.bySubject[k], b)
	}
}

// subjectKey is the bySubject key a subject is matched under: users and
// ServiceAccounts by user name (a User subject named like a ServiceAccount
// matches it, as in the authorizer), groups by name. A ServiceAccount
// subject without a namespace matches nothing.
func subjectKey(s Subject) string {
	switch s.Kind {
	case KindUser, KindServiceAccount:
		if u := s.Username(); u != "" {
			return "u:" + u
		}
	case KindGroup:
		return "g:" + s.Name
	}
	return ""
}

// subjects converts a binding's subjects. A ServiceAccount subject without
// a namespace is in namespace, the RoleBinding's own, as the RBAC
// authorizer reads it; for a ClusterRoleBinding (namespace "") it stays
// without one and matches nobody.
func subjects(in []rbacv1.Subject, namespace string) []Subject {
	out := make([]Subject, 0, len(in))
	for _, s := range in {
		sub := Subject{Kind: s.Kind, Name: s.Name}
		if s.Kind == KindServiceAccount {
			sub.Namespace = s.Namespace
			if sub.Namespace == "" {
				sub.Namespace = namespace
			}
		}
		out = append(out, sub)
	}
	return out
}

func isBootstrap(m metav1.ObjectMeta) bool { return m.Labels[BootstrapLabel] == BootstrapValue }

func roleLess(a, b *Role) bool {
	if a.Kind != b.Kind {
		return a.Kind == KindClusterRole
	}
	if a.Namespace != b.Namespace {
		return a.Namespace < b.Namespace
	}
	return a.Name < b.Name
}

func bindingLess(a, b *Binding) bool {
	if a.Kind != b.Kind {
		return a.Kind == KindClusterRoleBinding
	}
	if a.Namespace != b.Namespace {
		return a.Namespace < b.Namespace
	}
	return a.Name < b.Name
}

// traceAggregation fills origins for every aggregated ClusterRole: each
// stored rule is traced to a selected ClusterRole holding an identical rule,
// recursively through roles that are themselves aggregated.
func traceAggregation(roles []*Role) {
	var clusterRoles []*Role
	for _, r := range roles {
		if r.Kind == KindClusterRole {
			clusterRoles = append(clusterRoles, r)
		}
	}
	contributors := map[*Role][]*Role{}
	for _, r := range clusterRoles {
		if r.Aggregate == nil {
			continue
		}
		var sels []labels.Selector
		for i := range r.Aggregate.ClusterRoleSelectors {
			sel, err := metav1.LabelSelectorAsSelector(&r.Aggregate.ClusterRoleSelectors[i])
			if err != nil || sel.Empty() {
				// The aggregation controller skips invalid selectors; an
				// empty one would select every role, which it refuses too.
				continue
			}
			sels = append(sels, sel)
		}
		for _, c := range clusterRoles {
			if c == r {
				continue
			}
			set := labels.Set(c.Labels)
			for _, sel := range sels {
				if sel.Matches(set) {
					contributors[r] = append(contributors[r], c)
					break
				}
			}
		}
	}
	type memoKey struct {
		role *Role
		rule string
	}
	memo := map[memoKey][]*Role{}
	var trace func(r *Role, key string, visiting map[*Role]bool) ([]*Role, bool)
	// trace returns the path below r to a role holding the rule as its own
	// (empty when r holds it itself), and whether r holds the rule at all.
	trace = func(r *Role, key string, visiting map[*Role]bool) ([]*Role, bool) {
		if p, ok := memo[memoKey{r, key}]; ok {
			return p, true
		}
		has := false
		for i := range r.Rules {
			if ruleKey(&r.Rules[i]) == key {
				has = true
				break
			}
		}
		if !has {
			return nil, false
		}
		if len(contributors[r]) == 0 || visiting[r] {
			return nil, true
		}
		visiting[r] = true
		defer delete(visiting, r)
		for _, c := range contributors[r] {
			if sub, ok := trace(c, key, visiting); ok {
				p := append([]*Role{c}, sub...)
				memo[memoKey{r, key}] = p
				return p, true
			}
		}
		return nil, true
	}
	for _, r := range clusterRoles {
		if len(contributors[r]) == 0 {
			continue
		}
		r.origins = make([][]*Role, len(r.Rules))
		for i := range r.Rules {
			p, _ := trace(r, ruleKey(&r.Rules[i]), map[*Role]bool{})
			r.origins[i] = p
		}
	}
}

// ruleKey is a canonical form of a rule for equality.
func ruleKey(r *rbacv1.PolicyRule) string {
	var b strings.Builder
	for _, l := range [][]string{r.Verbs, r.APIGroups, r.Resources, r.ResourceNames, r.NonResourceURLs} {
		for _, s := range l {
			b.WriteString(s)
			b.WriteByte(0)
		}
		b.WriteByte(1)
	}
	return b.String()
}

// Grants calls fn for every grant of every binding, in binding order, until
// fn returns false. Dangling bindings grant nothing.
func (m *Model) Grants(fn func(Grant) bool) {
	for _, b := range m.bindings {
		if b.Role == nil {
			continue
		}
		for _, s := range b.Subjects {
			for i := range b.Role.Rules {
				if !fn(Grant{Subject: s, Binding: b, Role: b.Role, RuleIndex: i, Namespace: b.Namespace}) {
					return
				}
			}
		}
	}
}

// Allows reports whether the RBAC authorizer allows the request for a user
// with the given name and groups (exactly those groups: add
// system:authenticated and the ServiceAccount groups yourself, as the
// authenticator would).
func (m *Model) Allows(user string, groups []string, a Attributes) bool {
	check := func(bs []*Binding) bool {
		for _, b := range bs {
			if b.Role == nil || !bindingApplies(b, a.Namespace) {
				continue
			}
			for i := range b.Role.Rules {
				if RuleAllows(&b.Role.Rules[i], a) {
					return true
				}
			}
		}
		return false
	}
	if user != "" && check(m.bySubject["u:"+user]) {
		return true
	}
	for _, g := range groups {
		if check(m.bySubject["g:"+g]) {
			return true
		}
	}
	return false
}

// bindingApplies reports whether b's rules apply to a request in namespace
// ns: a ClusterRoleBinding always, a RoleBinding only in its namespace.
func bindingApplies(b *Binding, ns string) bool {
	return b.Kind == KindClusterRoleBinding || (ns != "" && b.Namespace == ns)
}

// ForSubject returns every grant s holds: through bindings naming it and,
// for ServiceAccounts and Users, through the groups the authenticator
// always puts them in (see Subject.Groups). Each grant's Subject is the
// binding's subject that matched (s itself or one of its groups).
func (m *Model) ForSubject(s Subject) []Grant {
	var keys []string
	if s.Kind == KindGroup {
		keys = []string{"g:" + s.Name}
	} else {
		if u := s.Username(); u != "" {
			keys = append(keys, "u:"+u)
		}
		for _, g := range s.Groups() {
			keys = append(keys, "g:"+g)
		}
	}
	var out []Grant
	for _, k := range keys {
		for _, b := range m.bySubject[k] {
			if b.Role == nil {
				continue
			}
			for _, bs := range b.Subjects {
				if subjectKey(bs) != k {
					continue
				}
				for i := range b.Role.Rules {
					out = append(out, Grant{Subject: bs, Binding: b, Role: b.Role, RuleIndex: i, Namespace: b.Namespace})
				}
				break
			}
		}
	}
	return out
}

// DanglingBindings returns the bindings whose role does not exist.
func (m *Model) DanglingBindings() []*Binding {
	var out []*Binding
	for _, b := range m.bindings {
		if b.Role == nil {
			out = append(out, b)
		}
	}
	return out
}

// SelectedBy reports whether role's labels match one of aggregated's
// aggregation selectors, as the aggregation controller decides.
func SelectedBy(aggregated, role *Role) bool {
	if aggregated.Aggregate == nil || aggregated == role {
		return false
	}
	set := labels.Set(role.Labels)
	for i := range aggregated.Aggregate.ClusterRoleSelectors {
		sel, err := metav1.LabelSelectorAsSelector(&aggregated.Aggregate.ClusterRoleSelectors[i])
		if err != nil || sel.Empty() {
			continue
		}
		if sel.Matches(set) {
			return true
		}
	}
	return false
}
