package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/simfuzz/simfuzz/harness/report"
)

// writeSummaryFile writes sum as JSON to path, atomically (a temporary file, then a
// rename), so that a merge reading a shared volume never sees half a summary; "" writes
// nothing.
func writeSummaryFile(path string, sum *summary) error {
	if path == "" {
		return nil
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(sum); err != nil {
		return err
	}
	if err := report.WriteFileAtomic(path, b.Bytes()); err != nil {
		return fmt.Errorf("--summary %s: %w", path, cannotWrite(err))
	}
	return nil
}

// expandPatterns returns args with each argument that holds a pattern character (* ? [)
// and names no file replaced by the files it matches, sorted, so that a container without
// a shell can name shard-*.json. A pattern that matches nothing, or is malformed, is a
// usage error.
func expandPatterns(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		if !strings.ContainsAny(a, "*?[") {
			out = append(out, a)
			continue
		}
		if _, err := os.Stat(a); !errors.Is(err, fs.ErrNotExist) {
			out = append(out, a)
			continue
		}
		matches, err := filepath.Glob(a)
		if err != nil {
			return nil, usagef("%s: malformed pattern: %v", a, err)
		}
		if len(matches) == 0 {
			return nil, usagef("%s: no file matches", a)
		}
		out = append(out, matches...)
	}
	return out, nil
}
