package quota

import (
	"math/big"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// suffixMultipliers are the Kubernetes quantity suffixes and what one unit
// of each is worth in base units (bytes, cores or counts).
var suffixMultipliers = map[string]*big.Rat{
	"n": big.NewRat(1, 1_000_000_000), "u": big.NewRat(1, 1_000_000), "m": big.NewRat(1, 1000), "": big.NewRat(1, 1),
	"k": pow(10, 3), "M": pow(10, 6), "G": pow(10, 9), "T": pow(10, 12), "P": pow(10, 15), "E": pow(10, 18),
	"Ki": pow(2, 10), "Mi": pow(2, 20), "Gi": pow(2, 30), "Ti": pow(2, 40), "Pi": pow(2, 50), "Ei": pow(2, 60),
}

func pow(base, exp int64) *big.Rat {
	return new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(base), big.NewInt(exp), nil))
}

// inUnitOf writes used and hard for a message in one unit, so they compare
// at a glance: cpu in cores ("253.9", "234 cores"); anything else in the
// unit of hard's suffix ("11520Mi" of "12Gi" → "11.25Gi", "12Gi"), or plain
// units when hard has none. Values keep up to 3 decimals, rounded half-up,
// trailing zeros dropped; more when 3 would make used read as equal to hard
// (or as 0) when it is not. A hard of 0 or in exponent form (1e3) leaves
// used as written.
func inUnitOf(name corev1.ResourceName, used, hard resource.Quantity) (string, string) {
	if isCPUResource(name) {
		h := decimal(rat(hard), 3)
		unit := " cores"
		if h == "1" {
			unit = " core"
		}
		return inUnit(used, hard, big.NewRat(1, 1)), h + unit
	}
	text := hard.String()
	suffix := strings.TrimLeft(text, "+-0123456789.")
	mult, ok := suffixMultipliers[suffix]
	if !ok || hard.Sign() == 0 {
		return used.String(), text
	}
	return inUnit(used, hard, mult) + suffix, text
}

// inUnit writes used divided by mult, with as few decimals (3 to 9) as keep
// its order against hard and its being non-zero.
func inUnit(used, hard resource.Quantity, mult *big.Rat) string {
	u, h := rat(used), rat(hard)
	v := new(big.Rat).Quo(u, mult)
	for d := 3; d <= 9; d++ {
		s := decimal(v, d)
		back, _ := new(big.Rat).SetString(s)
		back.Mul(back, mult)
		if back.Cmp(h) == u.Cmp(h) && (back.Sign() == 0) == (u.Sign() == 0) {
			return s
		}
	}
	return used.String()
}

// rat is q exactly, in base units.
func rat(q resource.Quantity) *big.Rat {
	r, ok := new(big.Rat).SetString(q.AsDec().String())
	if !ok {
		return new(big.Rat).SetFloat64(q.AsApproximateFloat64())
	}
	return r
}

// decimal writes r with at most d decimals, rounded half away from zero,
// without trailing zeros: 11.250 → "11.25", 2.000 → "2".
func decimal(r *big.Rat, d int) string {
	s := r.FloatString(d)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}
