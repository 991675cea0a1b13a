package harness_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness"
)

// refuseRestarts makes every start after a node's first fail, as a system that cannot read
// back its own disk would.
func refuseRestarts(s *twSys) {
	s.onStart = func(n *twNode) error {
		if s.starts[n.env.ID()] > 1 {
			return errors.New("cannot parse my own log")
		}
		return nil
	}
}

// A restart that fails on a disk the harness never corrupted stops the run with a
// *RecoveryError, which every later step returns; the timeline says what happened.
func TestRestartFailureOnAnUncorruptedDiskStopsTheRun(t *testing.T) {
	s := newTwSys()
	refuseRestarts(s)
	w := newWorld(t, s, harness.Options{Seed: 1}, "n1", "n2")
	require.NoError(t, w.Crash("n1", harness.CrashOptions{TornWrite: true}))
	err := w.Restart("n1")
	var re *harness.RecoveryError
	require.ErrorAs(t, err, &re)
	require.Equal(t, harness.NodeID("n1"), re.Node)
	require.ErrorContains(t, re, "n1 could not restart at 0s on a disk with no injected "+
		"corruption: cannot parse my own log")
	require.False(t, w.Up("n1"))
	require.Same(t, re, w.Err())
	require.ErrorAs(t, w.RunFor(time.Second), &re)
	last := w.Annotations()[len(w.Annotations())-1]
	require.Equal(t, "restart failed: cannot parse my own log", last.Text)
}

// The world's own restart after a fail-stop is judged the same way.
func TestRestartFailureAfterFailStopStopsTheRun(t *testing.T) {
	s := newTwSys()
	refuseRestarts(s)
	w := newWorld(t, s, harness.Options{Seed: 1}, "n1")
	require.NoError(t, w.Exec("n1", func() {
		s.nodes["n1"].env.(harness.FailStopper).FailStop("sync failed")
	}))
	err := w.RunFor(time.Second)
	var re *harness.RecoveryError
	require.ErrorAs(t, err, &re)
	require.Equal(t, 100*time.Millisecond, re.At, "the restart follows the fail-stop")
	for _, a := range w.Annotations() {
		require.False(t, strings.HasPrefix(a.Text, "skipped restart"),
			"a recovery failure is not a skipped restart: %v", a)
	}
}

// Once read corruption has been configured for a node's disk, even if it was later healed,
// that node may refuse to start: the restart fails and the run goes on. Another node's
// disk, never corrupted, gives no such excuse.
func TestRestartRefusalAfterReadCorruptionIsLegitimate(t *testing.T) {
	s := newTwSys()
	refuseRestarts(s)
	w := newWorld(t, s, harness.Options{Seed: 1}, "n1", "n2")
	require.NoError(t, w.SetDiskFaults("n1", harness.DiskFaults{ReadCorruptRate: 0.5}))
	require.NoError(t, w.SetDiskFaults("n1", harness.DiskFaults{}))
	require.NoError(t, w.Crash("n1", harness.CrashOptions{}))
	err := w.Restart("n1")
	require.ErrorContains(t, err, "n1 did not start: cannot parse my own log")
	var re *harness.RecoveryError
	require.False(t, errors.As(err, &re))
	require.NoError(t, w.Err())
	require.NoError(t, w.RunFor(time.Second))

	require.NoError(t, w.Crash("n2", harness.CrashOptions{}))
	require.ErrorAs(t, w.Restart("n2"), &re)
	require.Equal(t, harness.NodeID("n2"), re.Node)
}

// Read corruption in the world's default disk settings excuses every node.
func TestDefaultReadCorruptionExcusesEveryNode(t *testing.T) {
	s := newTwSys()
	refuseRestarts(s)
	w := newWorld(t, s, harness.Options{Seed: 1,
		Disk: harness.DiskFaults{ReadCorruptRate: 0.01}}, "n1", "n2")
	for _, id := range []harness.NodeID{"n1", "n2"} {
		require.NoError(t, w.Crash(id, harness.CrashOptions{}))
		require.ErrorContains(t, w.Restart(id), "did not start")
	}
	require.NoError(t, w.Err())
}

// ledgerKV is the toy KV whose servers keep a ledger on disk: 8-byte records (a counter and
// its CRC-32). A start appends and syncs a record; every request appends one, unsynced. On
// restart the ledger is read back: a checksum mismatch is refused, and so is a record cut
// short unless tolerateTorn, which a correct system must be (a crash may tear the write
// in progress).
type ledgerKV struct {
	toyKV
	tolerateTorn bool
	torn         int // restarts that found a torn last record
}

const ledgerFile, ledgerRecord = "ledger", 8

