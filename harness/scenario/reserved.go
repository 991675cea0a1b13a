package scenario

import "github.com/simfuzz/simfuzz/harness/nodeapi"

// The endpoints the runner adds to every run; a scenario may not name a node or client so.
const (
	// ProbeClient is the endpoint that issues the liveness probe write and the stability
	// window's probes.
	ProbeClient nodeapi.NodeID = "probe"
	// AdminClient is the endpoint that asks for membership changes; the ones added when it
	// is busy are named AdminClient#2, #3, ...
	AdminClient nodeapi.NodeID = "admin"
)
