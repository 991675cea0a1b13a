// Command benchcompare is the cost guard (make bench-compare): it measures what a seed costs
// at a base commit and in the working tree, side by side, so a change to the run loop, an
// oracle or a built-in system shows its price before it lands.
//
// It extracts the base commit with git archive into a scratch directory, builds simfuzz
// there and in the working tree, then runs, interleaved (base, head, base, head, ...) for
// -rounds rounds:
//
//   - an unguided campaign, `simfuzz run --guided=false --seeds N --jobs 1 --json`: user CPU
//     per seed (the process's user time over its seeds), events per seed and the trace
//     digest, from the JSON summary;
//   - the standard scenario, `simfuzz bench --target raft-kv --campaign-seeds 1` with
//     --seeds S and with --seeds 1: the difference of their user CPU over the 2(S-1)
//     standard seeds it adds (3 and 5 nodes) is the CPU per standard seed, free of the
//     bench's fixed rows; events per standard seed come from its table;
//   - BenchmarkCampaignSeed (fuzz/campaign_bench_test.go) with -benchmem: bytes and objects
//     allocated per campaign seed. A base without the benchmark gets the working tree's
//     copy of the file when it compiles there; otherwise allocations are not compared.
//
// It prints the median of the rounds with head/base ratios, then benchstat's comparison of
// the benchmark runs when benchstat can be run, and, when valgrind is installed,
// instructions per seed counted by callgrind on a small campaign and on two standard seeds
// a cluster size (bench --seeds 3 less --seeds 1): the figures a shared machine's load does
// not move. Callgrind runs with GOMAXPROCS=1, no async preemption and the collector off
// (GOGC=off): with the collector on, when it runs depends on timing and moves the count by
// several per cent from run to run; off, the count repeats to 0.01 %. It so counts the
// program's own work and its allocations, not the collection, whose cost the bytes and
// objects per seed stand for.
//
// Exit codes: 0 done; 1 a ratio of a stable metric (bytes, objects, instructions) is above
// -max-ratio; 2 a setup or measurement error.
package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// benchstatCmd is the default benchstat: a pinned golang.org/x/perf run through the module
// proxy, so that the module itself does not depend on x/perf.
const benchstatCmd = "go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da"

const benchName = "BenchmarkCampaignSeed"

type options struct {
	base           string
	seeds          int
	stdSeeds       int
	rounds         int
	benchSeeds     int
	benchCount     int
	callgrindSeeds int
	callgrindStd   int
	benchstat      string
	maxRatio       float64
	keep           bool
}

func main() {
	var o options
	flag.StringVar(&o.base, "base", "main", "the commit to compare the working tree with")
	flag.IntVar(&o.seeds, "seeds", 2000, "campaign seeds per run")
	flag.IntVar(&o.stdSeeds, "std-seeds", 20, "standard-scenario seeds per cluster size (>= 2)")
	flag.IntVar(&o.rounds, "rounds", 3, "interleaved rounds (medians are reported)")
	flag.IntVar(&o.benchSeeds, "bench-seeds", 0,
		"seeds per BenchmarkCampaignSeed run (0: as -seeds)")
	flag.IntVar(&o.benchCount, "bench-count", 2, "BenchmarkCampaignSeed runs per side and round "+
		"(benchstat wants at least 4 samples a side to call a difference)")
	flag.IntVar(&o.callgrindSeeds, "callgrind-seeds", 200,
		"campaign seeds under callgrind (0: skip)")
	flag.IntVar(&o.callgrindStd, "callgrind-std-seeds", 2, "standard seeds per cluster size "+
		"under callgrind: bench --seeds 1+N less --seeds 1 (0: skip)")
	flag.StringVar(&o.benchstat, "benchstat", benchstatCmd, "benchstat command (empty: skip)")
	flag.Float64Var(&o.maxRatio, "max-ratio", 0, "exit 1 when head/base of bytes, objects "+
		"or instructions per campaign seed is above this (0: never)")
	flag.BoolVar(&o.keep, "keep", false, "keep the scratch directory")
	flag.Parse()
	if o.benchSeeds == 0 {
		o.benchSeeds = o.seeds
	}
	if o.seeds < 1 || o.stdSeeds < 2 || o.rounds < 1 || o.benchSeeds < 1 || o.benchCount < 1 {
		fmt.Fprintln(os.Stderr, "benchcompare: want -seeds >= 1, -std-seeds >= 2, -rounds >= 1, "+
			"-bench-count >= 1")
		os.Exit(2)
	}
	code, err := run(o, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchcompare:", err)
		os.Exit(2)
	}
	os.Exit(code)
}

