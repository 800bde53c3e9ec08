package movietest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// ScaleEnv names the environment variable that sets how many copies of the
// movie data the scaled benchmarks read (1 when unset).
const ScaleEnv = "CLAIMGRAPH_MOVIE_SCALE"

// Scale returns the scale factor ScaleEnv sets, 1 by default.
func Scale(tb testing.TB) int {
	tb.Helper()
	v := os.Getenv(ScaleEnv)
	if v == "" {
		return 1
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		tb.Fatalf("%s=%q: want a positive number", ScaleEnv, v)
	}
	return n
}

// ScaledData returns the path of a gzipped N-Quads file in dir holding
// the movie data n times over (see WriteScaled), written when missing.
func ScaledData(tb testing.TB, dir string, n int) string {
	tb.Helper()
	src := Data(tb)
	if n == 1 {
		return src
	}
	path := filepath.Join(dir, fmt.Sprintf("movies-x%d.nq.gz", n))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	if err := writeScaledFile(src, path, n); err != nil {
		tb.Fatalf("write the movie data ×%d: %v", n, err)
	}
	return path
}

func writeScaledFile(src, dst string, n int) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	gz, err := gzip.NewReader(bufio.NewReader(in))
	if err != nil {
		return err
	}
	data, err := io.ReadAll(gz)
	if err != nil {
		return err
	}
	tmp := dst + ".tmp"
	out, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			out.Close()
			os.Remove(tmp)
		}
	}()
	zw, err := gzip.NewWriterLevel(out, gzip.BestSpeed)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(zw, 1<<20)
	if _, err := WriteScaled(bw, data, n); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}

// WriteScaled writes the N-Quads lines of data n times to w: the first
// copy as it is, copy k (from 2) with every node suffixed "_xK" — the
// subject of every line, and the object of every line but the type
// lines (<type>), whose objects are the shared type nodes — so that the
// copies share no film, person or performance but the types. It returns
// the number of lines written.
func WriteScaled(w io.Writer, data []byte, n int) (int, error) {
	lines := 0
	var buf []byte
	for k := 1; k <= n; k++ {
		suffix := []byte("_x" + strconv.Itoa(k))
		for rest := data; len(rest) > 0; {
			line := rest
			if i := bytes.IndexByte(rest, '\n'); i >= 0 {
				line, rest = rest[:i], rest[i+1:]
			} else {
				rest = nil
			}
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			lines++
			if k == 1 {
				buf = append(append(buf[:0], line...), '\n')
			} else {
				buf = suffixLine(buf[:0], line, suffix)
			}
			if _, err := w.Write(buf); err != nil {
				return lines, err
			}
		}
	}
	return lines, nil
}

// suffixLine appends line to buf with its subject, and its object when
// that is a node and the predicate is not <type>, suffixed.
func suffixLine(buf, line, suffix []byte) []byte {
	s, rest := nodeTerm(line)
	buf = appendSuffixed(buf, s, suffix)
	rest = bytes.TrimLeft(rest, " \t")
	pEnd := bytes.IndexByte(rest, '>') + 1
	pred := rest[:pEnd]
	buf = append(append(buf, ' '), pred...)
	rest = bytes.TrimLeft(rest[pEnd:], " \t")
	if rest[0] == '"' || bytes.Equal(pred, []byte("<type>")) {
		return append(append(append(buf, ' '), rest...), '\n')
	}
	o, rest := nodeTerm(rest)
	buf = appendSuffixed(append(buf, ' '), o, suffix)
	return append(append(buf, rest...), '\n')
}

// nodeTerm splits an IRI or blank node term off the front of line.
func nodeTerm(line []byte) (term, rest []byte) {
	end := bytes.IndexAny(line, " \t")
	if line[0] == '<' {
		end = bytes.IndexByte(line, '>') + 1
	}
	return line[:end], line[end:]
}

func appendSuffixed(buf, term, suffix []byte) []byte {
	if term[0] == '<' {
		buf = append(buf, term[:len(term)-1]...)
		return append(append(buf, suffix...), '>')
	}
	return append(append(buf, term...), suffix...)
}
