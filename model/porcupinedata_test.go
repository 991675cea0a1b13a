package model

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// porcupineKVDir finds porcupine's test_data/kv in the module cache, or skips the test.
func porcupineKVDir(t *testing.T) string {
	t.Helper()
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/anishathalye/porcupine")
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("skipping: cannot locate the porcupine module with go list: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "test_data", "kv")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("skipping: porcupine module has no test data at %s: %v", dir, err)
	}
	return dir
}

// expectation reads the verdict a data file is named after: c10-ok.txt must pass and
// c10-bad.txt must fail, as porcupine's own tests decide.
var expectation = regexp.MustCompile(`-(ok|bad)([-.]|$)`)

// TestPorcupineKVData checks our model and history conversion against porcupine's own KV
// logs: every -ok- log must be linearizable and every -bad- log must not be. All six logs
// take well under a second together (Check's step budget stops c50-bad early), so none is
// kept behind SIMFUZZ_LONG.
func TestPorcupineKVData(t *testing.T) {
	dir := porcupineKVDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	require.NoError(t, err)
	require.NotEmpty(t, files, "no logs in %s", dir)
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			m := expectation.FindStringSubmatch(name)
			require.NotNil(t, m, "cannot tell from its name whether %s should pass", name)
			f, err := os.Open(path)
			require.NoError(t, err)
			defer f.Close()
			h, err := jepsenHistory(f)
			require.NoError(t, err)
			require.NotEmpty(t, h)
			start := time.Now() // wall time for the log only; never reaches a verdict
			v := Check(h)
			t.Logf("%s: %d ops, %s, checked in %v", name, len(h), v.Message(),
				time.Since(start))
			require.NoError(t, v.Err)
			require.Equal(t, m[1] == "ok", v.Linearizable(), v.Message())
			require.Equal(t, v.Linearizable(), CheckOk(h))
			// The view must draw partial linearizations, including those of keys whose
			// search stopped at the step budget.
			require.NoError(t, WriteHTML(io.Discard, h, v, nil))
		})
	}
}

func TestParseEDNMap(t *testing.T) {
	m, err := parseEDNMap(`{:process 12, :type :ok, :f :get, :key "a \"b\"\\", :value nil}`)
	require.NoError(t, err)
	require.Equal(t, map[string]ednValue{
		"process": {ednInt, "12"}, "type": {ednKeyword, "ok"}, "f": {ednKeyword, "get"},
		"key": {ednString, `a "b"\`}, "value": {ednNil, ""},
	}, m)
	for line, msg := range map[string]string{
		`:process 1`:               "not a map",
		`{:process}`:               "missing value",
		`{"k" 1}`:                  "not a keyword",
		`{:key "abc}`:              "unterminated string",
		`{:key "a\qb"}`:            "unsupported escape",
		`{:key [1 2]}`:             "unsupported value",
		`{:key 1, :key 2}`:         "duplicate key",
		`{: 1}`:                    "empty keyword",
		`{:process 1.5, :type :x}`: "unsupported value",
	} {
		_, err := parseEDNMap(line)
		require.ErrorContains(t, err, msg, line)
	}
}

func TestJepsenHistory(t *testing.T) {
	log := strings.Join([]string{
		`{:process 0, :type :invoke, :f :put, :key "k", :value "x"}`,
		`{:process 1, :type :invoke, :f :get, :key "k", :value nil}`,
		`{:process 0, :type :ok, :f :put, :key "k", :value "x"}`,
		`{:process 1, :type :ok, :f :get, :key "k", :value ""}`,
		`{:process 2, :type :invoke, :f :append, :key "k", :value "y"}`,
		`{:process 2, :type :info, :f :append, :key "k", :value "y"}`,
		`{:process 0, :type :invoke, :f :put, :key "k", :value "z"}`,
		`{:process 0, :type :fail, :f :put, :key "k", :value "z"}`,
		``,
		`{:process 1, :type :invoke, :f :get, :key "k", :value nil}`,
	}, "\n")
	h, err := jepsenHistory(strings.NewReader(log))
	require.NoError(t, err)
	require.Equal(t, []Operation{
		{ClientID: 0, Op: put("k", "x"), Call: 1, Return: 3},
		{ClientID: 1, Op: get("k"), Outcome: absentOutcome(), Call: 2, Return: 4},
		{ClientID: 2, Op: appendOp("k", "y"), Outcome: unknown(), Call: 5, Return: Never},
		{ClientID: 1, Op: get("k"), Outcome: unknown(), Call: 10, Return: Never},
	}, h)

	invokeGet := `{:process 0, :type :invoke, :f :get, :key "k"}`
	for _, c := range []struct{ log, msg string }{
		{`{:process 0, :type :ok, :f :get, :key "k", :value "x"}`,
			`line 1: process 0 completes :get "k" it did not invoke`},
		{`{:process 0, :type :invoke, :f :cas, :key "k", :value "x"}`, "line 1: unknown :f"},
		{invokeGet + "\n" + invokeGet, "line 2: process 0 invokes"},
		{invokeGet + "\n" + `{:process 0, :type :done, :f :get, :key "k"}`,
			"line 2: unknown :type :done"},
		{`{:process "0", :type :invoke, :f :get, :key "k"}`, "mistyped :process"},
		{`{:process 0, :type :invoke, :f :get, :key "k", :value 3}`, ":value is neither"},
	} {
		log, msg := c.log, c.msg
		_, err := jepsenHistory(strings.NewReader(log))
		require.ErrorContains(t, err, msg, log)
	}
}