// side is one of the two builds being compared.
type side struct {
	name    string // "base" or "head"
	src     string // source tree
	simfuzz string // built binary
	test    string // fuzz test binary with BenchmarkCampaignSeed, or "" if none
	m       measures
}

// measures are one side's samples, one per round.
type measures struct {
	campaignCPU, stdCPU       []float64 // seconds per seed
	campaignEvents, stdEvents float64
	digest                    string
	benchNs, benchB, benchObj []float64
	benchOut                  bytes.Buffer
	instructions              float64 // per campaign seed under callgrind; 0: not measured
	stdInstructions           float64 // per standard seed under callgrind; 0: not measured
}

func run(o options, out io.Writer) (int, error) {
	root, err := git("", "rev-parse", "--show-toplevel")
	if err != nil {
		return 0, fmt.Errorf("not in a git work tree: %w", err)
	}
	baseRev, err := git(root, "rev-parse", "--verify", "--quiet", o.base+"^{commit}")
	if err != nil {
		return 0, fmt.Errorf("base %q is no commit here (try BASE=HEAD~1)", o.base)
	}
	headRev, _ := git(root, "rev-parse", "HEAD")
	dirty, _ := git(root, "status", "--porcelain", "--untracked-files=no")
	headDesc := "HEAD " + short(headRev)
	if dirty != "" {
		headDesc += " + uncommitted changes"
	}

	tmp, err := os.MkdirTemp("", "benchcompare-")
	if err != nil {
		return 0, err
	}
	if o.keep {
		fmt.Fprintln(out, "scratch directory:", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	base := &side{name: "base", src: filepath.Join(tmp, "base")}
	head := &side{name: "head", src: root}
	if err := extract(root, baseRev, base.src); err != nil {
		return 0, fmt.Errorf("extracting %s: %w", short(baseRev), err)
	}
	fmt.Fprintf(out, "bench-compare: base %s (%s), head %s; load %s\n", o.base, short(baseRev),
		headDesc, loadavg())
	for _, s := range []*side{base, head} {
		s.simfuzz = filepath.Join(tmp, s.name+"-simfuzz")
		if msg, err := goCmd(s.src, "build", "-o", s.simfuzz, "./cmd/simfuzz"); err != nil {
			return 0, fmt.Errorf("building simfuzz for %s: %v\n%s", s.name, err, msg)
		}
	}
	for _, s := range []*side{head, base} { // head first: base may borrow its file
		if note := buildBench(s, root, tmp); note != "" {
			fmt.Fprintln(out, note)
		}
	}

	fmt.Fprintf(out, "%d rounds, interleaved base/head: campaign of %d unguided seeds "+
		"(--jobs 1), standard scenario (bench --seeds %d less --seeds 1), %s %dx\n",
		o.rounds, o.seeds, o.stdSeeds, benchName, o.benchSeeds)
	for r := 1; r <= o.rounds; r++ {
		for _, s := range []*side{base, head} {
			if err := campaign(s, o.seeds, tmp); err != nil {
				return 0, err
			}
		}
		for _, s := range []*side{base, head} {
			if err := standard(s, o.stdSeeds); err != nil {
				return 0, err
			}
		}
		for _, s := range []*side{base, head} {
			if err := allocBench(s, o.benchSeeds, o.benchCount); err != nil {
				return 0, err
			}
		}
		fmt.Fprintf(out, "  round %d: campaign CPU/seed base %s head %s\n", r,
			ms(last(base.m.campaignCPU)), ms(last(head.m.campaignCPU)))
	}

	cgNote := ""
	if o.callgrindSeeds > 0 || o.callgrindStd > 0 {
		if _, err := exec.LookPath("valgrind"); err != nil {
			cgNote = "instructions: valgrind is not installed (apt-get install -y valgrind), " +
				"so they are not compared"
		} else if err := countInstructions(o, tmp, base, head); err != nil {
			cgNote = "instructions: " + err.Error()
			for _, s := range []*side{base, head} {
				s.m.instructions, s.m.stdInstructions = 0, 0
			}
		}
	}

	fmt.Fprintln(out)
	bad := report(out, base, head, o)
	if base.m.digest == head.m.digest {
		fmt.Fprintf(out, "\ncampaign trace digest: %s at both (the same runs)\n", head.m.digest)
	} else {
		fmt.Fprintf(out, "\ncampaign trace digest: base %s, head %s: the runs differ, so "+
			"per-seed figures compare different work\n", base.m.digest, head.m.digest)
	}
	if cgNote != "" {
		fmt.Fprintln(out, cgNote)
	}
	if base.test != "" && head.test != "" && o.benchstat != "" {
		fmt.Fprintln(out)
		benchstat(out, o.benchstat, tmp, base, head)
	}
	fmt.Fprintf(out, "\nload at the end: %s (a shared machine: trust ratios of user CPU and "+
		"instructions, not wall time)\n", loadavg())
	if bad != "" {
		fmt.Fprintf(out, "\nFAIL: %s above -max-ratio %.2f\n", bad, o.maxRatio)
		return 1, nil
	}
	return 0, nil
}

// buildBench compiles the fuzz package's test binary for s; a base without the benchmark
// gets the working tree's benchmark file. It returns a note when s has no benchmark.
func buildBench(s *side, root, tmp string) string {
	file := filepath.Join("fuzz", "campaign_bench_test.go")
	borrowed := ""
	if _, err := os.Stat(filepath.Join(s.src, file)); err != nil && s.name == "base" {
		b, rerr := os.ReadFile(filepath.Join(root, file))
		if rerr != nil {
			return "allocations: the working tree has no " + file + ", so they are not compared"
		}
		if werr := os.WriteFile(filepath.Join(s.src, file), b, 0o644); werr != nil {
			return "allocations: " + werr.Error()
		}
		borrowed = "allocations: the base has no " + file + "; it runs the working tree's"
	}
	bin := filepath.Join(tmp, s.name+"-fuzz.test")
	if msg, err := goCmd(s.src, "test", "-c", "-o", bin, "./fuzz"); err != nil {
		return fmt.Sprintf("allocations: %s of %s does not compile at %s, so allocations "+
			"are not compared:\n%s", benchName, file, s.name, indent(msg))
	}
	list, err := exec.Command(bin, "-test.list", "^"+benchName+"$").Output()
	if err != nil || !strings.Contains(string(list), benchName) {
		return fmt.Sprintf("allocations: %s has no %s, so allocations are not compared",
			s.name, benchName)
	}
	s.test = bin
	return borrowed
}

// summary is what benchcompare reads of `simfuzz run --json`.
type summary struct {
	Seeds       int    `json:"seeds"`
	Events      uint64 `json:"events"`
	Errors      int    `json:"errors"`
	TraceDigest string `json:"trace_digest"`
}

func campaign(s *side, seeds int, tmp string) error {
	cmd := exec.Command(s.simfuzz, "run", "--guided=false", "--seeds", strconv.Itoa(seeds),
		"--jobs", "1", "--json", "--out", filepath.Join(tmp, s.name+"-out"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) { // 1: failures found
		return fmt.Errorf("%s campaign: %v\n%s", s.name, err, indent(stderr.String()))
	}
	var sum summary
	if err := json.Unmarshal(stdout.Bytes(), &sum); err != nil || sum.Seeds == 0 {
		return fmt.Errorf("%s campaign: no JSON summary (%v)\n%s", s.name, err,
			indent(stderr.String()))
	}
	if sum.Errors > 0 {
		return fmt.Errorf("%s campaign: %d seeds could not run", s.name, sum.Errors)
	}
	s.m.campaignCPU = append(s.m.campaignCPU,
		cmd.ProcessState.UserTime().Seconds()/float64(sum.Seeds))
	s.m.campaignEvents = float64(sum.Events) / float64(sum.Seeds)
	s.m.digest = sum.TraceDigest
	return nil
}

// standard measures CPU per standard seed as the difference between bench runs of
// stdSeeds and 1 seeds per cluster size, over the 2(stdSeeds-1) seeds that adds.
func standard(s *side, stdSeeds int) error {
	var cpu [2]float64
	for i, n := range []int{stdSeeds, 1} {
		cmd := exec.Command(s.simfuzz, "bench", "--target", "raft-kv", "--campaign-seeds", "1",
			"--seeds", strconv.Itoa(n))
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s bench: %v\n%s", s.name, err, indent(stderr.String()))
		}
		cpu[i] = cmd.ProcessState.UserTime().Seconds()
		if i == 0 {
			ev, err := standardEvents(stdout.String())
			if err != nil {
				return fmt.Errorf("%s bench: %w", s.name, err)
			}
			s.m.stdEvents = ev
		}
	}
	s.m.stdCPU = append(s.m.stdCPU, (cpu[0]-cpu[1])/float64(2*(stdSeeds-1)))
	return nil
}

// standardEvents reads events per standard seed, averaged over the 3- and 5-node rows, from
// the bench table: events/s times wall per seed.
func standardEvents(table string) (float64, error) {
	rows := map[string]string{}
	for _, line := range strings.Split(table, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) >= 3 {
			rows[strings.TrimSpace(cells[1])] = strings.TrimSpace(cells[2])
		}
	}
	var total float64
	for _, n := range []string{"3", "5"} {
		prefix := "raft-kv standard " + n + "-node: "
		rate, err1 := strconv.ParseFloat(rows[prefix+"events/s"], 64)
		wall, err2 := strconv.ParseFloat(strings.TrimSuffix(rows[prefix+"wall per seed"], " ms"),
			64)
		if err1 != nil || err2 != nil {
			return 0, fmt.Errorf("no %q rows in the bench table", prefix)
		}
		total += rate * wall / 1000
	}
	return total / 2, nil
}

var benchLine = regexp.MustCompile(`^` + benchName + `\S*\s+\d+\s+(.*)$`)

func allocBench(s *side, seeds, count int) error {
	if s.test == "" {
		return nil
	}
	cmd := exec.Command(s.test, "-test.run", "^$", "-test.bench", "^"+benchName+"$",
		"-test.benchmem", "-test.benchtime", strconv.Itoa(seeds)+"x",
		"-test.count", strconv.Itoa(count))
	cmd.Dir = filepath.Join(s.src, "fuzz")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %v\n%s%s", s.name, benchName, err, stdout.String(),
			stderr.String())
	}
	runs, err := parseBench(stdout.String())
	if err != nil {
		return fmt.Errorf("%s %s: %w", s.name, benchName, err)
	}
	for _, m := range runs {
		s.m.benchNs = append(s.m.benchNs, m["ns/op"])
		s.m.benchB = append(s.m.benchB, m["B/op"])
		s.m.benchObj = append(s.m.benchObj, m["allocs/op"])
	}
	s.m.benchOut.WriteString(stdout.String())
	return nil
}

