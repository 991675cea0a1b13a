package cli

import (
	"strconv"

	"github.com/simfuzz/simfuzz/harness"
)

// envDefaults are the SIMFUZZ_* variables (the names follow madsim's) as defaults of the
// run flags: a flag given on the command line wins. set records which variables were given.
type envDefaults struct {
	first    uint64
	seeds    int
	jobs     int
	checkDet bool
	set      map[string]bool
}

// readEnv reads SIMFUZZ_SEED, SIMFUZZ_SEEDS, SIMFUZZ_JOBS and SIMFUZZ_CHECK_DETERMINISM
// through getenv; jobs is the default when SIMFUZZ_JOBS is unset. An invalid value is a
// usage error naming the variable, never silently ignored.
func readEnv(getenv func(string) string, jobs int) (envDefaults, error) {
	e := envDefaults{first: 1, jobs: jobs, set: map[string]bool{}}
	if v := getenv(harness.EnvSeed); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return e, usagef("%s=%q: want an unsigned 64-bit integer", harness.EnvSeed, v)
		}
		e.first, e.set[harness.EnvSeed] = n, true
	}
	var err error
	if e.seeds, err = envInt(getenv, harness.EnvSeeds, 0, harness.MaxSeeds); err != nil {
		return e, err
	}
	e.set[harness.EnvSeeds] = e.seeds > 0
	if e.jobs, err = envInt(getenv, harness.EnvJobs, jobs, harness.MaxJobs); err != nil {
		return e, err
	}
	if v := getenv(harness.EnvCheckDeterminism); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return e, usagef("%s=%q: want 1 or 0", harness.EnvCheckDeterminism, v)
		}
		e.checkDet = b
	}
	return e, nil
}

// envInt reads a positive integer variable, def when unset.
func envInt(getenv func(string) string, name string, def, limit int) (int, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > limit {
		return 0, usagef("%s=%q: want an integer in [1, %d]", name, v, limit)
	}
	return n, nil
}
