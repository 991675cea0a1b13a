// Package client is the client kit: the retrying, session-keeping client endpoint every
// system under test otherwise writes again. It finds the leader (or primary) through the
// servers' hints, walks a round of the servers when one does not answer, bounds each attempt
// and each operation by a timeout, reports Outcome{Unknown: true} for an operation whose fate
// it could not learn, and numbers requests within a session (a client ID drawn at start and a
// sequence number per request) so that the servers can apply a retried write once. Invoke's
// done is called exactly once.
//
// It runs on the node contract alone: timers through Env.After, randomness through Env.Rand,
// no goroutines and no wall clock, so it runs unchanged under the simulator and on the real
// runtime.
//
// A system supplies a Codec, its own wire format for a request and a reply, and gets a
// nodeapi.Client (and nodeapi.Router) from New:
//
//	func (s *System) NewClient(env nodeapi.Env, servers []nodeapi.NodeID) (nodeapi.Client, error) {
//		return client.New(env, servers, client.Config{Name: "mysys"}, codec{})
//	}
//
// A client with more than one kind of request (Raft's membership changes beside the
// operations) builds on Caller, the engine under Client: one leader guess and one session
// shared by any number of retried Calls.
//
// The server's half of the bargain: answer a request with a Reply carrying the request's
// sequence number; Status OK with the result once the operation took effect (a retried
// request that already took effect gets the recorded result again, found through the
// session's ID and sequence number), NotLeader with a hint when it does not lead, Retry when
// it leads but cannot serve yet, Failed when retrying cannot help.
package client
