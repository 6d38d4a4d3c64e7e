package check

import (
	"testing"

	"github.com/seaworthy-k8s/seaworthy/result"
)

func TestSpreadVerdict(t *testing.T) {
	m := func(name, node, zone string) Member { return Member{Name: name, Node: node, Zone: zone} }
	cases := []struct {
		name    string
		members []Member
		want    result.Status
	}{
		{"three zones", []Member{m("a", "a", "z1"), m("b", "b", "z2"), m("c", "c", "z3")}, result.StatusPass},
		{"five over three zones, two per zone", []Member{m("a", "a", "z1"), m("b", "b", "z1"), m("c", "c", "z2"), m("d", "d", "z2"), m("e", "e", "z3")}, result.StatusPass},
		{"three in one zone of three", []Member{m("a", "a", "z1"), m("b", "b", "z1"), m("c", "c", "z1"), m("d", "d", "z2"), m("e", "e", "z3")}, result.StatusWarn},
		{"two zones", []Member{m("a", "a", "z1"), m("b", "b", "z1"), m("c", "c", "z2")}, result.StatusWarn},
		{"unlabelled node", []Member{m("a", "a", "z1"), m("b", "b", "z2"), m("c", "c", "")}, result.StatusWarn},
		{"hosts outside the cluster", []Member{m("a", "", ""), m("b", "", ""), m("c", "", "")}, result.StatusInfo},
		{"some outside, rest fine", []Member{m("a", "a", "z1"), m("b", "b", "z2"), m("c", "", "")}, result.StatusInfo},
		{"some outside, rest crowded", []Member{m("a", "a", "z1"), m("b", "b", "z1"), m("c", "c", "z1"), m("d", "", "")}, result.StatusWarn},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got, msg := NewSpread(tc.members).Verdict("members", 3, 2); got != tc.want {
				t.Errorf("got %s (%s), want %s", got, msg, tc.want)
			}
		})
	}
}
