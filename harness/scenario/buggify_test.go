package scenario_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/internal/fixtures"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

func TestBuggifySitesRoundTripAndStayOutOfOldFiles(t *testing.T) {
	s := fixtures.ValidScenario()
	require.NotContains(t, fixtures.JSON(s), "buggify", "a file without sites is unchanged")
	s.Buggify = []string{"raft.tiny-batch", "raft.delayed-apply"}
	text := fixtures.JSON(s)
	require.Contains(t, text, `"buggify": [`)
	back, err := scenario.DecodeScenario(strings.NewReader(text))
	require.NoError(t, err)
	require.Equal(t, s, back)
}

func TestBuggifySitesAreValidated(t *testing.T) {
	cases := map[string]struct {
		sites []string
		want  string
	}{
		"empty":    {[]string{""}, "buggify[0]: empty site name"},
		"space":    {[]string{"a b"}, `buggify[0]: site name "a b" contains a space`},
		"twice":    {[]string{"a", "a"}, `buggify[1]: site "a" is listed twice`},
		"too long": {[]string{strings.Repeat("x", 65)}, "longer than 64 bytes"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			s := fixtures.ValidScenario()
			s.Buggify = c.sites
			require.ErrorContains(t, s.Validate(), c.want)
		})
	}
}

func TestUnknownBuggifySiteIsRefusedByName(t *testing.T) {
	s := fixtures.ValidScenario()
	s.Buggify = []string{"raft.tiny-batch", "raft.tiny-bacth"}
	err := s.CheckBuggifySites([]string{"raft.tiny-batch", "raft.delayed-apply"})
	require.EqualError(t, err, `scenario: buggify[1]: unknown site "raft.tiny-bacth" `+
		`(known: raft.tiny-batch, raft.delayed-apply)`)
	require.ErrorContains(t, s.CheckBuggifySites(nil), "the target has no buggify sites")
	s.Buggify = nil
	require.NoError(t, s.CheckBuggifySites(nil))
}
