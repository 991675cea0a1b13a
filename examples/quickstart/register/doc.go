// Package register is a small primary-backup key-value register with view changes, written
// against simfuzz's node contract (harness/nodeapi) only, as a first system to fuzz.
//
// # Normal operation
//
// The servers agree on a view number; the primary of a view orders every client operation
// (reads included), giving it the next version number. It applies the operation to its
// state (the keys and the clients' sessions), writes the state to its disk, and sends the
// operation to the backups. A backup applies an operation only on top of the version before
// it, in the same view, writes its state and answers with an ack once the write is synced.
// The primary answers the client once the operation is durable on a majority of the
// servers, itself included: its own Sync and the backups' acks. A backup that missed an
// operation (a lost message, a restart) asks for the whole state instead, which the
// primary sends; the state of a register is small.
//
// # View change
//
// Servers count ticks of their own timer. A backup that hears nothing from a primary for an
// election timeout (1-2 s) suspects it and asks the others for a pre-vote: would they vote
// for it in the next view? A server says yes when the asker's state is at least as recent as
// its own (a later view label, or the same label and a version at least as high) and it has
// not heard from a primary within the minimum election timeout. With a majority of yes, the
// backup moves to the next view, votes for itself, syncs that, and asks for votes; each
// server gives one vote per view and syncs it before answering. The winner labels its state
// with the new view, writes it, and sends the whole state to the backups. Only acks of
// states labelled with the current view count towards answering a client, so a state is
// committed only once a majority holds the new primary's state: the rule that keeps a
// write acknowledged in an earlier view from being lost.
//
// # Clients and sessions
//
// A client has a random session number and numbers its operations. The state remembers
// each session's last sequence number, the version it got and its result, so a retried
// operation is answered from the session instead of applied twice.
//
// # Disk
//
// A server's durable state is one record (the view, its vote, the state's view label and
// version, the keys and sessions), written whole into one of two files in turn, each framed
// with its length and checksums. After a crash the newest whole record wins; a record cut
// short by a crash was never synced and is ignored, and a checksum failure that a second
// read confirms stops the node (a corrupted disk). A failed Sync makes the node fail-stop.
package register
