package ops

import (
	"io/fs"
	"math"
	"strconv"
	"strings"
)

// CgroupMemoryLimit reads the container's memory limit from the cgroup
// filesystem (fsys rooted at /sys/fs/cgroup): v2's memory.max, else v1's
// memory/memory.limit_in_bytes. ok is false when there is no limit or no
// cgroup to read.
//
// The Go runtime does not know the container's limit: without a soft limit
// (GOMEMLIMIT) a heap that grows near it is collected too late and the
// container is killed. serve sets the soft limit from this when the
// environment did not set GOMEMLIMIT.
func CgroupMemoryLimit(fsys fs.FS) (limit int64, ok bool) {
	for _, name := range []string{"memory.max", "memory/memory.limit_in_bytes"} {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			continue
		}
		v := strings.TrimSpace(string(data))
		n, err := strconv.ParseInt(v, 10, 64)
		// "max" (v2), or v1's "no limit", a page-rounded MaxInt64.
		if err != nil || n <= 0 || n >= math.MaxInt64/2 {
			return 0, false
		}
		return n, true
	}
	return 0, false
}

// SoftMemoryLimit is the GOMEMLIMIT to run with inside a container limit:
// 90%, leaving room for what the runtime does not count (stacks in use,
// the binary, the kernel's buffers).
func SoftMemoryLimit(containerLimit int64) int64 { return containerLimit / 10 * 9 }
