package main

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Serving under a memory limit (issue 17: a million documents within
// 1 GiB) is measured by running a query phase inside a memory cgroup of
// its own, below the cgroup this benchmark runs in: cgroup v2
// (memory.max) where the memory controller is enabled for children,
// else cgroup v1's memory controller (memory.limit_in_bytes). The
// kernel then keeps the phase's anonymous memory and the page cache it
// reads (the mapped index) within the limit, evicting index pages as
// needed, or kills the phase. Before the phase the index's files are
// dropped from the page cache (posix_fadvise), so their pages are read,
// and charged, inside the cgroup rather than found already cached by an
// earlier phase.
//
// Without a writable cgroup the phase runs with GOMEMLIMIT at the limit
// instead, which bounds only the Go heap; the report then says the limit
// was not enforced and gives the peak resident set, mapped index pages
// included, to compare.

// memCgroup is a cgroup made for one limited phase.
type memCgroup struct {
	dir string
	v2  bool
}

// newMemCgroup creates a child of this process's memory cgroup limited to
// limit bytes, or explains why it cannot.
func newMemCgroup(limit int64) (*memCgroup, error) {
	self, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return nil, fmt.Errorf("read /proc/self/cgroup: %w", err)
	}
	name := fmt.Sprintf("benchsearch-%d", os.Getpid())
	var v1Path, v2Path string
	for _, line := range strings.Split(strings.TrimSpace(string(self)), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		switch {
		case parts[0] == "0" && parts[1] == "":
			v2Path = parts[2]
		case strings.Contains(","+parts[1]+",", ",memory,"):
			v1Path = parts[2]
		}
	}
	var tried []string
	// cgroup v2: the unified hierarchy at /sys/fs/cgroup with the memory
	// controller available to our children.
	if v2Path != "" {
		parent := filepath.Join("/sys/fs/cgroup", v2Path)
		if ctl, err := os.ReadFile(filepath.Join(parent, "cgroup.subtree_control")); err == nil && hasWord(string(ctl), "memory") {
			cg := &memCgroup{dir: filepath.Join(parent, name), v2: true}
			if err := cg.create("memory.max", limit); err == nil {
				return cg, nil
			} else {
				tried = append(tried, err.Error())
			}
		} else {
			tried = append(tried, "cgroup v2: the memory controller is not enabled for "+parent)
		}
	}
	if v1Path != "" {
		cg := &memCgroup{dir: filepath.Join("/sys/fs/cgroup/memory", v1Path, name)}
		if err := cg.create("memory.limit_in_bytes", limit); err == nil {
			// With swap, cap memory+swap too, or the limit only moves pages to swap.
			if _, err := os.Stat(filepath.Join(cg.dir, "memory.memsw.limit_in_bytes")); err == nil {
				_ = os.WriteFile(filepath.Join(cg.dir, "memory.memsw.limit_in_bytes"), []byte(strconv.FormatInt(limit, 10)), 0o644)
			}
			return cg, nil
		} else {
			tried = append(tried, err.Error())
		}
	}
	if len(tried) == 0 {
		tried = append(tried, "no memory cgroup in /proc/self/cgroup")
	}
	return nil, errors.New(strings.Join(tried, "; "))
}

func hasWord(s, w string) bool {
	for _, f := range strings.Fields(s) {
		if f == w {
			return true
		}
	}
	return false
}

func (c *memCgroup) create(limitFile string, limit int64) error {
	if err := os.Mkdir(c.dir, 0o755); err != nil {
		return fmt.Errorf("create cgroup %s: %w", c.dir, err)
	}
	if err := os.WriteFile(filepath.Join(c.dir, limitFile), []byte(strconv.FormatInt(limit, 10)), 0o644); err != nil {
		os.Remove(c.dir)
		return fmt.Errorf("set %s in %s: %w", limitFile, c.dir, err)
	}
	return nil
}

// command returns the command line that runs name with args inside the
// cgroup: a shell writes its own PID into cgroup.procs, then execs the
// command, so nothing of the phase runs outside the limit.
func (c *memCgroup) command(name string, args ...string) (string, []string) {
	return "/bin/sh", append([]string{"-c", `echo $$ > "$0" && exec "$@"`, filepath.Join(c.dir, "cgroup.procs"), name}, args...)
}

// usage reports the cgroup's peak memory use (0 where the kernel keeps
// none) and how many times the kernel killed a process for the limit.
func (c *memCgroup) usage() (peak uint64, oomKills uint64) {
	read := func(name string) string {
		b, _ := os.ReadFile(filepath.Join(c.dir, name))
		return strings.TrimSpace(string(b))
	}
	if c.v2 {
		peak, _ = strconv.ParseUint(read("memory.peak"), 10, 64)
		for _, line := range strings.Split(read("memory.events"), "\n") {
			if f := strings.Fields(line); len(f) == 2 && f[0] == "oom_kill" {
				oomKills, _ = strconv.ParseUint(f[1], 10, 64)
			}
		}
		return peak, oomKills
	}
	peak, _ = strconv.ParseUint(read("memory.max_usage_in_bytes"), 10, 64)
	sc := bufio.NewScanner(strings.NewReader(read("memory.oom_control")))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 2 && f[0] == "oom_kill" {
			oomKills, _ = strconv.ParseUint(f[1], 10, 64)
		}
	}
	return peak, oomKills
}

// remove deletes the cgroup (it must be empty: the phase has ended).
func (c *memCgroup) remove() error {
	if err := os.Remove(c.dir); err != nil {
		return fmt.Errorf("remove cgroup %s: %w", c.dir, err)
	}
	return nil
}

// evictFiles drops every file under dirs from the page cache, so a
// limited phase reads (and is charged for) the index itself.
func evictFiles(dirs ...string) error {
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return err
			}
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			if err := unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
				return fmt.Errorf("drop %s from the page cache: %w", path, err)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// parseBytes reads a size such as 1GiB, 512MiB or a number of bytes.
func parseBytes(s string) (int64, error) {
	s = strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSuffix(s, u.suffix), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a size (e.g. 1GiB, 512MiB)", s)
	}
	return n * mult, nil
}
