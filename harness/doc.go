// Package harness runs one scenario against a system under test: Run builds the World of
// package sim from the Scenario of package scenario, schedules the scenario's clients and
// faults, and runs the safety phase (faults on), the liveness phase (every fault healed,
// pending operations must finish, a probe write must be acknowledged, replicas must
// converge) and, when asked, the stability window (one persistent cut; the leader, the term
// and probe writes must hold). Then the workload's model judges the history.
//
// The runner is the layer between the engine and the scenario format: the engine offers
// verbs (crash, split, clog, pause, skew) and knows no fault policy; the scenario says what
// to inject and when; the runner keeps, for each fault kind, what it does when it runs
// (fault_behaviour.go). Shrinking and reports are packages of their own (harness/shrink,
// harness/report), downstream of Run.
package harness
