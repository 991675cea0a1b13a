package cli

import (
	"errors"
	"flag"
	"fmt"
	"maps"
	"slices"
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
		for _, name := range slices.Sorted(maps.Keys(tg.Variants)) { // one error, always
			if build := tg.Variants[name]; name == "" || build == nil {
				return fmt.Errorf("target %s: variant %q has no name or no builder",
					tg.Name, name)
			}
		}
	}
	return nil
}

// targetFlag adds --target and --variant to fs; the returned function resolves them after
// parsing: the target named, running the variant named (fuzz.Target.With).
func (a *app) targetFlag(fs *flag.FlagSet) func() (fuzz.Target, error) {
	name := fs.String("target", a.targets[0].Name, "the system under test ("+
		strings.Join(a.names(), ", ")+")")
	variant := variantFlag(fs)
	return func() (fuzz.Target, error) {
		tg, err := a.target(*name)
		if err != nil {
			return tg, err
		}
		return withVariant(tg, *variant)
	}
}

// variantFlag adds --variant to fs.
func variantFlag(fs *flag.FlagSet) *string {
	return fs.String("variant", "", "run this build variant of the target (a bug flag, "+
		"say; 'targets' lists them); a saved scenario never records it")
}

// withVariant returns tg running variant ("" is the plain build), or a usage error naming
// the variants tg has.
func withVariant(tg fuzz.Target, variant string) (fuzz.Target, error) {
	if variant == "" || tg.Variants[variant] != nil {
		return tg.With(variant), nil
	}
	names := variantNames(tg)
	if len(names) == 0 {
		return tg, usagef("unknown variant %q: target %s has no variants", variant, tg.Name)
	}
	return tg, usagef("unknown variant %q of target %s (known: %s)", variant, tg.Name,
		strings.Join(names, ", "))
}

// variantNames are tg's variants, sorted.
func variantNames(tg fuzz.Target) []string {
	return slices.Sorted(maps.Keys(tg.Variants))
}

// variantNote is the report's line for a run of a variant: which build ran, and that the
// scenario file does not say so.
func variantNote(tg fuzz.Target) []string {
	if tg.Variant == "" {
		return nil
	}
	return []string{fmt.Sprintf("variant %s of target %s (never recorded in a scenario "+
		"file: without --variant %s it replays on the plain build)", tg.Variant, tg.Name,
		shellQuote(tg.Variant))}
}

// plain is tg's plain build: what a campaign or replay of any variant draws its scenarios
// with, so that a variant runs, seed by seed, the scenarios the plain build runs.
func plain(tg fuzz.Target) fuzz.Target { return tg.With("") }

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

// cmdTargets lists the targets, the default first, each with its variants.
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
		if names := variantNames(tg); len(names) > 0 {
			fmt.Fprintf(a.stdout, "%-14s variants (--variant): %s\n", "",
				strings.Join(names, ", "))
		}
	}
	return nil
}
