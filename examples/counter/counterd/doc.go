// Package counterd is a single durable counter, the smallest system with a workload that is
// not key-value: one object, no keys, two kinds of operation (add an amount, read the
// total). It imports the node contract and its client kit only.
//
// The first server of the cluster serves every operation; the others answer with a hint
// naming it, which the client kit follows. The server applies an operation, writes its
// state (the total and the clients' sessions) to disk, and answers once a Sync has made it
// durable; a read waits for the same Sync, so it never reports a total a crash could undo.
// Every operation carries the kit's (session, sequence number); the state remembers each
// session's last sequence number and result, so an add the client retries (its answer was
// lost) is answered from the session, not applied twice. The NoSessions setting turns that
// off: the planted bug the example's tests find.
package counterd
