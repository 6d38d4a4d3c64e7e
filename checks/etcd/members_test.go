package etcd

import (
	"testing"
)

func TestQuorum(t *testing.T) {
	// quorum = n/2 + 1 (integer division); tolerated = n - quorum.
	for n, want := range map[int][2]int{0: {0, 0}, 1: {1, 0}, 2: {2, 0}, 3: {2, 1}, 4: {3, 1}, 5: {3, 2}, 6: {4, 2}, 7: {4, 3}} {
		q, f := quorum(n)
		if q != want[0] || f != want[1] {
			t.Errorf("quorum(%d) = %d, %d; want %d, %d", n, q, f, want[0], want[1])
		}
	}
	if got := quorumText(3); got != "3 members: quorum 2, tolerates 1 failure" {
		t.Errorf("quorumText(3) = %q", got)
	}
}