func (s *ledgerKV) NewNode(env harness.Env, boot harness.Boot) (harness.Node, error) {
	n, err := s.recoverLedger(env.Disk())
	if err != nil {
		return nil, err
	}
	srv := &ledgerServer{toyServer: toyServer{env: env, store: map[string]string{}},
		next: n}
	srv.appendRecord()
	env.Disk().Sync(func(error) {})
	return srv, nil
}

// recoverLedger checks the ledger and returns how many whole records it holds.
func (s *ledgerKV) recoverLedger(d harness.Disk) (uint32, error) {
	data, err := d.ReadFile(ledgerFile)
	if errors.Is(err, harness.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n := uint32(0)
	for off := 0; off < len(data); off += ledgerRecord {
		rec := data[off:min(off+ledgerRecord, len(data))]
		switch {
		case len(rec) < ledgerRecord && s.tolerateTorn:
			s.torn++
			return n, nil
		case len(rec) < ledgerRecord:
			s.torn++
			return 0, fmt.Errorf("torn record at offset %d", off)
		case crc32.ChecksumIEEE(rec[:4]) != binary.LittleEndian.Uint32(rec[4:]):
			return 0, fmt.Errorf("checksum mismatch at offset %d", off)
		}
		n++
	}
	return n, nil
}

type ledgerServer struct {
	toyServer
	next uint32
}

func (n *ledgerServer) appendRecord() {
	rec := binary.LittleEndian.AppendUint32(nil, n.next)
	rec = binary.LittleEndian.AppendUint32(rec, crc32.ChecksumIEEE(rec))
	n.next++
	_ = n.env.Disk().Append(ledgerFile, rec)
}

func (n *ledgerServer) HandleMessage(from harness.NodeID, msg []byte) {
	n.appendRecord()
	n.toyServer.HandleMessage(from, msg)
}

// ledgerScenario reads missing keys (nothing a crash can lose) and crashes n1, the server
// every client talks to, with a torn write, while its requests' records are unsynced.
func ledgerScenario(seed uint64) harness.Scenario {
	s := toyScenario()
	s.Seed = seed
	s.Clients = []harness.ClientScript{{ID: "c1", Ops: []harness.ClientOp{
		{Kind: "get", Key: "k1"}, {Kind: "get", Key: "k2"}, {Kind: "get", Key: "k3"}}}}
	s.Faults = []harness.Fault{{At: harness.Duration(5 * time.Millisecond),
		Kind: harness.FaultCrash, Node: "n1", Torn: true,
		For: harness.Duration(100 * time.Millisecond)}}
	return s
}

// A system that refuses its own torn tail fails as a recovery failure, with a message that
// names the node and the system's reason; one that tolerates the torn tail passes.
func TestRunReportsARecoveryFailureOnATornTail(t *testing.T) {
	torn := 0
	for seed := uint64(1); seed <= 8; seed++ {
		s := ledgerScenario(seed)
		strict := &ledgerKV{}
		res, err := harness.Run(s, strict, harness.RunOptions{})
		require.NoError(t, err)
		if strict.torn > 0 {
			torn++
			require.NotNil(t, res.Failure, "seed %d", seed)
			require.Equal(t, harness.ClassRecovery, res.Failure.Class)
			require.Contains(t, res.Failure.Message, "n1 could not restart at 105ms")
			require.Contains(t, res.Failure.Message, "torn record at offset")
		} else {
			require.Nil(t, res.Failure, "seed %d: no torn tail, nothing to refuse", seed)
		}
		tolerant := &ledgerKV{tolerateTorn: true}
		res, err = harness.Run(s, tolerant, harness.RunOptions{})
		require.NoError(t, err)
		require.Nil(t, res.Failure, "seed %d: %v", seed, res.Failure)
	}
	require.Positive(t, torn, "no seed tore the ledger's last record")
}

// With read corruption in the scenario's disk settings the checksum catches a flipped bit
// and the node refuses to start: legitimate, so the run only annotates the skipped restart,
// and the liveness phase (on healed disks) restarts the node and passes.
func TestRunExcusesARefusalAfterReadCorruption(t *testing.T) {
	s := ledgerScenario(1)
	s.Faults[0].Torn = false
	s.Disk.ReadCorruptRate = 1
	res, err := harness.Run(s, &ledgerKV{tolerateTorn: true}, harness.RunOptions{})
	require.NoError(t, err)
	require.Nil(t, res.Failure, "%v", res.Failure)
	skipped := ""
	for _, a := range res.Annotations {
		if strings.HasPrefix(a.Text, "skipped ") { // the crash's undo: its restart
			skipped = a.Text
		}
	}
	require.Contains(t, skipped, "n1 did not start: checksum mismatch", "%v", res.Annotations)

	s.Disk.ReadCorruptRate = 0
	res, err = harness.Run(s, &ledgerKV{tolerateTorn: true}, harness.RunOptions{})
	require.NoError(t, err)
	require.Nil(t, res.Failure, "without corruption nothing is refused: %v", res.Failure)
}
