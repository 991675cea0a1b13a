package etcdraft

import (
	"fmt"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	kvop "github.com/simfuzz/simfuzz/harness/nodeapi/kv"
)

// logger adapts etcd/raft's Logger to the node's Env. etcd's default logger writes every
// state change to stderr and calls os.Exit on Fatal; a simulated node must do neither. Debug,
// info and warning lines are dropped (a campaign runs millions of them; formatting alone
// would dominate the run). Errors go to the trace. Fatal and Panic panic, which the harness
// reports as a failure of the node, with etcd's message.
type logger struct{ env nodeapi.Env }

func (logger) Debug(...any)            {}
func (logger) Debugf(string, ...any)   {}
func (logger) Info(...any)             {}
func (logger) Infof(string, ...any)    {}
func (logger) Warning(...any)          {}
func (logger) Warningf(string, ...any) {}

func (l logger) Error(v ...any) { l.env.Logf("etcd/raft error: %s", fmt.Sprint(v...)) }

func (l logger) Errorf(format string, v ...any) {
	l.env.Logf("etcd/raft error: "+format, v...)
}

func (logger) Fatal(v ...any) { panic("etcd/raft fatal: " + fmt.Sprint(v...)) }

func (logger) Fatalf(format string, v ...any) {
	panic("etcd/raft fatal: " + fmt.Sprintf(format, v...))
}

func (logger) Panic(v ...any) { panic("etcd/raft: " + fmt.Sprint(v...)) }

func (logger) Panicf(format string, v ...any) {
	panic("etcd/raft: " + fmt.Sprintf(format, v...))
}

// describeEntry renders an entry's data for TraceMessages: client commands decoded.
func describeEntry(data []byte) string {
	if c, err := decodeCommand(data); err == nil {
		return fmt.Sprintf("%s#%d %s %q %q", c.key.client, c.seq, kvop.Name(c.op.Kind),
			c.op.Key, c.op.Value)
	}
	return fmt.Sprintf("%q", data)
}
