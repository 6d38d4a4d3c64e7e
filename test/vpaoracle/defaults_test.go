package vpaoracle

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seaworthy-k8s/seaworthy/recommender/vpa"
	"k8s.io/autoscaler/vertical-pod-autoscaler/pkg/recommender/model"
)

// TestDefaultsMatchVPASource: vpaDefaults (what the oracle builds VPA's
// estimators with) and vpa.DefaultConfig equal the literals of VPA's
// DefaultRecommenderConfig, read from recommender/config/config.go in the
// module cache.
func TestDefaultsMatchVPASource(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "k8s.io/autoscaler/vertical-pod-autoscaler").Output()
	if err != nil {
		t.Fatalf("locate vpa module: %v", err)
	}
	path := filepath.Join(strings.TrimSpace(string(out)), "pkg", "recommender", "config", "config.go")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read vpa config: %v", err)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, 0)
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	lits := map[string]string{} // field → literal source
	ast.Inspect(f, func(n ast.Node) bool {
		fd, ok := n.(*ast.FuncDecl)
		if !ok || fd.Name.Name != "DefaultRecommenderConfig" {
			return true
		}
		ast.Inspect(fd, func(n ast.Node) bool {
			if kv, ok := n.(*ast.KeyValueExpr); ok {
				if k, ok := kv.Key.(*ast.Ident); ok {
					lits[k.Name] = string(src[fset.Position(kv.Value.Pos()).Offset:fset.Position(kv.Value.End()).Offset])
				}
			}
			return true
		})
		return false
	})
	cfg := vpa.DefaultConfig()
	floats := map[string][2]float64{
		"SafetyMarginFraction":       {vpaDefaults.SafetyMarginFraction, cfg.SafetyMarginFraction},
		"PodMinCPUMillicores":        {vpaDefaults.PodMinCPUMillicores, cfg.PodMinCPUMillicores},
		"PodMinMemoryMb":             {vpaDefaults.PodMinMemoryMb, cfg.PodMinMemoryMb},
		"TargetCPUPercentile":        {vpaDefaults.TargetCPUPercentile, cfg.TargetCPUPercentile},
		"LowerBoundCPUPercentile":    {vpaDefaults.LowerBoundCPUPercentile, cfg.LowerBoundCPUPercentile},
		"UpperBoundCPUPercentile":    {vpaDefaults.UpperBoundCPUPercentile, cfg.UpperBoundCPUPercentile},
		"TargetMemoryPercentile":     {vpaDefaults.TargetMemoryPercentile, cfg.TargetMemoryPercentile},
		"LowerBoundMemoryPercentile": {vpaDefaults.LowerBoundMemoryPercentile, cfg.LowerBoundMemoryPercentile},
		"UpperBoundMemoryPercentile": {vpaDefaults.UpperBoundMemoryPercentile, cfg.UpperBoundMemoryPercentile},
		"RoundCPUMillicores":         {1, float64(cfg.RoundCPUMillicores)},
		"RoundMemoryBytes":           {1, float64(cfg.RoundMemoryBytes)},
	}
	for field, v := range floats {
		lit, ok := lits[field]
		if !ok {
			t.Errorf("%s: not in DefaultRecommenderConfig", field)
			continue
		}
		want, err := strconv.ParseFloat(lit, 64)
		if err != nil {
			t.Errorf("%s: literal %q: %v", field, lit, err)
			continue
		}
		if v[0] != want || v[1] != want {
			t.Errorf("%s: oracle %v, ours %v, VPA's source %v", field, v[0], v[1], want)
		}
	}
	durations := map[string][2]time.Duration{
		"ConfidenceIntervalCPU":    {vpaDefaults.ConfidenceIntervalCPU, cfg.ConfidenceIntervalCPU},
		"ConfidenceIntervalMemory": {vpaDefaults.ConfidenceIntervalMemory, cfg.ConfidenceIntervalMemory},
	}
	for field, v := range durations {
		if lits[field] != "24 * time.Hour" || v[0] != 24*time.Hour || v[1] != 24*time.Hour {
			t.Errorf("%s: oracle %v, ours %v, VPA's source %q", field, v[0], v[1], lits[field])
		}
	}
	if lits["HumanizeMemory"] != "false" || cfg.HumanizeMemory {
		t.Errorf("HumanizeMemory: ours %v, VPA's source %q", cfg.HumanizeMemory, lits["HumanizeMemory"])
	}
	for _, field := range []string{"MemoryAggregationInterval", "MemoryAggregationIntervalCount", "MemoryHistogramDecayHalfLife", "CpuHistogramDecayHalfLife", "OOMBumpUpRatio", "OOMMinBumpUp"} {
		if !strings.HasPrefix(lits[field], "model.Default") {
			t.Errorf("%s: VPA's default is %q, not the model constant TestModelConstants compares", field, lits[field])
		}
	}
}

// TestModelConstants: DefaultConfig's aggregation parameters are VPA's
// model constants, and its histograms have VPA's buckets, bit for bit.
func TestModelConstants(t *testing.T) {
	cfg := vpa.DefaultConfig()
	if cfg.MemoryAggregationInterval != model.DefaultMemoryAggregationInterval ||
		cfg.MemoryAggregationIntervalCount != model.DefaultMemoryAggregationIntervalCount ||
		cfg.MemoryHalfLife != model.DefaultMemoryHistogramDecayHalfLife ||
		cfg.CPUHalfLife != model.DefaultCPUHistogramDecayHalfLife ||
		cfg.OOMBumpUpRatio != model.DefaultOOMBumpUpRatio ||
		cfg.OOMMinBumpUp != model.DefaultOOMMinBumpUp {
		t.Errorf("aggregation defaults differ from VPA's model constants: %+v", cfg)
	}
	ac := model.NewAggregationsConfig(model.DefaultMemoryAggregationInterval, model.DefaultMemoryAggregationIntervalCount,
		model.DefaultMemoryHistogramDecayHalfLife, model.DefaultCPUHistogramDecayHalfLife,
		model.DefaultOOMBumpUpRatio, model.DefaultOOMMinBumpUp)
	for name, pair := range map[string]struct {
		ours vpa.HistogramOptions
		vpa  interface {
			NumBuckets() int
			GetBucketStart(int) float64
			Epsilon() float64
		}
	}{"cpu": {cfg.CPUHistogram, ac.CPUHistogramOptions}, "memory": {cfg.MemoryHistogram, ac.MemoryHistogramOptions}} {
		h, err := vpa.NewHistogram(pair.ours)
		if err != nil {
			t.Fatal(err)
		}
		// 176 = ceil(ln(1000·0.05/0.01 + 1)/ln 1.05) + 1 (the same for memory: 1e12·0.05/1e7 = 5000).
		if h.NumBuckets() != pair.vpa.NumBuckets() || h.NumBuckets() != 176 {
			t.Fatalf("%s: %d buckets, VPA %d", name, h.NumBuckets(), pair.vpa.NumBuckets())
		}
		if pair.ours.Epsilon != pair.vpa.Epsilon() {
			t.Errorf("%s: epsilon %v, VPA %v", name, pair.ours.Epsilon, pair.vpa.Epsilon())
		}
		for i := range h.NumBuckets() {
			if h.BucketStart(i) != pair.vpa.GetBucketStart(i) {
				t.Errorf("%s bucket %d: start %v, VPA %v", name, i, h.BucketStart(i), pair.vpa.GetBucketStart(i))
			}
		}
	}
}
