package cli

import "github.com/simfuzz/simfuzz/vet"

// cmdVet is `simfuzz vet [-all] [-tests] [packages]`: the node contract's static check
// (package vet), in every command built on Main, so that a user's own main has it too. vet
// prints its own findings, summary and errors; its exit code is the command's.
func (a *app) cmdVet(args []string) error {
	if code := vet.Main(args, a.stdout, a.stderr); code != 0 {
		return exitStatus{code: code}
	}
	return nil
}