// parseBench reads the metrics of every BenchmarkCampaignSeed line of go test output.
func parseBench(text string) ([]map[string]float64, error) {
	var runs []map[string]float64
	for _, line := range strings.Split(text, "\n") {
		sub := benchLine.FindStringSubmatch(line)
		if sub == nil {
			continue
		}
		f := strings.Fields(sub[1])
		m := map[string]float64{}
		for i := 0; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("bad metric %q in %q", f[i], line)
			}
			m[f[i+1]] = v
		}
		if _, ok := m["allocs/op"]; !ok {
			return nil, fmt.Errorf("no allocs/op in %q", line)
		}
		runs = append(runs, m)
	}
	if len(runs) == 0 {
		return nil, fmt.Errorf("no %s line in:\n%s", benchName, indent(text))
	}
	return runs, nil
}

var collected = regexp.MustCompile(`Collected\s*:\s*([0-9]+)`)

// countInstructions counts, under callgrind, the instructions per seed of a small campaign
// and of the standard scenario (the difference of two bench runs, as for its CPU).
func countInstructions(o options, tmp string, base, head *side) error {
	for _, s := range []*side{base, head} {
		if o.callgrindSeeds > 0 {
			n, err := callgrind(s, tmp, "run", "--guided=false", "--seeds",
				strconv.Itoa(o.callgrindSeeds), "--jobs", "1", "--json", "--out",
				filepath.Join(tmp, s.name+"-cg-out"))
			if err != nil {
				return err
			}
			s.m.instructions = n / float64(o.callgrindSeeds)
		}
		if o.callgrindStd > 0 {
			var n [2]float64
			for i, seeds := range []int{1 + o.callgrindStd, 1} {
				var err error
				n[i], err = callgrind(s, tmp, "bench", "--target", "raft-kv",
					"--campaign-seeds", "1", "--seeds", strconv.Itoa(seeds))
				if err != nil {
					return err
				}
			}
			s.m.stdInstructions = (n[0] - n[1]) / float64(2*o.callgrindStd)
		}
	}
	return nil
}

