//go:build linux

package jepsen

import (
	"os/exec"
	"runtime"
	"sync"
	"syscall"
)

// serverProcAttr puts a server in its own process group (a terminal's ^C is the harness's
// only) and has the kernel kill it when the harness dies, however it dies: a check
// interrupted by SIGKILL or a crash has no chance to stop its servers, which would go on
// holding their ports and data directories.
func serverProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// spawner starts server processes from one goroutine locked to its OS thread for the
// life of the process. Linux sends the parent-death signal when the thread that forked
// the child exits, not the process, and the Go runtime may end a thread; a thread that
// never unlocks never ends.
var spawner struct {
	once sync.Once
	reqs chan spawnReq
}

type spawnReq struct {
	cmd  *exec.Cmd
	done chan error
}

// startProcess starts cmd (whose SysProcAttr is serverProcAttr's) on the spawner thread.
func startProcess(cmd *exec.Cmd) error {
	spawner.once.Do(func() {
		spawner.reqs = make(chan spawnReq)
		go func() {
			runtime.LockOSThread() // never unlocked: see spawner
			for r := range spawner.reqs {
				r.done <- r.cmd.Start()
			}
		}()
	})
	done := make(chan error, 1)
	spawner.reqs <- spawnReq{cmd, done}
	return <-done
}
