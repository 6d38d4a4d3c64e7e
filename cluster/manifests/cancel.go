package manifests

import (
	"context"
	"io"
)

// ctxReader is an io.Reader that gives up when its context is done.
// Each Read runs in a goroutine of its own, so that a read blocked on a
// terminal or a pipe that never closes is abandoned, not waited for: on
// cancellation Read returns ctx.Err() at once, and every later Read too.
// The abandoned read fills a buffer of the reader's own, never the
// caller's.
type ctxReader struct {
	ctx  context.Context
	r    io.Reader
	buf  []byte
	dead bool
}

// ctxReadMax bounds one read, and so the reader's own buffer.
const ctxReadMax = 1 << 20

type readResult struct {
	n   int
	err error
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if c.dead {
		return 0, c.ctx.Err()
	}
	if err := c.ctx.Err(); err != nil {
		c.dead = true
		return 0, err
	}
	if len(p) > ctxReadMax {
		p = p[:ctxReadMax]
	}
	if cap(c.buf) < len(p) {
		c.buf = make([]byte, len(p))
	}
	buf := c.buf[:len(p)]
	done := make(chan readResult, 1)
	go func() {
		n, err := c.r.Read(buf)
		done <- readResult{n, err}
	}()
	select {
	case res := <-done:
		copy(p, buf[:res.n])
		return res.n, res.err
	case <-c.ctx.Done():
		c.dead = true // the goroutine owns buf now
		return 0, c.ctx.Err()
	}
}

// checkReader is an io.Reader of a regular file, whose reads do not
// block: it checks the context before each read only.
type checkReader struct {
	ctx context.Context
	r   io.Reader
}

func (c checkReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
