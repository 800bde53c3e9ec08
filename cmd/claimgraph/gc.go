package main

import (
	"bytes"
	"flag"
	"fmt"
	"log/slog"
	"math"
	"os"
	"runtime/debug"
	"strconv"
)

// The garbage collector under serve
//
// What serve keeps in memory — the read cache, the path index, the name
// index — is most of its heap and lives as long as the process, while a
// query leaves a few kilobytes of garbage. With Go's default GOGC=100 the
// collector runs each time the garbage reaches the size of the live heap
// and marks all of that live heap again, so most of its work is marking
// indexes that have not changed, and a request that allocates while it
// runs pays for some of it. A higher percentage lets more garbage pile up
// between collections: each costs the same, and there are fewer. The soft
// memory limit bounds what that costs in memory: as the heap nears it, the
// collector runs as often as it must to stay under it.

// defaultGCPercent is serve's GOGC unless told otherwise: Go's own. A
// higher one collects less often for a heap that many times the live one,
// which on a large store (a live heap of gigabytes) is more memory than an
// operator should find taken without asking; --gc-percent makes the trade.
const defaultGCPercent = 100

// gcConfig is the collector's settings of serve: percent is GOGC, limit
// the soft memory limit in bytes (GOMEMLIMIT); set records which of them
// were given (as flags or CLAIMGRAPH_ variables).
type gcConfig struct {
	percent           int
	limit             int64
	percentSet        bool
	limitSet          bool
	envGOGC, envLimit string
}

// register adds --gc-percent and --memory-limit to fs.
func (c *gcConfig) register(fs *flag.FlagSet, getenv func(string) string) {
	c.envGOGC, c.envLimit = getenv("GOGC"), getenv("GOMEMLIMIT")
	c.percent, c.limit = defaultGCPercent, -1
	if v := getenv("CLAIMGRAPH_GC_PERCENT"); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			c.percent, c.percentSet = n, true
		}
	}
	if v := getenv("CLAIMGRAPH_MEMORY_LIMIT"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			c.limit, c.limitSet = n, true
		}
	}
	fs.Func("gc-percent", fmt.Sprintf("heap growth, in `percent` of the live heap, before the garbage collector runs again, as GOGC; "+
		"default %d, Go's own; serve's live heap is mostly indexes that do not change, so a higher percentage collects less often, for a heap that many times larger "+
		"(env CLAIMGRAPH_GC_PERCENT; GOGC, when set, is kept unless this is given)", defaultGCPercent), func(s string) error {
		n, err := strconv.Atoi(s)
		if err != nil || n < -1 {
			return fmt.Errorf("want a percentage ≥ 0, or -1 for no collection short of the memory limit")
		}
		c.percent, c.percentSet = n, true
		return nil
	})
	fs.Func("memory-limit", "soft limit of the Go heap in `bytes`, as GOMEMLIMIT: the collector runs more often as the heap nears it; "+
		"0 sets none; the default is 90% of the container's memory limit, or half the machine's memory "+
		"(env CLAIMGRAPH_MEMORY_LIMIT; GOMEMLIMIT, when set, is kept unless this is given)", func(s string) error {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return fmt.Errorf("want a number of bytes ≥ 0")
		}
		c.limit, c.limitSet = n, true
		return nil
	})
}

// settings returns the GOGC percentage and memory limit to set, each with
// false when the runtime's own (from GOGC or GOMEMLIMIT) is kept. memory
// gives the default limit's base (see defaultMemoryLimit).
func (c *gcConfig) settings(memory func() int64) (percent int, setPercent bool, limit int64, setLimit bool) {
	percent, setPercent = c.percent, c.percentSet || c.envGOGC == ""
	switch {
	case c.limitSet:
		limit, setLimit = c.limit, true
	case c.envLimit == "":
		limit, setLimit = memory(), true
	}
	if setLimit && limit == 0 {
		limit = math.MaxInt64 // none
	}
	return percent, setPercent, limit, setLimit
}

// apply sets the collector's settings and logs them.
func (c *gcConfig) apply(log *slog.Logger) {
	percent, setPercent, limit, setLimit := c.settings(func() int64 { return defaultMemoryLimit(os.ReadFile) })
	if setPercent {
		debug.SetGCPercent(percent)
	}
	if setLimit {
		debug.SetMemoryLimit(limit)
	}
	// Read back what holds, whoever set it.
	percent = debug.SetGCPercent(-1)
	debug.SetGCPercent(percent)
	limit = debug.SetMemoryLimit(-1)
	attrs := []any{"gc_percent", percent}
	if limit != math.MaxInt64 {
		attrs = append(attrs, "memory_limit_bytes", limit)
	}
	log.Info("garbage collector", attrs...)
}

// defaultMemoryLimit is the soft memory limit serve sets unless told
// otherwise: 90% of the cgroup's memory limit when the process runs under
// one (a container), else half of the machine's memory, read with
// readFile from Linux's /sys and /proc; 0 (none) when neither is known.
func defaultMemoryLimit(readFile func(string) ([]byte, error)) int64 {
	if b, err := readFile("/sys/fs/cgroup/memory.max"); err == nil {
		if n, err := strconv.ParseInt(string(bytes.TrimSpace(b)), 10, 64); err == nil && n > 0 {
			return n / 10 * 9
		}
	}
	b, err := readFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for line := range bytes.Lines(b) {
		// MemTotal:       24576000 kB
		if f := bytes.Fields(line); len(f) == 3 && string(f[0]) == "MemTotal:" && string(f[2]) == "kB" {
			if kb, err := strconv.ParseInt(string(f[1]), 10, 64); err == nil && kb > 0 {
				return kb * 1024 / 2
			}
		}
	}
	return 0
}
