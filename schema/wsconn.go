package schema

import (
	"bufio"
	"net"
	"net/http"
	"strconv"
)

// The WebSocket library frames each message and writes it to the socket
// on its own: a subscriber with several events waiting would cost a system
// call per event, and each message a pass through the library's locks and
// buffers. The events of a subscription go out another way: their frames
// are built here, end to end in one buffer, and written to the connection
// below the library with one write (see wsConn.writeBatch), so that a
// backlog costs one system call and the client wakes once for it. Every
// other message still goes through the library; wsConn.wmu keeps the two
// from writing at once, and a frame of the library (a pong, a close) is
// written whole, in one write, since its buffer is emptied after each.

// hijackRecorder is the ResponseWriter a WebSocket is accepted on: it
// keeps the connection its Hijack hands the library.
type hijackRecorder struct {
	http.ResponseWriter
	rc   *http.ResponseController
	conn net.Conn
}

func (w *hijackRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	nc, brw, err := w.rc.Hijack()
	if err != nil {
		return nil, nil, err
	}
	w.conn = nc
	return nc, brw, nil
}

// appendTextFrame appends a final, unmasked text frame holding the n bytes
// that the caller appends next (RFC 6455, section 5.2): its header only.
func appendTextFrame(b []byte, n int) []byte {
	const finText = 0x80 | 0x1
	switch {
	case n < 126:
		return append(b, finText, byte(n))
	case n <= 0xffff:
		return append(b, finText, 126, byte(n>>8), byte(n))
	default:
		return append(b, finText, 127, byte(n>>56), byte(n>>48), byte(n>>40), byte(n>>32), byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
}

// nextPrefix is the start of a next message of the operation id; its
// payload and a closing brace follow.
func nextPrefix(id string) []byte {
	b := append([]byte(`{"id":`), strconv.Quote(id)...)
	return append(b, `,"type":"next","payload":`...)
}
