package main

import (
	"errors"
	"flag"
	"io"
	"log/slog"
	"math"
	"runtime/debug"
	"testing"
)

func TestGCSettings(t *testing.T) {
	const machine = 8 << 30
	cases := []struct {
		name        string
		env         map[string]string
		args        []string
		wantPercent int
		setPercent  bool
		wantLimit   int64
		setLimit    bool
	}{
		{"defaults: serve's percentage and a limit from the machine", nil, nil, defaultGCPercent, true, machine, true},
		{"GOGC and GOMEMLIMIT are kept", map[string]string{"GOGC": "50", "GOMEMLIMIT": "1GiB"}, nil, defaultGCPercent, false, 0, false},
		{"flags override GOGC and GOMEMLIMIT", map[string]string{"GOGC": "50", "GOMEMLIMIT": "1GiB"}, []string{"--gc-percent", "150", "--memory-limit", "1000000"}, 150, true, 1000000, true},
		{"CLAIMGRAPH_ variables override GOGC and GOMEMLIMIT", map[string]string{"GOGC": "50", "GOMEMLIMIT": "1GiB", "CLAIMGRAPH_GC_PERCENT": "120", "CLAIMGRAPH_MEMORY_LIMIT": "2000000"}, nil, 120, true, 2000000, true},
		{"a limit of 0 sets none", nil, []string{"--memory-limit", "0"}, defaultGCPercent, true, math.MaxInt64, true},
		{"no collection short of the limit", nil, []string{"--gc-percent", "-1"}, -1, true, machine, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var gc gcConfig
			fs := flag.NewFlagSet("serve", flag.ContinueOnError)
			gc.register(fs, func(k string) string { return c.env[k] })
			if err := fs.Parse(c.args); err != nil {
				t.Fatal(err)
			}
			percent, setPercent, limit, setLimit := gc.settings(func() int64 { return machine })
			if setPercent != c.setPercent || (setPercent && percent != c.wantPercent) {
				t.Errorf("percent = %d (set %v), want %d (set %v)", percent, setPercent, c.wantPercent, c.setPercent)
			}
			if setLimit != c.setLimit || (setLimit && limit != c.wantLimit) {
				t.Errorf("limit = %d (set %v), want %d (set %v)", limit, setLimit, c.wantLimit, c.setLimit)
			}
		})
	}
}

func TestGCFlagsRefuseBadValues(t *testing.T) {
	for _, args := range [][]string{{"--gc-percent", "-5"}, {"--gc-percent", "lots"}, {"--memory-limit", "-1"}, {"--memory-limit", "1GiB"}} {
		t.Run(args[0]+" "+args[1], func(t *testing.T) {
			var gc gcConfig
			fs := flag.NewFlagSet("serve", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			gc.register(fs, func(string) string { return "" })
			if err := fs.Parse(args); err == nil {
				t.Errorf("%v accepted", args)
			}
		})
	}
}

func TestDefaultMemoryLimit(t *testing.T) {
	meminfo := "MemTotal:       16000000 kB\nMemFree:         1000000 kB\n"
	cases := []struct {
		name  string
		files map[string]string
		want  int64
	}{
		{"90% of the container's limit", map[string]string{"/sys/fs/cgroup/memory.max": "1000000000\n", "/proc/meminfo": meminfo}, 900000000},
		{"half the machine when the cgroup sets no limit", map[string]string{"/sys/fs/cgroup/memory.max": "max\n", "/proc/meminfo": meminfo}, 16000000 * 1024 / 2},
		{"half the machine outside a cgroup", map[string]string{"/proc/meminfo": meminfo}, 16000000 * 1024 / 2},
		{"none when nothing is known", nil, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			read := func(name string) ([]byte, error) {
				if s, ok := c.files[name]; ok {
					return []byte(s), nil
				}
				return nil, errors.New("no such file")
			}
			if got := defaultMemoryLimit(read); got != c.want {
				t.Errorf("limit = %d, want %d", got, c.want)
			}
		})
	}
}

func TestGCApplySetsTheRuntime(t *testing.T) {
	oldPercent, oldLimit := debug.SetGCPercent(100), debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { debug.SetGCPercent(oldPercent); debug.SetMemoryLimit(oldLimit) })
	var gc gcConfig
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	gc.register(fs, func(string) string { return "" })
	if err := fs.Parse([]string{"--gc-percent", "137", "--memory-limit", "1099511627776"}); err != nil {
		t.Fatal(err)
	}
	gc.apply(slog.New(slog.DiscardHandler))
	if got := debug.SetGCPercent(100); got != 137 {
		t.Errorf("GOGC = %d, want 137", got)
	}
	if got := debug.SetMemoryLimit(math.MaxInt64); got != 1<<40 {
		t.Errorf("memory limit = %d, want %d", got, int64(1<<40))
	}
}
