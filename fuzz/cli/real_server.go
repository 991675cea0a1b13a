package cli

import (
	"strings"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/fuzz/jepsen"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

const serverUsage = `usage: simfuzz server --id ID --peers ID=HOST:PORT,... --data DIR [--target T]
                      [--admin HOST:PORT] [--lazy-disk] [--cluster NAME] [--tls-ca F ...]

Runs one node of a target's system as a real process on the real runtime (TCP, files with
fsync, the wall clock): the node code the simulated world tests. The data directory records
the node, cluster and target it belongs to at the first start and refuses any other later
(exit 2). The admin endpoint (status, drop table, disk faults) is what check drives; it
listens on loopback unless --admin-public (which needs --admin-token). SIGTERM or SIGINT
stops the server cleanly (exit 0); a node that failed for good exits 1.

flags:
`

func (a *app) cmdServer(args []string) error {
	fs := a.newFlags("server", serverUsage)
	resolve := a.targetFlag(fs)
	var f jepsen.ServerFlags
	f.Register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	tg, err := resolve()
	if err != nil {
		return err
	}
	o, err := f.Options(fs.Args())
	if err != nil {
		return usagef("server: %v", err)
	}
	o.System, o.Log = tg.Name, a.stderr
	o.New = func() (nodeapi.System, error) { return tg.NewSystem(nil) }
	// Signals are watched before the server says it is listening: a SIGTERM sent as soon as
	// that line appears ends it cleanly (Serve returns at once for a cancelled context)
	// instead of killing it by the default action.
	ctx, stop := a.interruptContext()
	defer stop()
	s, err := jepsen.StartServer(o)
	if err != nil {
		return usagef("server %s: %v", o.ID, err)
	}
	if code := s.Serve(ctx); code != 0 {
		return exitStatus{code: code}
	}
	return nil
}

// serverArgs are the arguments that make this command a server of tg (check and bench
// start this executable with them, then the per-node flags).
func serverArgs(tg fuzz.Target) []string {
	args := []string{"server", "--target", tg.Name}
	if tg.Variant != "" {
		args = append(args, "--variant", tg.Variant)
	}
	return args
}

// joinNames joins names for a message.
func joinNames(names []string) string { return strings.Join(names, ", ") }
