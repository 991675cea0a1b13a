package counterd

import (
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/client"
)

// Config configures the counter.
type Config struct {
	// NoSessions is the planted bug: the server forgets sessions, so an add the client
	// retries after a lost answer is applied twice.
	NoSessions bool
	// Client bounds the clients' waits (the kit's defaults when zero).
	Client client.Config
}

// System builds the counter's servers and clients.
type System struct{ cfg Config }

// NewSystem returns a counter system.
func NewSystem(cfg Config) *System {
	if cfg.Client.Name == "" {
		cfg.Client.Name = "counter client"
	}
	return &System{cfg: cfg}
}

// NewNode recovers server env.ID() from its disk.
func (s *System) NewNode(env nodeapi.Env, boot nodeapi.Boot) (nodeapi.Node, error) {
	return newNode(env, boot, s.cfg)
}

// NewClient is the client kit over the counter's codec: that is the whole client.
func (s *System) NewClient(env nodeapi.Env, servers []nodeapi.NodeID) (nodeapi.Client, error) {
	c, err := client.New(env, servers, s.cfg.Client, codec{})
	if err != nil {
		return nil, err
	}
	return c, nil
}
