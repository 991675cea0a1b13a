package cli

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/fuzz/jepsen"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/model"
)

const clientUsage = `usage: simfuzz client --peers ID=HOST:PORT,... [--target T] [--timeout D]
                      KIND KEY [VALUE]          (key-value: cas KEY OLD NEW)

Runs one operation of the target's workload through the target's own client on the real
runtime, against running servers, and prints it with its outcome. Exit 0 when it was
answered, 2 when it got no answer within --timeout (it may or may not have taken effect)
or on bad input.

flags:
`

// maxClientTimeout bounds --timeout: a client that waits longer is a hung script.
const maxClientTimeout = 10 * time.Minute

func (a *app) cmdClient(args []string) error {
	fs := a.newFlags("client", clientUsage)
	resolve := a.targetFlag(fs)
	peersFlag := fs.String("peers", "", "the servers: id=host:port,id=host:port,...")
	timeout := fs.Duration("timeout", 10*time.Second, "give up (exit 2) when the client "+
		"has not answered within this long (the client gives up on its own after its "+
		"operation timeout)")
	var tf jepsen.TLSFlags
	tf.Register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	tg, err := resolve()
	if err != nil {
		return err
	}
	peers, err := jepsen.ParsePeers(*peersFlag)
	if err != nil {
		return usagef("--peers: %v", err)
	}
	if *timeout <= 0 || *timeout > maxClientTimeout {
		return usagef("--timeout must be in (0, %v], got %v", maxClientTimeout, *timeout)
	}
	op, err := parseClientOp(tg, fs.Args())
	if err != nil {
		return err
	}
	sec, err := tf.Load("")
	if err != nil {
		return usagef("%v", err)
	}
	return a.invoke(tg, peers, op, *timeout, jepsen.ClientOptions{TLS: sec})
}

// invoke runs op on a fresh client endpoint and prints the outcome.
func (a *app) invoke(tg fuzz.Target, peers jepsen.Peers, op nodeapi.Op,
	timeout time.Duration, o jepsen.ClientOptions) error {
	sys, err := tg.NewSystem(nil)
	if err != nil {
		return err
	}
	// A fresh, unique client ID per invocation: servers may key write sessions by it.
	o.ID = nodeapi.NodeID(fmt.Sprintf("cli-%d-%08x", os.Getpid(), rand.Uint32()))
	o.Peers, o.System, o.Guard = peers, sys, timeout
	c, err := jepsen.NewClient(o)
	if err != nil {
		return err
	}
	defer c.Close()
	out := c.Do(op)
	w := workload(tg)
	if out.Unknown {
		return exitStatus{code: 2, msg: "client: " + jepsen.NoAnswer(timeout, peers,
			c.Unrouted(), w.KindName(op.Kind))}
	}
	fmt.Fprintln(a.stdout, w.Describe(op, out))
	return nil
}

// workload is tg's workload (model.KV when it names none).
func workload(tg fuzz.Target) *model.Workload {
	if tg.Workload == nil {
		return model.KV
	}
	return tg.Workload
}

// parseClientOp reads KIND KEY [VALUE] in the target's workload; a key-value cas is
// cas KEY OLD NEW.
func parseClientOp(tg fuzz.Target, words []string) (nodeapi.Op, error) {
	w := workload(tg)
	names := make([]string, len(w.Kinds))
	for i, k := range w.Kinds {
		names[i] = k.Name
	}
	if len(words) == 0 {
		return nodeapi.Op{}, usagef("no operation (want KIND KEY [VALUE]; kinds of %s: %s)",
			tg.Name, joinNames(names))
	}
	kind, err := w.ParseKind(strings.ToLower(words[0]))
	if err != nil {
		return nodeapi.Op{}, usagef("%v", err)
	}
	if len(tg.OpKinds) > 0 && !containsString(tg.OpKinds, w.KindName(kind)) {
		return nodeapi.Op{}, usagef("target %s does not speak %s (it speaks %s)", tg.Name,
			w.KindName(kind), joinNames(tg.OpKinds))
	}
	op := nodeapi.Op{Kind: kind}
	rest := words[1:]
	isCAS := w == model.KV && w.KindName(kind) == "cas"
	switch {
	case isCAS && len(rest) != 3:
		return op, usagef("cas takes KEY OLD NEW, got %d argument(s)", len(rest))
	case isCAS:
		op.Key, op.Expect, op.Value = rest[0], rest[1], rest[2]
	case len(rest) < 1 || len(rest) > 2:
		return op, usagef("%s takes KEY [VALUE], got %d argument(s)", words[0], len(rest))
	default:
		op.Key = rest[0]
		if len(rest) == 2 {
			op.Value = rest[1]
		}
	}
	if op.Key == "" {
		return op, usagef("empty key")
	}
	return op, nil
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
