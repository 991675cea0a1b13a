package fuzz

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Repro lines of go test are printed by a test binary, which go test runs in the directory
// of the test's package, but they are read and run by a person at the root of the module.
// So they name the package by its directory relative to the module root, found by walking
// up from the working directory to the nearest go.mod, and paths of files the same way.

// moduleDirs returns the module root and the package directory relative to it ("" at the
// root, else with a trailing slash), from the working directory; both are "" when no
// go.mod is found. It looks each time (a few stats, on failures only): a test may change
// its working directory.
func moduleDirs() (root, pkg string) {
	wd, err := os.Getwd()
	if err != nil {
		return "", ""
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			rel, err := filepath.Rel(dir, wd)
			if err != nil || rel == "." {
				return dir, ""
			}
			return dir, filepath.ToSlash(rel) + "/"
		}
		if filepath.Dir(dir) == dir {
			return "", ""
		}
	}
}

// packageDir is the directory of the test's package relative to the module root, "" at the
// root or when unknown, else with a trailing slash.
func packageDir() string {
	_, pkg := moduleDirs()
	return pkg
}

// fromRoot turns path, relative to the test's package directory, into a path relative to
// the module root (an absolute path stays as it is).
func fromRoot(path string) string {
	if filepath.IsAbs(path) {
		return path
	}
	return filepath.ToSlash(filepath.Clean(filepath.Join(packageDir(), path)))
}

// inPackage resolves a path a person gave relative to the module root (as repro lines
// print them) or to the package directory: the package's own wins when it exists.
func inPackage(path string) string {
	if filepath.IsAbs(path) {
		return path
	}
	if _, err := os.Stat(path); err == nil {
		return path
	}
	root, _ := moduleDirs()
	if root == "" {
		return path
	}
	if abs := filepath.Join(root, path); fileExists(abs) {
		return abs
	}
	return path
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// runPattern is the -run pattern that selects exactly the test (or subtest) name.
func runPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

// goTest is the command that runs test name of the current package from the module root,
// with env (VAR=value ...) before it when not empty.
func goTest(env, name string) string {
	cmd := fmt.Sprintf("go test -run '%s' ./%s", runPattern(name), packageDir())
	if env != "" {
		cmd = env + " " + cmd
	}
	return cmd
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// sanitize makes a test name a file name.
func sanitize(name string) string {
	return strings.Trim(unsafeChars.ReplaceAllString(name, "-"), "-")
}
