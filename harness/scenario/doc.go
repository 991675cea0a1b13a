// Package scenario is the scenario format: the Scenario type (cluster, network and disk
// settings, client scripts, the fault schedule, phase lengths, system knobs), its versioned
// JSON with error messages that name where a file is wrong, its validation, the fault
// vocabulary with one static spec per kind (shape, validation, rendering, whether
// generators draw it), trigger limits and the client names the runner reserves.
//
// It depends on neither the engine (package sim) nor the runner (package harness), so that
// generators, the shrinker and tools that read or write scenario files link none of the
// run pipeline.
package scenario
