//go:build !linux

package jepsen

import (
	"os/exec"
	"syscall"
)

// serverProcAttr puts a server in its own process group (a terminal's ^C is the harness's
// only). Only Linux can have the kernel kill a server when the harness dies; elsewhere a
// harness killed with SIGKILL leaves its servers running.
func serverProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

// startProcess starts cmd.
func startProcess(cmd *exec.Cmd) error { return cmd.Start() }
