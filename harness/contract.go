package harness

import "github.com/simfuzz/simfuzz/harness/nodeapi"

// The node contract lives in package nodeapi, which imports only the standard library; these
// aliases let the world's code and its users name it through the harness as well.
type (
	NodeID            = nodeapi.NodeID
	Kind              = nodeapi.Kind
	Op                = nodeapi.Op
	Result            = nodeapi.Result
	Outcome           = nodeapi.Outcome
	Env               = nodeapi.Env
	Rand              = nodeapi.Rand
	Timer             = nodeapi.Timer
	TimerStopper      = nodeapi.TimerStopper
	Disk              = nodeapi.Disk
	StreamHandler     = nodeapi.StreamHandler
	Stream            = nodeapi.Stream
	StreamAcceptor    = nodeapi.StreamAcceptor
	Node              = nodeapi.Node
	Stopper           = nodeapi.Stopper
	Boot              = nodeapi.Boot
	System            = nodeapi.System
	Client            = nodeapi.Client
	Admin             = nodeapi.Admin
	Route             = nodeapi.Route
	Router            = nodeapi.Router
	Invariants        = nodeapi.Invariants
	Converger         = nodeapi.Converger
	LifecycleObserver = nodeapi.LifecycleObserver
	LeaderReporter    = nodeapi.LeaderReporter
	TermReporter      = nodeapi.TermReporter
	FailStopper       = nodeapi.FailStopper
	Annotator         = nodeapi.Annotator
	Reporter          = nodeapi.Reporter
	MessageLabeler    = nodeapi.MessageLabeler
)

// ErrNotExist is returned by Disk.ReadFile, Rename and Remove for a missing file.
var ErrNotExist = nodeapi.ErrNotExist

// NewTimer makes a Timer for a runtime; systems never call it.
func NewTimer(s TimerStopper, id uint64) Timer { return nodeapi.NewTimer(s, id) }
