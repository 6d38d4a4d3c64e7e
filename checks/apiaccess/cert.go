package apiaccess

import (
	"fmt"
	"time"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

func evalCert001(in *check.Input, o *Options) []result.Result {
	s := in.Snapshot
	p := in.Index.Platform()
	c := s.Server.ServingCert
	if c == nil {
		why := "the input is manifests, with no TLS connection to the API server"
		if g, ok := s.GapFor(cluster.KindServingCert); ok {
			why = "the TLS handshake yielded no certificate (" + g.Reason + ": " + g.Message + ")"
		} else if s.Source != cluster.SourceManifests && s.OriginalSource != cluster.SourceManifests {
			why = "the serving certificate was not recorded"
		}
		return []result.Result{result.New(result.StatusSkip, result.Cluster, "Cannot check the API server certificate: "+why+".",
			check.WithEvidence(p, map[string]any{"signal": check.SignalNone}))}
	}
	left := c.NotAfter.Sub(s.CollectedAt)
	ev := check.WithEvidence(p, map[string]any{"signal": signalTLSHandshake, "notAfter": c.NotAfter.UTC().Format(time.RFC3339),
		"subject": c.Subject, "daysLeft": int(left.Hours() / 24), "chainLength": c.ChainLength})
	if c.LeafSubject != "" {
		ev["leafSubject"] = c.LeafSubject
	}
	which := "the serving certificate"
	if c.ChainLength > 1 && c.Subject != "" && c.Subject != c.LeafSubject {
		which = "a certificate in the serving chain"
	}
	subject := ""
	if c.Subject != "" {
		subject = " (" + c.Subject + ")"
	}
	notAfter := c.NotAfter.UTC().Format(time.RFC3339)
	var st result.Status
	var msg string
	switch {
	case left <= 0:
		st, msg = result.StatusFail, fmt.Sprintf("%s%s expired %s ago, on %s: clients that verify it cannot connect.",
			check.Capitalize(which), subject, check.HumanDuration(-left), notAfter)
	case left <= o.CertFailWithin:
		st, msg = result.StatusFail, fmt.Sprintf("%s%s expires in %s, on %s (under %s): renew it now.",
			check.Capitalize(which), subject, check.HumanDuration(left), notAfter, check.HumanDuration(o.CertFailWithin))
	case left <= o.CertWarnWithin:
		st, msg = result.StatusWarn, fmt.Sprintf("%s%s expires in %s, on %s (under %s): plan its renewal.",
			check.Capitalize(which), subject, check.HumanDuration(left), notAfter, check.HumanDuration(o.CertWarnWithin))
	default:
		st, msg = result.StatusPass, fmt.Sprintf("%s%s is valid until %s (%s left).",
			check.Capitalize(which), subject, notAfter, check.HumanDuration(left))
	}
	if p.Managed && st.Severity() > result.StatusInfo.Severity() {
		st = result.StatusInfo
		msg += " " + p.Label() + " rotates it; raise it with the provider if it does not change soon."
	}
	return []result.Result{result.New(st, result.Cluster, msg, ev)}
}
