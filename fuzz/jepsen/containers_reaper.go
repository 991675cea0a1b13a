package jepsen

import (
	"os"
	"os/exec"
	"syscall"
)

// reaperScript removes a run's containers, network and image ($1 is the run's name) unless
// it reads "done" first. Its stdin is a pipe only the harness holds, so the kernel closes it
// when the harness dies, however it dies, and the read ends.
const reaperScript = `read -r word
[ "$word" = done ] && exit 0
ids=$(docker ps -aq --filter "name=^$1-")
[ -n "$ids" ] && docker rm -f $ids
docker network rm "$1"
docker rmi -f "$1:check"
exit 0`

// reaper is the shell that cleans up after a harness killed outright (SIGKILL, a crash),
// which cannot run close: servers die with the harness (serverProcAttr), but a container
// outlives the docker CLI that started it.
type reaper struct {
	cmd  *exec.Cmd
	pipe *os.File // the write end; closing it without "done" sets the reaper off
}

// startReaper starts the reaper of run in its own process group (a terminal's ^C, which the
// harness handles by closing the run, does not reach it).
func startReaper(run string) (*reaper, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	cmd := exec.Command("sh", "-c", reaperScript, "simfuzz-reaper", run)
	cmd.Stdin = r
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		w.Close()
		return nil, err
	}
	return &reaper{cmd: cmd, pipe: w}, nil
}

// release tells the reaper that the run was cleaned up, and waits for it to exit.
func (r *reaper) release() {
	_, _ = r.pipe.WriteString("done\n")
	r.pipe.Close()
	_ = r.cmd.Wait()
}
