// Package suppressed silences findings with //simfuzz:ok comments.
package suppressed

import (
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

type node struct {
	env   nodeapi.Env
	peers map[nodeapi.NodeID]bool
}

func (n *node) run() {
	_ = time.Now() //simfuzz:ok the same line, with a reason

	//simfuzz:ok alone on the line above, with a reason
	_ = time.Now()

	//simfuzz:ok a map range is silenced on its for line
	for id := range n.peers {
		n.env.Send(id, nil)
	}

	_ = time.Now() //simfuzz:ok // want `//simfuzz:ok needs a reason` `time.Now reads the wall clock`

	//simfuzz:ok // want `//simfuzz:ok needs a reason`
	_ = time.Now() // want `time.Now reads the wall clock`

	_ = n.env                       //simfuzz:ok a trailing comment speaks for its own line only
	_ = time.Since(time.Unix(0, 0)) // want `time.Since reads the wall clock`

	_ = time.Now() //simfuzz:okay is another word // want `time.Now reads the wall clock`
}
