package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Where the commands write when no path is given: one folder, relative to the working
// directory, that .gitignore leaves out, so that nothing lands among a repository's
// tracked files (next to a scenario in testdata/regressions, say).
//
//	run     simfuzz-out/seed-S/{scenario.json,history.html,report.txt}
//	replay  simfuzz-out/replay/NAME.html (NAME: the file's name, or seed-S)
//	shrink  simfuzz-out/shrink/NAME.min.json (NAME-2.min.json, ... if it exists)
//
// NAME is the input file's name without .json, after its folder's name for the names
// every campaign folder holds (seed-3-original), so that two failures never share one.
const (
	defaultOut       = "simfuzz-out"
	defaultReplayDir = "simfuzz-out/replay"
	defaultShrinkDir = "simfuzz-out/shrink"
)

// checkWritableDir creates dir if needed and proves that a file can be created in it, so
// that a campaign learns before its first seed, not after its first failure, that its
// artefacts would be lost.
func checkWritableDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return cannotWrite(err)
	}
	f, err := os.CreateTemp(dir, ".simfuzz-probe-")
	if err != nil {
		return cannotWrite(err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// checkWritableFile checks that path can be written: its folder exists (it is created) and
// takes new files, and path is not a folder. It writes nothing at path itself.
func checkWritableFile(path string) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return errors.New("is a directory")
	}
	return checkWritableDir(filepath.Dir(path))
}

// cannotWrite keeps the reason of a filesystem error and drops the operation and path,
// which the caller names.
func cannotWrite(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("cannot write there: %v", pe.Err)
	}
	return fmt.Errorf("cannot write there: %v", err)
}

// campaignFiles are the names every campaign folder (seed-S/) holds: a default output
// named after one of them takes its folder's name too.
var campaignFiles = map[string]bool{"scenario": true, "original": true}

// defaultName is the name of a default output for the scenario file in: its base name
// without ".json", after its folder's name when the base name is one every campaign folder
// holds, so that seed-3/original.json and seed-9/original.json give seed-3-original and
// seed-9-original.
func defaultName(in string) string {
	name := strings.TrimSuffix(filepath.Base(in), ".json")
	if dir := filepath.Base(filepath.Dir(in)); campaignFiles[name] && dir != "." &&
		dir != string(filepath.Separator) {
		name = dir + "-" + name
	}
	return name
}

// defaultPath is dir/NAME+ext for the scenario file in (see defaultName).
func defaultPath(dir, in, ext string) string {
	return filepath.Join(dir, defaultName(in)+ext)
}

// maxDefaultNames bounds the numbered names reserveDefault tries.
const maxDefaultNames = 10000

// reserveDefault creates, empty, the first of dir/NAME+ext, dir/NAME-2+ext, ... that does
// not exist (see defaultName) and returns its path: a default output never replaces an
// earlier one, not even that of a command running beside this one. The caller removes the
// file if it writes nothing there.
func reserveDefault(dir, in, ext string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", cannotWrite(err)
	}
	name := defaultName(in)
	for i := 1; i <= maxDefaultNames; i++ {
		path := filepath.Join(dir, name+ext)
		if i > 1 {
			path = filepath.Join(dir, fmt.Sprintf("%s-%d%s", name, i, ext))
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", cannotWrite(err)
		}
		return path, f.Close()
	}
	return "", fmt.Errorf("%s holds %d outputs named %s: give --out", dir, maxDefaultNames,
		name)
}
