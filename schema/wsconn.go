package schema

import (
	"bufio"
	"net"
	"net/http"
	"sync"
	"time"
)

// The WebSocket library writes each message to the socket as soon as it
// is framed: one system call per message. A subscriber that has several
// events waiting gets them framed one by one into the connection's buffer
// while it is corked, and sent with one write when it is uncorked, so that
// the cost of a backlog is one system call, not one per event (and the
// client wakes once for them, not once per event).

// corkingWriter is the ResponseWriter a WebSocket is accepted on: its
// Hijack hands the library a corkConn in place of the connection.
type corkingWriter struct {
	http.ResponseWriter
	rc   *http.ResponseController
	conn *corkConn
}

func (w *corkingWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	nc, brw, err := w.rc.Hijack()
	if err != nil {
		return nil, nil, err
	}
	if err := brw.Writer.Flush(); err != nil {
		nc.Close()
		return nil, nil, err
	}
	w.conn = &corkConn{Conn: nc}
	brw.Writer.Reset(w.conn)
	return w.conn, brw, nil
}

// corkConn is a connection whose writes can be held back and sent
// together.
type corkConn struct {
	net.Conn

	mu     sync.Mutex
	corked bool
	buf    []byte
}

// maxCorkBuffer is the largest buffer a corkConn keeps between batches.
const maxCorkBuffer = 256 << 10

func (c *corkConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	if c.corked {
		c.buf = append(c.buf, p...)
		c.mu.Unlock()
		return len(p), nil
	}
	c.mu.Unlock()
	return c.Conn.Write(p)
}

// cork holds back the writes that follow until uncork.
func (c *corkConn) cork() {
	c.mu.Lock()
	c.corked = true
	c.mu.Unlock()
}

// uncork ends the hold, and when send is set writes what was held back,
// in one write that must end by deadline (none when zero); otherwise it
// drops it. Only one goroutine corks and uncorks at a time.
func (c *corkConn) uncork(deadline time.Time, send bool) error {
	c.mu.Lock()
	c.corked = false
	buf := c.buf
	c.buf = nil
	c.mu.Unlock()
	var err error
	if send && len(buf) > 0 {
		if !deadline.IsZero() {
			if err = c.Conn.SetWriteDeadline(deadline); err != nil {
				return err
			}
		}
		_, err = c.Conn.Write(buf)
		if !deadline.IsZero() && err == nil {
			err = c.Conn.SetWriteDeadline(time.Time{})
		}
	}
	if cap(buf) <= maxCorkBuffer {
		c.mu.Lock()
		if c.buf == nil {
			c.buf = buf[:0]
		}
		c.mu.Unlock()
	}
	return err
}
