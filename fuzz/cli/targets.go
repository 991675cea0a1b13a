package cli

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/simfuzz/simfuzz/fuzz"
)

// validateTargets refuses a target list the command cannot serve: none, an invalid target,
// or two with one name.
func (a *app) validateTargets() error {
	if len(a.targets) == 0 {
		return errors.New("no target given to cli.Main")
	}
	seen := map[string]bool{}
	for _, tg := range a.targets {
		if err := tg.Validate(); err != nil {
			return err
		}
		if seen[tg.Name] {
			return fmt.Errorf("two targets are named %q", tg.Name)
		}
		seen[tg.Name] = true
	}
	return nil
}

// targetFlag adds --target to fs; the returned function resolves it after parsing.
func (a *app) targetFlag(fs *flag.FlagSet) func() (fuzz.Target, error) {
	name := fs.String("target", a.targets[0].Name, "the system under test ("+
		strings.Join(a.names(), ", ")+")")
	return func() (fuzz.Target, error) { return a.target(*name) }
}

// target returns the target called name, or a usage error listing the known ones.
func (a *app) target(name string) (fuzz.Target, error) {
	for _, tg := range a.targets {
		if tg.Name == name {
			return tg, nil
		}
	}
	return fuzz.Target{}, usagef("unknown target %q (known: %s)", name,
		strings.Join(a.names(), ", "))
}

func (a *app) names() []string {
	names := make([]string, len(a.targets))
	for i, tg := range a.targets {
		names[i] = tg.Name
	}
	return names
}

// cmdTargets lists the targets, the default first.
func (a *app) cmdTargets(args []string) error {
	if len(args) > 0 {
		return usagef("targets takes no arguments, got %q", args)
	}
	for i, tg := range a.targets {
		mark := ""
		if i == 0 {
			mark = " (default)"
		}
		fmt.Fprintf(a.stdout, "%-14s %s%s\n", tg.Name, tg.Doc, mark)
	}
	return nil
}
