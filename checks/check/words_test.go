package check

import (
	"testing"
	"time"
)

func TestHumanDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		45 * time.Second: "45s", 12 * time.Minute: "12m", 5*time.Hour + 10*time.Minute: "5h10m",
		26 * time.Hour: "26h", 76 * time.Hour: "3d4h", 72 * time.Hour: "3d",
	} {
		if got := HumanDuration(d); got != want {
			t.Errorf("HumanDuration(%s) = %s, want %s", d, got, want)
		}
	}
}
