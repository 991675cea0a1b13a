package scenario

import (
	"fmt"
	"slices"
	"strings"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// MaxBuggifySites bounds how many buggify sites a scenario may activate.
const MaxBuggifySites = 64

// validateBuggify checks the shape of the active buggify sites: each a short name without
// spaces, none twice. Whether the target knows a name is CheckBuggifySites's business.
func (s *Scenario) validateBuggify() error {
	if len(s.Buggify) > MaxBuggifySites {
		return fmt.Errorf("scenario: buggify: %d sites, at most %d", len(s.Buggify),
			MaxBuggifySites)
	}
	for i, site := range s.Buggify {
		switch {
		case site == "":
			return fmt.Errorf("scenario: buggify[%d]: empty site name", i)
		case len(site) > nodeapi.MaxBuggifySite:
			return fmt.Errorf("scenario: buggify[%d]: site name %.20q... is longer than %d "+
				"bytes", i, site, nodeapi.MaxBuggifySite)
		case strings.ContainsAny(site, " \t\n"):
			return fmt.Errorf("scenario: buggify[%d]: site name %q contains a space", i, site)
		case slices.Contains(s.Buggify[:i], site):
			return fmt.Errorf("scenario: buggify[%d]: site %q is listed twice", i, site)
		}
	}
	return nil
}

// CheckBuggifySites refuses a scenario that activates a buggify site the system does not
// have (known is the target's list), naming the site: a typo would otherwise test nothing.
func (s *Scenario) CheckBuggifySites(known []string) error {
	for i, site := range s.Buggify {
		if slices.Contains(known, site) {
			continue
		}
		if len(known) == 0 {
			return fmt.Errorf("scenario: buggify[%d]: unknown site %q (the target has no "+
				"buggify sites)", i, site)
		}
		return fmt.Errorf("scenario: buggify[%d]: unknown site %q (known: %s)", i, site,
			strings.Join(known, ", "))
	}
	return nil
}
