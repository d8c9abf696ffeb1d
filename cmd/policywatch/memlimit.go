package main

import (
	"io/fs"
	"os"
	"path"
	"runtime/debug"
	"strconv"
	"strings"
)

// followContainerMemoryLimit gives Go's collector the memory limit of the
// container policywatch runs in, when GOMEMLIMIT does not set one: a
// cgroup limit alone is invisible to Go, so a bulk load (which builds two
// index batches at once and collects at three times the live heap) could
// grow past it and be killed, where with the limit known it builds one
// batch at a time and collects harder near it. A tenth of the limit is
// left for what Go does not count: the mapped index, SQLite's cache.
func followContainerMemoryLimit() {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	self, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return
	}
	if limit := cgroupMemoryLimit(string(self), os.DirFS("/sys/fs/cgroup")); limit > 0 {
		debug.SetMemoryLimit(limit / 10 * 9)
	}
}

// cgroupMemoryLimit is the memory limit in bytes of the cgroup that self
// (the text of /proc/self/cgroup) names, read from cgroups (the
// /sys/fs/cgroup hierarchy): cgroup v2's memory.max, else cgroup v1's
// memory.limit_in_bytes; 0 when there is none. In a container the
// cgroup's own directory is often not visible and its files are at the
// root of the hierarchy, so that is read when the directory is not.
func cgroupMemoryLimit(self string, cgroups fs.FS) int64 {
	for _, line := range strings.Split(strings.TrimSpace(self), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		dir := strings.TrimPrefix(path.Clean("/"+parts[2]), "/")
		var root, file string
		switch {
		case parts[0] == "0" && parts[1] == "":
			root, file = ".", "memory.max"
		case hasController(parts[1], "memory"):
			root, file = "memory", "memory.limit_in_bytes"
		default:
			continue
		}
		own := path.Join(root, dir, file)
		if _, err := fs.Stat(cgroups, own); err != nil {
			own = path.Join(root, file)
		}
		if n := readLimit(cgroups, own); n > 0 {
			return n
		}
	}
	return 0
}

func hasController(list, name string) bool {
	for _, c := range strings.Split(list, ",") {
		if c == name {
			return true
		}
	}
	return false
}

// readLimit reads a limit file: a number of bytes, or "max" (v2) or a
// number near 2^63 (v1) for none.
func readLimit(cgroups fs.FS, name string) int64 {
	b, err := fs.ReadFile(cgroups, name)
	if err != nil {
		return 0
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil || n <= 0 || n >= 1<<62 {
		return 0
	}
	return n
}
