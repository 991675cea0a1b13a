package main

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseProperty(t *testing.T) {
	failed := "--- FAIL: TestPropertyInvariants (1.2s)\n    engine.go:313: [rapid] failed " +
		"after 41 tests: invariant: Leader Completeness\nFAIL\n"
	require.Equal(t, propertyResult{checks: 42}, parseProperty(failed, false))
	require.Equal(t, propertyResult{}, parseProperty("ok  \tgithub.com/x/fuzz\t3.1s\n", true))
	broken := parseProperty("# github.com/x/fuzz\nfuzz/a.go:3: syntax error\n", false)
	require.Equal(t, "fuzz/a.go:3: syntax error", broken.err)
	require.Equal(t, "found after 42", propertyResult{checks: 42}.String())
	require.Equal(t, "-", propertyResult{}.String())
}
