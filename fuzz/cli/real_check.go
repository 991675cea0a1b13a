package cli

import (
	"fmt"

	"github.com/simfuzz/simfuzz/fuzz/jepsen"
)

const checkUsage = `usage: simfuzz check [--target T] [--time D] [--seed S] [--nodes N]
                     [--clients N] [--lazy-disk] [--faults KIND,...] [--tls] [--containers]
                     [--out DIR] [--binary PATH]

Jepsen mode: starts N real server processes of the target (this executable, run as
'server'), runs closed-loop clients of the target's own client and workload against them
while a nemesis injects real faults (kill -9, SIGSTOP/SIGCONT, partitions and one-way cuts
through the servers' drop tables, message loss, slow disks, failing syncs, lag-crash), heals
everything, then checks the wall-clock history with the target's porcupine model. It writes
report.txt, history.html and history.json (and the servers' logs) under --out.

A real run is not replayable by seed: the seed fixes the fault schedule and the operations,
not the timing of real processes. Exit 0 nothing found, 1 found, 2 bad input or a harness
error, 130 interrupted (every server is stopped; the partial history and report are kept).

flags:
`

func (a *app) cmdCheck(args []string) error {
	fs := a.newFlags("check", checkUsage)
	resolve := a.targetFlag(fs)
	var f jepsen.CheckFlags
	f.Register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	tg, err := resolve()
	if err != nil {
		return err
	}
	o, err := f.Options(fs.Args(), "simfuzz-check", a.stderr)
	if err != nil {
		return usagef("check: %v", err)
	}
	o.Target, o.ServerArgs = tg, serverArgs(tg)
	fmt.Fprintf(a.stderr, "%s check: target %s, %d servers, %d clients, %v, seed %d, lazy "+
		"disk %v, TLS %v; output in %s\n", a.prog(), tg.Name, o.Nodes, o.Clients, o.Time,
		o.Seed, o.LazyDisk, o.TLS, o.OutDir)
	ctx, stop := a.interruptContext()
	defer stop()
	res, err := jepsen.Check(ctx, o)
	if err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, jepsen.Summary(a.prog()+" check", res))
	switch {
	case res.Failed():
		return errFound
	case res.Interrupted:
		return errInterrupted
	}
	return nil
}