// callgrind counts the instructions of simfuzz args under valgrind's callgrind.
func callgrind(s *side, tmp string, args ...string) (float64, error) {
	cmd := exec.Command("valgrind", append([]string{"--tool=callgrind",
		"--callgrind-out-file=" + filepath.Join(tmp, s.name+".callgrind"), s.simfuzz},
		args...)...)
	cmd.Env = append(os.Environ(), "GODEBUG=asyncpreemptoff=1", "GOMAXPROCS=1", "GOGC=off")
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) { // 1: run found failures
		return 0, fmt.Errorf("valgrind on %s %s: %v\n%s", s.name, args[0], err,
			indent(tail(stderr.String())))
	}
	sub := collected.FindStringSubmatch(stderr.String())
	if sub == nil {
		return 0, fmt.Errorf("valgrind on %s %s printed no instruction count\n%s", s.name,
			args[0], indent(tail(stderr.String())))
	}
	n, _ := strconv.ParseFloat(sub[1], 64)
	return n, nil
}

// report prints the side-by-side table and returns the stable metrics above o.maxRatio.
func report(out io.Writer, base, head *side, o options) string {
	rows := [][]string{{"metric (medians)", "base", "head", "head/base"}}
	var bad []string
	add := func(name string, b, h float64, format func(float64) string, stable bool) {
		if b == 0 && h == 0 {
			return
		}
		ratio := "-"
		if b > 0 {
			ratio = fmt.Sprintf("%.3f", h/b)
			if stable && o.maxRatio > 0 && h/b > o.maxRatio {
				bad = append(bad, name)
			}
		}
		rows = append(rows, []string{name, format(b), format(h), ratio})
	}
	count := func(v float64) string { return fmt.Sprintf("%.1f", v) }
	add("user CPU per campaign seed", median(base.m.campaignCPU), median(head.m.campaignCPU),
		ms, false)
	add("events per campaign seed", base.m.campaignEvents, head.m.campaignEvents, count, false)
	add("user CPU per standard seed", median(base.m.stdCPU), median(head.m.stdCPU), ms, false)
	add("events per standard seed (from bench's rounded table)", base.m.stdEvents,
		head.m.stdEvents, func(v float64) string { return fmt.Sprintf("%.0f", v) }, false)
	if base.test != "" && head.test != "" {
		add("bytes per campaign seed", median(base.m.benchB), median(head.m.benchB),
			func(v float64) string { return fmt.Sprintf("%.1f KB", v/1000) }, true)
		add("objects per campaign seed", median(base.m.benchObj), median(head.m.benchObj),
			func(v float64) string { return fmt.Sprintf("%.0f", v) }, true)
		add("ns per campaign seed (go test)", median(base.m.benchNs), median(head.m.benchNs),
			func(v float64) string { return ms(v / 1e9) }, false)
	}
	mega := func(v float64) string { return fmt.Sprintf("%.2fM", v/1e6) }
	add(fmt.Sprintf("instructions per campaign seed (callgrind, %d seeds, GOGC=off)",
		o.callgrindSeeds), base.m.instructions, head.m.instructions, mega, true)
	add(fmt.Sprintf("instructions per standard seed (callgrind, %d seeds, GOGC=off)",
		2*o.callgrindStd), base.m.stdInstructions, head.m.stdInstructions, mega, true)
	printTable(out, rows)
	return strings.Join(bad, ", ")
}

