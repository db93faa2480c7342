//go:build unix

package bot

import (
	"syscall"
	"time"
)

// processCPU is the CPU time the process used so far (user and system).
// On a shared machine a benchmark's wall time per op mostly measures the
// neighbours; its CPU time per op is what decides throughput on 2 cores.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
