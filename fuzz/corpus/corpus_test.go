package corpus

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/scenario"
)

func sample(target string, seed uint64) scenario.Scenario {
	return scenario.Scenario{Target: target, Seed: seed, Note: "n"}
}

func TestSaveNamesByContentAndLoadsInNameOrder(t *testing.T) {
	d, err := Open(filepath.Join(t.TempDir(), "corpus"))
	require.NoError(t, err)
	for _, seed := range []uint64{3, 1, 2} {
		created, err := d.Save(sample("raft-kv", seed))
		require.NoError(t, err)
		require.True(t, created)
	}
	created, err := d.Save(sample("raft-kv", 1))
	require.NoError(t, err)
	require.False(t, created, "the same scenario has the same name")
	// A writer at work and a stray file are left alone.
	require.NoError(t, os.WriteFile(filepath.Join(d.Path(), ".tmp-x.json-1"), nil, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(d.Path(), "README"), nil, 0o644))
	var seen []string
	entries, warnings, err := d.Load(func(path string) (scenario.Scenario, error) {
		seen = append(seen, filepath.Base(path))
		return scenario.ReadScenarioFile(path)
	})
	require.NoError(t, err)
	require.Empty(t, warnings)
	require.Len(t, entries, 3)
	require.IsNonDecreasing(t, seen)
	for _, e := range entries {
		name, _, err := Name(e.Scenario)
		require.NoError(t, err)
		require.Equal(t, name, e.Name, "the name is the hash of the content")
		require.True(t, strings.HasPrefix(e.Name, "raft-kv-"))
	}
}

func TestLoadSkipsWhatItCannotUseWithOneLineEach(t *testing.T) {
	d, err := Open(t.TempDir())
	require.NoError(t, err)
	_, err = d.Save(sample("raft-kv", 1))
	require.NoError(t, err)
	_, err = d.Save(sample("lock-service", 1))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(d.Path(), "broken.json"),
		[]byte("{\"version\": 1,\n"), 0o644))
	entries, warnings, err := d.Load(func(path string) (scenario.Scenario, error) {
		s, err := scenario.ReadScenarioFile(path)
		if err == nil && s.Target != "raft-kv" {
			err = errors.New("scenario is for target \"lock-service\"\nsecond line")
		}
		return s, err
	})
	require.NoError(t, err)
	require.Len(t, entries, 1)
	require.Len(t, warnings, 2)
	for _, w := range warnings {
		require.NotContains(t, w, "\n")
		require.Contains(t, w, "corpus: skipping ")
	}
}

func TestOpenRefusesAFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(f, nil, 0o644))
	_, err := Open(f)
	require.Error(t, err)
}

// Shards on a shared volume write and read one directory at once: every file a reader sees
// is whole, and writers of the same scenario leave one file.
func TestConcurrentWritersAndReaders(t *testing.T) {
	d, err := Open(t.TempDir())
	require.NoError(t, err)
	const writers, each = 4, 50
	done := make(chan struct{})
	errs := make(chan error, writers+1)
	for w := range writers {
		go func() {
			for i := range each {
				// Writers 0 and 1 write the same scenarios; 2 and 3 others.
				if _, err := d.Save(sample("raft-kv", uint64(w/2*1000+i))); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	go func() {
		defer close(done)
		for range 20 {
			if _, warnings, err := d.Load(scenario.ReadScenarioFile); err != nil ||
				len(warnings) > 0 {
				errs <- errors.Join(err, errors.New(strings.Join(warnings, "; ")))
				return
			}
		}
		errs <- nil
	}()
	for range writers + 1 {
		require.NoError(t, <-errs)
	}
	<-done
	entries, warnings, err := d.Load(scenario.ReadScenarioFile)
	require.NoError(t, err)
	require.Empty(t, warnings)
	require.Len(t, entries, 2*each)
	left, err := filepath.Glob(filepath.Join(d.Path(), ".tmp-*"))
	require.NoError(t, err)
	require.Empty(t, left, "no temporary file is left behind")
}

// A writer killed between its temporary file and the rename leaves the file behind; the
// next Open removes it once it is an hour old, and leaves a young one (a writer at work)
// and every other file alone.
func TestOpenRemovesAbandonedTemporaryFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "corpus")
	d, err := Open(dir)
	require.NoError(t, err)
	_, err = d.Save(sample("raft-kv", 1))
	require.NoError(t, err)
	old := filepath.Join(dir, ".tmp-raft-kv-abc.json-123")
	young := filepath.Join(dir, ".tmp-raft-kv-def.json-456")
	for _, f := range []string{old, young} {
		require.NoError(t, os.WriteFile(f, []byte("{"), 0o644))
	}
	hours := time.Now().Add(-2 * time.Hour)
	require.NoError(t, os.Chtimes(old, hours, hours))
	_, err = Open(dir)
	require.NoError(t, err)
	require.NoFileExists(t, old)
	require.FileExists(t, young)
	entries, _, err := d.Load(func(path string) (scenario.Scenario, error) {
		return sample("raft-kv", 1), nil
	})
	require.NoError(t, err)
	require.Len(t, entries, 1, "the kept scenario stays")
}
