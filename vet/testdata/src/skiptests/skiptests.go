// Package skiptests has a test file that reads the wall clock: by default test files are
// not checked, since tests drive the world from outside it.
package skiptests

import "github.com/simfuzz/simfuzz/harness/nodeapi"

// Node is a node.
type Node struct{ Env nodeapi.Env }
