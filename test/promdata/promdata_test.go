package promdata

import "testing"

// counterAt (where a file starts mid-history) must agree with the counter
// built sample by sample, resets included.
func TestCounterAtMatchesIteration(t *testing.T) {
	for _, c := range []int{0, 1, 5} {
		v := counterAt(c, 0)
		for k := 1; k < 3100; k++ {
			v = Counter(c, k, v)
			if got := counterAt(c, k); got != v {
				t.Fatalf("container %d sample %d: counterAt = %v, iterated %v", c, k, got, v)
			}
		}
	}
	// Container 1 restarts at samples 1000, 2000, ...: the counter is then
	// its increment alone, (1 + (31 + 17000) mod 97) / 64 = 57/64.
	if got := counterAt(1, 1000); got != 57.0/64 {
		t.Errorf("counter after the reset = %v, want 57/64", got)
	}
}
