// Package corpus keeps the corpus of guided campaigns in a directory, so that a campaign
// builds on the ones before it and shards on other machines build on each other: each kept
// scenario is one JSON file named after a hash of its content, written atomically (a
// temporary file, then a rename), so that any number of processes may share the directory
// (a shared volume) without locks: two writers of one scenario write one name, and a reader
// never sees half a file.
//
// The directory holds scenarios only, not their features: a campaign runs every scenario it
// loads to judge its features again, so that a corpus kept by an older build stays useful.
package corpus

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/simfuzz/simfuzz/harness/scenario"
)

// MaxFiles bounds the files Load reads from one directory, the oldest campaign's first:
// a guided campaign keeps at most a few thousand scenarios (fuzz.MaxCorpus), and loading
// costs one run per file.
const MaxFiles = 8192

// Dir is a corpus directory.
type Dir struct{ path string }

// Open returns the corpus directory at path, creating it if needed, checks that files can
// be created in it, and removes the temporary files that writers abandoned (see
// staleAfter).
func Open(path string) (*Dir, error) {
	if err := os.MkdirAll(path, 0o755); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(path, ".probe-")
	if err != nil {
		return nil, err
	}
	f.Close()
	if err := os.Remove(f.Name()); err != nil {
		return nil, err
	}
	d := &Dir{path: path}
	d.removeStale(time.Now())
	return d, nil
}

// staleAfter is how old a writer's temporary file must be to count as abandoned: a writer
// renames its file milliseconds after creating it, so one an hour old belongs to a process
// that died mid-write (a killed shard) and would otherwise stay in a shared directory for
// good.
const staleAfter = time.Hour

// removeStale removes the abandoned temporary files of writers (see staleAfter). A file it
// cannot remove (another machine's, already gone) is left; loading ignores it anyway.
func (d *Dir) removeStale(now time.Time) {
	des, err := os.ReadDir(d.path)
	if err != nil {
		return
	}
	for _, de := range des {
		if !strings.HasPrefix(de.Name(), ".tmp-") {
			continue
		}
		if info, err := de.Info(); err == nil && now.Sub(info.ModTime()) > staleAfter {
			_ = os.Remove(filepath.Join(d.path, de.Name()))
		}
	}
}

// Path is the directory's path.
func (d *Dir) Path() string { return d.path }

// Entry is one scenario loaded from the directory.
type Entry struct {
	// Name is the file's base name.
	Name     string
	Scenario scenario.Scenario
}

// Load reads the directory's scenarios in name order (content hashes: an order that does
// not depend on who wrote them, or when). accept reads one file for the campaign's target,
// or says why it cannot be used (another target, a file that does not parse): such a file
// is skipped with one line in warnings, never an error, since a shared directory may hold
// the files of other targets and of newer builds. Temporary files of writers still at
// work (names starting with ".") and files not ending in .json are left alone. Only a
// directory that cannot be listed is an error.
func (d *Dir) Load(accept func(path string) (scenario.Scenario, error)) (
	entries []Entry, warnings []string, err error) {
	des, err := os.ReadDir(d.path)
	if err != nil {
		return nil, nil, err
	}
	var names []string
	for _, de := range des {
		n := de.Name()
		if strings.HasPrefix(n, ".") || !strings.HasSuffix(n, ".json") || de.IsDir() {
			continue
		}
		names = append(names, n)
	}
	slices.Sort(names)
	if len(names) > MaxFiles {
		warnings = append(warnings, fmt.Sprintf("corpus %s: %d files, loading the first %d",
			d.path, len(names), MaxFiles))
		names = names[:MaxFiles]
	}
	for _, n := range names {
		s, err := accept(filepath.Join(d.path, n))
		if err != nil {
			warnings = append(warnings, fmt.Sprintf("corpus: skipping %s: %s", n,
				firstLine(err.Error())))
			continue
		}
		entries = append(entries, Entry{Name: n, Scenario: s})
	}
	return entries, warnings, nil
}

// Name is the file name of s in a corpus directory: its target and a hash of its JSON.
func Name(s scenario.Scenario) (string, []byte, error) {
	var b bytes.Buffer
	if err := scenario.EncodeScenario(&b, s); err != nil {
		return "", nil, err
	}
	sum := sha256.Sum256(b.Bytes())
	target := s.Target
	if target == "" {
		target = "scenario"
	}
	return fmt.Sprintf("%s-%s.json", target, hex.EncodeToString(sum[:12])), b.Bytes(), nil
}

// Save writes s to the directory under its content-hash name, atomically, and reports
// whether it created the file (false: the same scenario was there already).
func (d *Dir) Save(s scenario.Scenario) (created bool, err error) {
	name, data, err := Name(s)
	if err != nil {
		return false, err
	}
	path := filepath.Join(d.path, name)
	if _, err := os.Stat(path); err == nil {
		return false, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	return true, writeAtomic(path, data)
}

// writeAtomic writes data to a temporary file beside path and renames it to path: a reader
// sees the whole file or none, on one machine or over a shared volume. It does not sync:
// a corpus file lost to a power cut costs a rerun, and a sync per kept scenario would slow
// the campaign on a network volume.
func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// firstLine is the first line of text, so that a warning is one line.
func firstLine(text string) string {
	line, _, _ := strings.Cut(text, "\n")
	return line
}
