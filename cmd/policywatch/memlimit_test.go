package main

import (
	"testing"
	"testing/fstest"
)

// Under a container's memory limit, policywatch tells Go's collector
// (cgroup v2 and v1, seen from inside the container or from the host);
// without one it leaves Go unlimited.
func TestCgroupMemoryLimit(t *testing.T) {
	tests := []struct {
		name, self string
		files      fstest.MapFS
		want       int64
	}{
		{"v2 from the host", "0::/system.slice/policywatch.service\n",
			fstest.MapFS{"system.slice/policywatch.service/memory.max": {Data: []byte("1073741824\n")}}, 1 << 30},
		{"v2 inside a container", "0::/\n",
			fstest.MapFS{"memory.max": {Data: []byte("536870912\n")}}, 512 << 20},
		{"v2 path not visible", "0::/kubepods/pod1/abc\n",
			fstest.MapFS{"memory.max": {Data: []byte("536870912\n")}}, 512 << 20},
		{"v2 unlimited", "0::/user.slice\n",
			fstest.MapFS{"user.slice/memory.max": {Data: []byte("max\n")}}, 0},
		{"v1", "12:cpu,cpuacct:/docker/x\n9:memory:/docker/x\n",
			fstest.MapFS{"memory/docker/x/memory.limit_in_bytes": {Data: []byte("2147483648\n")}}, 2 << 30},
		{"v1 unlimited", "9:memory:/\n",
			fstest.MapFS{"memory/memory.limit_in_bytes": {Data: []byte("9223372036854771712\n")}}, 0},
		{"no memory cgroup", "1:name=systemd:/\n", fstest.MapFS{}, 0},
	}
	for _, tt := range tests {
		if got := cgroupMemoryLimit(tt.self, tt.files); got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, got, tt.want)
		}
	}
}
