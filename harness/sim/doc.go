// Package sim is the simulation engine: one deterministic, single-threaded World with
// virtual time, one event queue ordered by (time, sequence number), a seeded random stream
// per component, the nodes and clients of a system with their Envs, disks with a sync
// boundary, clocks with skew and drift, the glue to the simulated network of package
// netfault, ordered streams, and a running trace hash of every event.
//
// Its API is verbs (AddNode, Crash, Restart, Stop, Pause, Split, Cut, Clog, SetClock,
// SetDiskFaults, AgeMessages, ...) for whoever drives it: the runner of package harness,
// or a test that scripts a world by hand. It knows no scenario format, no fault policy, no
// checker and no generator, and it never reads the wall clock, the file system or a
// global random source: the same seed and the same calls give the same run, bit for bit.
package sim
