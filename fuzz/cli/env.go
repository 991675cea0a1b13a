package cli

import "github.com/simfuzz/simfuzz/fuzz"

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
// through getenv with the parser the go test seed loop uses (fuzz.ParseSeedConfig); jobs
// is the default when SIMFUZZ_JOBS is unset, and seeds is 0 when SIMFUZZ_SEEDS is. An
// invalid value is a usage error naming the variable, never silently ignored.
func readEnv(getenv func(string) string, jobs int) (envDefaults, error) {
	c, err := fuzz.ParseSeedConfig(getenv, 1)
	if err != nil {
		return envDefaults{}, usagef("%v", err)
	}
	e := envDefaults{first: c.First, jobs: jobs, checkDet: c.CheckDeterminism,
		set: map[string]bool{fuzz.EnvSeed: c.Given[fuzz.EnvSeed],
			fuzz.EnvSeeds: c.Given[fuzz.EnvSeeds]}}
	if c.Given[fuzz.EnvSeeds] {
		e.seeds = c.Count
	}
	if c.Given[fuzz.EnvJobs] {
		e.jobs = c.Jobs
	}
	return e, nil
}
