package seed

import (
	"bufio"
	"compress/gzip"
	"errors"
	"io"

	"github.com/claimgraph/claimgraph/graph"
)

// Limits bound what reading one input may cost, so that a small
// compressed upload cannot expand into gigabytes (a decompression bomb).
// The zero value sets no bound but the fixed ones: MaxLineBytes for
// line-based formats, MaxWholeBytes and MaxJSONLDBytes for the formats
// read whole.
type Limits struct {
	// MaxDecompressed caps the bytes a gzip-compressed input may expand
	// to; 0 sets no cap.
	MaxDecompressed int64
	// MaxRatio caps how many times its compressed size a gzip-compressed
	// input may expand to, checked once RatioGrace bytes have come out;
	// 0 sets no cap. Text compresses about 5 to 20 times; a file of one
	// byte repeated compresses about 1000 times.
	MaxRatio int64
}

// Default limits.
const (
	// DefaultMaxRatio is the compression ratio refused by default.
	DefaultMaxRatio = 200
	// DefaultAPIMaxDecompressed is the decompressed size the API accepts
	// by default.
	DefaultAPIMaxDecompressed = 1 << 30
	// RatioGrace is how much an input may decompress to before MaxRatio
	// is checked: a short input may compress well.
	RatioGrace = 8 << 20
	// MaxLineBytes bounds one line of YAML, CSV and N-Quads.
	MaxLineBytes = 1 << 20
	// MaxWholeBytes bounds an input of a format read whole (YAML, CSV
	// through Import): parsed, it takes several times its size.
	MaxWholeBytes = 64 << 20
	// MaxJSONLDBytes bounds a JSON-LD input, which the JSON-LD processor
	// reads whole and expands many times over in memory.
	MaxJSONLDBytes = 16 << 20
)

// tooLarge returns the error of an input refused for its size.
func tooLarge(format string, args ...any) *graph.Error {
	return graph.Errorf(graph.TooLarge, format, args...)
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// gzipGuard reads a gzip stream and refuses to go past the limits.
type gzipGuard struct {
	gz   io.Reader
	in   *countingReader // the compressed bytes taken in
	out  int64           // the bytes given out
	lim  Limits
	name string
	err  error
}

func (g *gzipGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.gz.Read(p)
	g.out += int64(n)
	switch {
	case g.lim.MaxDecompressed > 0 && g.out > g.lim.MaxDecompressed:
		g.err = tooLarge("%s: the input expands to more than %d bytes once decompressed (the limit of --max-decompressed; raise it to read more)",
			g.name, g.lim.MaxDecompressed)
	case g.lim.MaxRatio > 0 && g.out > RatioGrace && g.out > g.lim.MaxRatio*max(g.in.n, 1):
		g.err = tooLarge("%s: the input expands to more than %d times its compressed size (%d bytes from %d), as decompression bombs do (the limit of --max-ratio; raise it, or 0 to turn it off, to read it)",
			g.name, g.lim.MaxRatio, g.out, g.in.n)
	}
	if g.err != nil {
		return 0, g.err
	}
	if err != nil && !errors.Is(err, io.EOF) {
		err = graph.Errorf(graph.Invalid, "%s: not gzip data: %v", g.name, err)
	}
	return n, err
}

// guardGzip decompresses r within lim.
func guardGzip(r io.Reader, name string, lim Limits) (io.Reader, error) {
	in := &countingReader{r: r}
	br := bufio.NewReader(in)
	gz, err := gzip.NewReader(br)
	if err != nil {
		return nil, graph.Errorf(graph.Invalid, "%s: not gzip data: %v", name, err)
	}
	return &gzipGuard{gz: gz, in: in, lim: lim, name: name}, nil
}

// readWhole reads an input of a format read whole, up to max bytes and,
// when lines is set, with no line longer than MaxLineBytes.
func readWhole(r io.Reader, name string, max int64, lines bool) ([]byte, error) {
	if lines {
		r = &lineGuard{r: r, name: name}
	}
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, inputReadError(name, err)
	}
	if int64(len(data)) > max {
		return nil, tooLarge("%s: the input is larger than %d bytes, the most this format is read whole; split it into several files", name, max)
	}
	return data, nil
}

// inputReadError is the error of a failed read of an input: a
// *graph.Error (a limit, a bad compressed stream) as it is, anything else
// as Invalid.
func inputReadError(name string, err error) error {
	var ge *graph.Error
	if errors.As(err, &ge) {
		return err
	}
	return graph.Errorf(graph.Invalid, "%s: read: %v", name, err)
}

// lineGuard passes a stream on and fails at the first line longer than
// MaxLineBytes, so that a huge line is refused before it is buffered.
type lineGuard struct {
	r    io.Reader
	name string
	line int   // lines ended so far
	run  int64 // bytes of the current line so far
}

func (g *lineGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	for _, b := range p[:n] {
		if b == '\n' {
			g.line++
			g.run = 0
			continue
		}
		g.run++
		if g.run > MaxLineBytes {
			return 0, lineTooLong(g.name, g.line+1)
		}
	}
	return n, err
}

func lineTooLong(name string, line int) *graph.Error {
	return tooLarge("%s:%d:1: line longer than %d bytes, the most a line may hold", name, line, MaxLineBytes)
}
