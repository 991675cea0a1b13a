// Package broken does not type-check: the driver refuses it with exit code 2.
package broken

import "github.com/simfuzz/simfuzz/harness/nodeapi"

// Broken returns a string as a node ID's environment.
func Broken() nodeapi.Env { return "not an Env" }
