// Package withtests has a test file that reads the wall clock: reported only with
// Options.Tests.
package withtests

import "github.com/simfuzz/simfuzz/harness/nodeapi"

// Node is a node.
type Node struct{ Env nodeapi.Env }
