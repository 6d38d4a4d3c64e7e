package patch

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/seaworthy-k8s/seaworthy/recommender"
)

// CPU formats millicores as recommender.FormatCPU does ("250m", "2").
func CPU(millis int64) string { return recommender.FormatCPU(millis) }

// Memory formats bytes as recommender.FormatMemory does ("512Mi", "2Gi",
// else plain bytes).
func Memory(bytes int64) string { return recommender.FormatMemory(bytes) }

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
