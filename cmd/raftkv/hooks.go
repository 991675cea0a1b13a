package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/simfuzz/simfuzz/fuzz/jepsen"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
	"github.com/simfuzz/simfuzz/harness/realrt"
	"github.com/simfuzz/simfuzz/raft"
)

// raftHooks are what the Raft KV's server says beyond the generic one: its log positions
// and known leader in the status, its fatal errors, a damaged file named at start, and the
// torn tails its recovery drops, logged before it does.
func raftHooks() jepsen.ServerHooks {
	return jepsen.ServerHooks{BeforeStart: logTornTails, Explain: explainStart,
		Status: raftStatus, Failed: raftFailed}
}

// raftStatus fills the node's log positions and the leader it knows.
func raftStatus(sys nodeapi.System, st *jepsen.Status) {
	rs, ok := sys.(*raft.System)
	if !ok {
		return
	}
	rn := rs.Node(nodeapi.NodeID(st.ID))
	if rn == nil {
		return
	}
	s := rn.Status()
	st.Role, st.Term, st.Leader = s.Role.String(), s.Term, string(s.Leader)
	st.Commit, st.Applied, st.LastIndex = s.Commit, s.Applied, s.LastIndex
}

// raftFailed is the error that stopped the node for good, if any.
func raftFailed(sys nodeapi.System) error {
	rs, ok := sys.(*raft.System)
	if !ok {
		return nil
	}
	for _, id := range rs.NodeIDs() {
		if rn := rs.Node(id); rn != nil {
			return rn.Status().Failed
		}
	}
	return nil
}

// explainStart names the damaged file when a start (or a restart after a fail-stop) failed
// on a corrupted record.
func explainStart(disk *realrt.Disk, err error) error {
	var ce *raft.CorruptionError
	if errors.As(err, &ce) {
		return fmt.Errorf("data file %s is corrupted at offset %d (%v); refusing to start "+
			"rather than serve from a damaged log", disk.Path(ce.File), ce.Offset, ce.Err)
	}
	return err
}

// walFrames is raft's log framing (see raft/wal.go): records of package wire.
var walFrames = wire.RecordFormat{Noun: "frame", MaxLen: 64 << 20}

// logTornTails reads the log segments ("wal-*") as raft's recovery will and logs each torn
// tail it will drop: the file, the offset where the last whole record ends and how many
// bytes follow it. A torn tail is a write cut short by a crash, which recovery may drop
// (it was never synced, so never acknowledged); saying so lets an operator tell it from
// silent loss. Damage other than a torn tail is left to recovery, which refuses to start.
func logTornTails(disk *realrt.Disk, log io.Writer) {
	for _, name := range disk.List() {
		if !strings.HasPrefix(name, "wal-") {
			continue
		}
		data, err := disk.ReadFile(name)
		if err != nil {
			continue
		}
		for off := 0; off < len(data); {
			_, size, err := walFrames.Read(data[off:])
			if errors.Is(err, wire.ErrTorn) {
				fmt.Fprintf(log, "raft-kv server: recovery drops a torn tail: %s, %d bytes "+
					"after offset %d (a write cut short by a crash, never synced)\n",
					disk.Path(name), len(data)-off, off)
				break
			}
			if err != nil {
				break
			}
			off += size
		}
	}
}
