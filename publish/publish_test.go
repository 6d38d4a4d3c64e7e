package publish

import (
	"context"
	"errors"
	"strings"
	"testing"
)

type fakeTarget struct {
	name string
	err  error
	got  int
}

func (f *fakeTarget) Name() string { return f.name }
func (f *fakeTarget) Publish(context.Context, *Run) error {
	f.got++
	return f.err
}

// A failing target does not stop the next one, and its error names it.
func TestAllPublishesPastAFailure(t *testing.T) {
	down := &fakeTarget{name: "pushgateway http://x", err: errors.New("connection refused")}
	cm := &fakeTarget{name: "configmap a/b"}
	var msgs []string
	err := All(context.Background(), []Target{down, cm}, &Run{}, func(s string) { msgs = append(msgs, s) })
	if err == nil || !strings.Contains(err.Error(), "publish to pushgateway http://x: connection refused") {
		t.Fatalf("err = %v", err)
	}
	if cm.got != 1 || len(msgs) != 1 || !strings.Contains(msgs[0], "configmap a/b") {
		t.Fatalf("configmap published %d times, progress %q", cm.got, msgs)
	}
}

// An interrupted run publishes nothing more.
func TestAllStopsWhenInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cm := &fakeTarget{name: "configmap a/b"}
	if err := All(ctx, []Target{cm}, &Run{}, nil); !errors.Is(err, context.Canceled) || cm.got != 0 {
		t.Fatalf("err = %v, published %d", err, cm.got)
	}
}
