package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The feed mode's subscribers read with a client of their own, so that
// the generator spends little beside the server under measure: a message
// is a frame header read from a buffered connection and its payload read
// into a buffer reused from one message to the next (the WebSocket module
// takes a lock, a reader and a pass through its frame machinery per
// message). It speaks what the feed needs of RFC 6455 and checks it
// strictly: the handshake's accept key and subprotocol, frames the server
// must send unmasked, with no reserved bits, text messages (continued
// frames are joined), pings answered, a close frame ending the read with
// its code. Anything else is a protocol error.

// wsGUID is the key suffix of RFC 6455's handshake.
const wsGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// feedConn is one client WebSocket.
type feedConn struct {
	nc    net.Conn
	br    *bufio.Reader
	msg   []byte // the message read last, reused
	limit int
}

// closeError is the close frame that ended a read.
type closeError struct {
	code   int
	reason string
}

func (e *closeError) Error() string {
	return fmt.Sprintf("closed by the server: %d %s", e.code, e.reason)
}

// errProtocol is a frame or handshake the feed client refuses.
var errProtocol = errors.New("WebSocket protocol error")

// dialWS opens a WebSocket to the ws:// or http:// address raw with
// subprotocol protocol.
func dialWS(ctx context.Context, raw, protocol string) (*feedConn, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", u.Host)
	if err != nil {
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		nc.SetDeadline(dl)
	}
	var nonce [16]byte
	rand.Read(nonce[:])
	key := base64.StdEncoding.EncodeToString(nonce[:])
	path := u.RequestURI()
	req := "GET " + path + " HTTP/1.1\r\nHost: " + u.Host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: " + protocol + "\r\n\r\n"
	if _, err := io.WriteString(nc, req); err != nil {
		nc.Close()
		return nil, err
	}
	br := bufio.NewReaderSize(nc, 16<<10)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		nc.Close()
		return nil, err
	}
	sum := sha1.Sum([]byte(key + wsGUID))
	switch {
	case resp.StatusCode != http.StatusSwitchingProtocols:
		nc.Close()
		return nil, fmt.Errorf("the WebSocket upgrade was answered %s", resp.Status)
	case !strings.EqualFold(resp.Header.Get("Upgrade"), "websocket"),
		resp.Header.Get("Sec-WebSocket-Accept") != base64.StdEncoding.EncodeToString(sum[:]),
		resp.Header.Get("Sec-WebSocket-Protocol") != protocol:
		nc.Close()
		return nil, fmt.Errorf("%w: the upgrade's answer has the wrong Upgrade, accept key or subprotocol", errProtocol)
	}
	nc.SetDeadline(time.Time{})
	return &feedConn{nc: nc, br: br, limit: 1 << 20}, nil
}

// write sends one masked frame of opcode with payload p.
func (c *feedConn) write(opcode byte, p []byte) error {
	b := make([]byte, 0, len(p)+14)
	b = append(b, 0x80|opcode)
	switch n := len(p); {
	case n < 126:
		b = append(b, 0x80|byte(n))
	case n <= 0xffff:
		b = append(b, 0x80|126, byte(n>>8), byte(n))
	default:
		b = append(b, 0x80|127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	var mask [4]byte
	rand.Read(mask[:])
	b = append(b, mask[:]...)
	for i, x := range p {
		b = append(b, x^mask[i&3])
	}
	_, err := c.nc.Write(b)
	return err
}

// writeText sends a text message.
func (c *feedConn) writeText(p []byte) error { return c.write(0x1, p) }

// read returns the next text message; its bytes are good until the next
// read.
func (c *feedConn) read() ([]byte, error) {
	c.msg = c.msg[:0]
	started := false
	for {
		var h [2]byte
		if _, err := io.ReadFull(c.br, h[:]); err != nil {
			return nil, err
		}
		fin, opcode := h[0]&0x80 != 0, h[0]&0x0f
		if h[0]&0x70 != 0 || h[1]&0x80 != 0 {
			return nil, fmt.Errorf("%w: a frame with reserved bits or a mask from the server", errProtocol)
		}
		n := uint64(h[1] & 0x7f)
		switch n {
		case 126:
			var l [2]byte
			if _, err := io.ReadFull(c.br, l[:]); err != nil {
				return nil, err
			}
			n = uint64(binary.BigEndian.Uint16(l[:]))
		case 127:
			var l [8]byte
			if _, err := io.ReadFull(c.br, l[:]); err != nil {
				return nil, err
			}
			n = binary.BigEndian.Uint64(l[:])
		}
		if opcode >= 0x8 { // a control frame
			if !fin || n > 125 {
				return nil, fmt.Errorf("%w: a fragmented or long control frame", errProtocol)
			}
			var p [125]byte
			if _, err := io.ReadFull(c.br, p[:n]); err != nil {
				return nil, err
			}
			switch opcode {
			case 0x8:
				ce := &closeError{code: 1005}
				if n >= 2 {
					ce.code, ce.reason = int(binary.BigEndian.Uint16(p[:2])), string(p[2:n])
				}
				return nil, ce
			case 0x9:
				if err := c.write(0xa, p[:n]); err != nil {
					return nil, err
				}
			case 0xa:
			default:
				return nil, fmt.Errorf("%w: control frame opcode %#x", errProtocol, opcode)
			}
			continue
		}
		switch {
		case opcode == 0x1 && !started, opcode == 0x0 && started:
		default:
			return nil, fmt.Errorf("%w: data frame opcode %#x (a text message was started: %v)", errProtocol, opcode, started)
		}
		started = true
		if uint64(len(c.msg))+n > uint64(c.limit) {
			return nil, fmt.Errorf("%w: a message over %d bytes", errProtocol, c.limit)
		}
		start := len(c.msg)
		c.msg = append(c.msg, make([]byte, n)...)
		if _, err := io.ReadFull(c.br, c.msg[start:]); err != nil {
			return nil, err
		}
		if fin {
			return c.msg, nil
		}
	}
}

// close sends a normal close frame and closes the connection without
// waiting for the server's.
func (c *feedConn) close() {
	c.write(0x8, []byte{0x03, 0xe8}) // 1000
	c.nc.Close()
}

// closeNow closes the connection; a read under way ends with an error.
func (c *feedConn) closeNow() { c.nc.Close() }

// isNext reports whether msg starts as a next message of the operation id.
func isNext(msg []byte, id string) bool {
	return bytes.HasPrefix(msg, []byte(`{"id":"`+id+`","type":"next","payload":`))
}
