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
	"github.com/simfuzz/simfuzz/harness/internal/fixtures"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// ledgerKV is the toy KV whose servers keep a ledger on disk: 8-byte records (a counter and
// its CRC-32). A start appends and syncs a record; every request appends one, unsynced. On
// restart the ledger is read back: a checksum mismatch is refused, and so is a record cut
// short unless tolerateTorn, which a correct system must be (a crash may tear the write
// in progress).
type ledgerKV struct {
	fixtures.ToyKV
	tolerateTorn bool
	torn         int // restarts that found a torn last record
}

const ledgerFile, ledgerRecord = "ledger", 8

func (s *ledgerKV) NewNode(env nodeapi.Env, boot nodeapi.Boot) (nodeapi.Node, error) {
	n, err := s.recoverLedger(env.Disk())
	if err != nil {
		return nil, err
	}
	srv := &ledgerServer{ToyServer: fixtures.NewToyServer(env),
		next: n}
	srv.appendRecord()
	env.Disk().Sync(func(error) {})
	return srv, nil
}

// recoverLedger checks the ledger and returns how many whole records it holds.
func (s *ledgerKV) recoverLedger(d nodeapi.Disk) (uint32, error) {
	data, err := d.ReadFile(ledgerFile)
	if errors.Is(err, nodeapi.ErrNotExist) {
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
	*fixtures.ToyServer
	next uint32
}

func (n *ledgerServer) appendRecord() {
	rec := binary.LittleEndian.AppendUint32(nil, n.next)
	rec = binary.LittleEndian.AppendUint32(rec, crc32.ChecksumIEEE(rec))
	n.next++
	_ = n.Env.Disk().Append(ledgerFile, rec)
}

func (n *ledgerServer) HandleMessage(from nodeapi.NodeID, msg []byte) {
	n.appendRecord()
	n.ToyServer.HandleMessage(from, msg)
}

// ledgerScenario reads missing keys (nothing a crash can lose) and crashes n1, the server
// every client talks to, with a torn write, while its requests' records are unsynced.
func ledgerScenario(seed uint64) scenario.Scenario {
	s := fixtures.ToyScenario()
	s.Seed = seed
	s.Clients = []scenario.ClientScript{{ID: "c1", Ops: []scenario.ClientOp{
		{Kind: "get", Key: "k1"}, {Kind: "get", Key: "k2"}, {Kind: "get", Key: "k3"}}}}
	s.Faults = []scenario.Fault{{At: scenario.Duration(5 * time.Millisecond),
		Kind: scenario.FaultCrash, Node: "n1", Torn: true,
		For: scenario.Duration(100 * time.Millisecond)}}
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