func benchstat(out io.Writer, command, tmp string, base, head *side) {
	for _, s := range []*side{base, head} {
		if err := os.WriteFile(filepath.Join(tmp, s.name+".txt"), s.m.benchOut.Bytes(),
			0o644); err != nil {
			fmt.Fprintln(out, "benchstat:", err)
			return
		}
	}
	args := append(strings.Fields(command), "base.txt", "head.txt")
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = tmp
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(out, "benchstat could not run (%v), so the table above stands alone:\n%s",
			err, indent(tail(stderr.String())))
		return
	}
	fmt.Fprintf(out, "benchstat (%s):\n%s", benchName, stdout.String())
}

func printTable(out io.Writer, rows [][]string) {
	width := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], len(c))
		}
	}
	for j, r := range rows {
		fmt.Fprint(out, "|")
		for i, c := range r {
			fmt.Fprintf(out, " %-*s |", width[i], c)
		}
		fmt.Fprintln(out)
		if j == 0 {
			fmt.Fprint(out, "|")
			for _, w := range width {
				fmt.Fprint(out, strings.Repeat("-", w+2)+"|")
			}
			fmt.Fprintln(out)
		}
	}
}

// extract writes the tree of commit rev into dir with git archive.
func extract(root, rev, dir string) error {
	cmd := exec.Command("git", "archive", "--format=tar", rev)
	cmd.Dir = root
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	tr := tar.NewReader(bufio.NewReader(pipe))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			_ = cmd.Wait()
			return err
		}
		path := filepath.Join(dir, filepath.FromSlash(h.Name))
		if !strings.HasPrefix(path, filepath.Clean(dir)+string(os.PathSeparator)) {
			continue
		}
		switch h.Typeflag {
		case tar.TypeDir:
			err = os.MkdirAll(path, 0o755)
		case tar.TypeSymlink:
			if err = os.MkdirAll(filepath.Dir(path), 0o755); err == nil {
				err = os.Symlink(h.Linkname, path)
			}
		case tar.TypeReg:
			err = writeFile(path, tr, os.FileMode(h.Mode)&0o777)
		}
		if err != nil {
			_ = cmd.Wait()
			return err
		}
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("git archive: %v: %s", err, stderr.String())
	}
	return nil
}

func writeFile(path string, r io.Reader, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode|0o200)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func git(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	b, err := cmd.Output()
	return strings.TrimSpace(string(b)), err
}

func goCmd(dir string, args ...string) (string, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	b, err := cmd.CombinedOutput()
	return string(b), err
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func last(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	return v[len(v)-1]
}

func ms(sec float64) string { return fmt.Sprintf("%.3f ms", sec*1000) }

func short(rev string) string { return rev[:min(len(rev), 7)] }

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func tail(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-15):], "\n")
}

func indent(s string) string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return ""
	}
	return "    " + strings.ReplaceAll(s, "\n", "\n    ") + "\n"
}
