package patch

import (
	"strconv"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/seaworthy-k8s/seaworthy/recommender"
)

// CPU formats millicores as Kubernetes writes them canonically: "250m",
// or whole cores without a suffix ("1", "2").
func CPU(millis int64) string {
	return resource.NewMilliQuantity(millis, resource.DecimalSI).String()
}

// Memory formats bytes in the largest binary unit that is exact ("512Mi",
// "2Gi"), else as plain bytes ("250000000"). Quantity's own canonical form
// would write 1000 bytes as "1k" and 1.5 GiB as "1536Mi"; plain bytes are
// kept for amounts that are not whole mebibytes so a reader never has to
// convert between decimal and binary prefixes.
func Memory(bytes int64) string {
	const mi, gi = 1 << 20, 1 << 30
	switch {
	case bytes != 0 && bytes%gi == 0:
		return strconv.FormatInt(bytes/gi, 10) + "Gi"
	case bytes != 0 && bytes%mi == 0:
		return strconv.FormatInt(bytes/mi, 10) + "Mi"
	default:
		return strconv.FormatInt(bytes, 10)
	}
}

// amountStrings are a's set fields as resource name → formatted quantity.
func amountStrings(a recommender.Amounts) map[string]string {
	m := map[string]string{}
	if a.CPUMillis != 0 {
		m[string(corev1.ResourceCPU)] = CPU(a.CPUMillis)
	}
	if a.MemoryBytes != 0 {
		m[string(corev1.ResourceMemory)] = Memory(a.MemoryBytes)
	}
	return m
}

// quantities are a's set fields as a ResourceList.
func quantities(a recommender.Amounts) corev1.ResourceList {
	l := corev1.ResourceList{}
	if a.CPUMillis != 0 {
		l[corev1.ResourceCPU] = *resource.NewMilliQuantity(a.CPUMillis, resource.DecimalSI)
	}
	if a.MemoryBytes != 0 {
		l[corev1.ResourceMemory] = *resource.NewQuantity(a.MemoryBytes, resource.BinarySI)
	}
	return l
}
