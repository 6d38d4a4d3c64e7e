package check

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Plural picks the singular or plural word for n things.
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Capitalize upper-cases the first letter of s.
func Capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// SortedKeys returns a map's keys in order; an empty map gives an empty,
// non-nil list (evidence shows [] rather than null).
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	keys = slices.AppendSeq(keys, maps.Keys(m))
	slices.Sort(keys)
	return keys
}

// HumanDuration rounds d for messages: 45s, 12m, 5h10m, 3d4h.
func HumanDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 48*time.Hour:
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if m == 0 {
			return fmt.Sprintf("%dh", h)
		}
		return fmt.Sprintf("%dh%dm", h, m)
	default:
		days, h := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
		if h == 0 {
			return fmt.Sprintf("%dd", days)
		}
		return fmt.Sprintf("%dd%dh", days, h)
	}
}

// NameList joins up to max names with commas, then says how many more
// there are: "a, b and 3 more".
func NameList(names []string, max int) string {
	if len(names) <= max {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:max], ", ") + fmt.Sprintf(" and %d more", len(names)-max)
}

// FirstNames is the evidence form of a name list: at most max names,
// never null.
func FirstNames(names []string, max int) []string {
	out := make([]string, 0, min(len(names), max))
	return append(out, names[:min(len(names), max)]...)
}
