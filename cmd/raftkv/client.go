package main

import (
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/simfuzz/simfuzz/fuzz/jepsen"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/kv"
	"github.com/simfuzz/simfuzz/harness/realrt"
	"github.com/simfuzz/simfuzz/raft"
)

// maxClientTimeout bounds --timeout: a client that waits longer is a hung script.
const maxClientTimeout = 10 * time.Minute

// parseOp reads the operation words of the client command.
func parseOp(words []string) (nodeapi.Op, error) {
	if len(words) == 0 {
		return nodeapi.Op{}, usagef("no operation (want put K V | get K | append K V | " +
			"cas K OLD NEW | delete K)")
	}
	arity := map[string]int{"get": 1, "delete": 1, "put": 2, "append": 2, "cas": 3}
	kinds := map[string]nodeapi.Kind{"get": kv.Get, "delete": kv.Delete, "put": kv.Put,
		"append": kv.Append, "cas": kv.CAS}
	name := strings.ToLower(words[0])
	n, ok := arity[name]
	if !ok {
		return nodeapi.Op{}, usagef("unknown operation %q (want put, get, append, cas or "+
			"delete)", words[0])
	}
	if len(words)-1 != n {
		return nodeapi.Op{}, usagef("%s takes %d argument(s), got %d", name, n, len(words)-1)
	}
	op := nodeapi.Op{Kind: kinds[name], Key: words[1]}
	switch name {
	case "put", "append":
		op.Value = words[2]
	case "cas":
		op.Expect, op.Value = words[2], words[3]
	}
	if op.Key == "" {
		return op, usagef("empty key")
	}
	return op, nil
}

func cmdClient(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("raftkv client", flag.ContinueOnError)
	fs.SetOutput(stderr)
	peersFlag := fs.String("peers", "", "the servers: id=host:port,id=host:port,...")
	timeout := fs.Duration("timeout", 5*time.Second,
		"give up (exit 2) when no leader answered within this long")
	var tf jepsen.TLSFlags
	tf.Register(fs)
	if err := parseFlags(fs, args); err != nil {
		return report(stderr, "client", err)
	}
	peers, err := jepsen.ParsePeers(*peersFlag)
	if err != nil {
		return report(stderr, "client", usagef("--peers: %v", err))
	}
	if *timeout <= 0 || *timeout > maxClientTimeout {
		return report(stderr, "client", usagef("--timeout must be in (0, %v]", maxClientTimeout))
	}
	op, err := parseOp(fs.Args())
	if err != nil {
		return report(stderr, "client", err)
	}
	sec, err := tf.Load("")
	if err != nil {
		return report(stderr, "client", usageError{err.Error()})
	}
	out, unrouted, err := invokeOnce(peers, op, *timeout, sec)
	if err != nil {
		return report(stderr, "client", err)
	}
	if out.Unknown {
		fmt.Fprintf(stderr, "raftkv client: %s\n", jepsen.NoAnswer(*timeout, peers, unrouted,
			kv.Name(op.Kind)))
		return exitUsage
	}
	return printResult(stdout, stderr, op, out.Result)
}

// invokeOnce runs one operation through raft's client on a fresh endpoint; it also returns
// the servers the client was sent to without an address (a leader outside peers).
func invokeOnce(peers jepsen.Peers, op nodeapi.Op, timeout time.Duration,
	sec *realrt.TLS) (nodeapi.Outcome, []nodeapi.NodeID, error) {
	cfg := raft.DefaultConfig()
	cfg.OperationTimeout = timeout
	cfg.AttemptTimeout = min(cfg.AttemptTimeout, timeout)
	sys, err := raft.NewSystem(cfg)
	if err != nil {
		return nodeapi.Outcome{}, nil, err
	}
	// A fresh, unique client ID per invocation: the servers key write sessions by it.
	id := nodeapi.NodeID(fmt.Sprintf("cli-%d-%08x", os.Getpid(), rand.Uint32()))
	c, err := jepsen.NewClient(jepsen.ClientOptions{ID: id, Peers: peers, System: sys,
		Guard: timeout + 5*time.Second, TLS: sec})
	if err != nil {
		return nodeapi.Outcome{}, nil, err
	}
	defer c.Close()
	out := c.Do(op)
	return out, c.Unrouted(), nil
}

// printResult prints what the operation returned: a read's value on stdout; a missing key
// or a failed cas is a negative answer (exit 1), not an error.
func printResult(stdout, stderr io.Writer, op nodeapi.Op, res nodeapi.Result) int {
	switch op.Kind {
	case kv.Get:
		if !res.Found {
			fmt.Fprintf(stderr, "%s: not found\n", op.Key)
			return exitFailure
		}
		fmt.Fprintln(stdout, res.Value)
	case kv.CAS:
		if !res.OK {
			fmt.Fprintf(stderr, "cas %s: the value is not %q; nothing changed\n", op.Key,
				op.Expect)
			return exitFailure
		}
		fmt.Fprintln(stdout, "ok")
	default:
		fmt.Fprintln(stdout, "ok")
	}
	return exitOK
}
