package bench

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

func rusageTime(who int) time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(who, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// processCPU is the CPU time (user + system) of this process so far.
func processCPU() time.Duration { return rusageTime(unix.RUSAGE_SELF) }

// threadCPU is the CPU time of the calling OS thread; the caller must be
// locked to it (runtime.LockOSThread).
func threadCPU() time.Duration { return rusageTime(unix.RUSAGE_THREAD) }

// clockTick is USER_HZ, the unit of /proc/<pid>/stat times (100 on every
// Linux architecture Go supports).
const clockTick = 10 * time.Millisecond

// pidCPU reads the CPU time (utime + stime, all threads) of process pid
// from /proc/<pid>/stat. Its resolution is one clock tick (10 ms).
func pidCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	return parseStat(b)
}

// parseStat takes utime and stime (fields 14 and 15) from the contents of
// a /proc/<pid>/stat file. The command name (field 2) is in parentheses
// and may hold spaces or parentheses itself, so fields are counted from
// the last ')'.
func parseStat(b []byte) (time.Duration, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("bench: /proc stat without a command name")
	}
	f := bytes.Fields(b[i+1:]) // f[0] is field 3
	if len(f) < 13 {
		return 0, fmt.Errorf("bench: /proc stat with %d fields", len(f)+2)
	}
	var total time.Duration
	for _, s := range f[11:13] {
		n, err := strconv.ParseUint(string(s), 10, 63)
		if err != nil || n > uint64(1<<62)/uint64(clockTick) {
			return 0, fmt.Errorf("bench: /proc stat time %q", s)
		}
		total += time.Duration(n) * clockTick
	}
	return total, nil
}

// peerPID returns the process that created the listening socket uc is
// connected to (SO_PEERCRED).
func peerPID(uc *net.UnixConn) (int, error) {
	rc, err := uc.SyscallConn()
	if err != nil {
		return 0, err
	}
	var cred *unix.Ucred
	var serr error
	err = rc.Control(func(fd uintptr) {
		cred, serr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	})
	if err != nil {
		return 0, err
	}
	if serr != nil {
		return 0, serr
	}
	return int(cred.Pid), nil
}
