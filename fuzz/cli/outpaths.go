package cli

import (
	"errors"
	"fmt"
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
//	shrink  simfuzz-out/shrink/NAME.min.json
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

// defaultPath is dir/NAME+ext for the scenario file in, NAME being its base name without
// ".json".
func defaultPath(dir, in, ext string) string {
	name := strings.TrimSuffix(filepath.Base(in), ".json")
	return filepath.Join(dir, name+ext)
}
