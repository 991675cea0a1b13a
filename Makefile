# simfuzz make targets. `make setup` once, `make run` for a campaign, `make test` for tests.
GO       ?= go
FUZZTIME ?= 60s
SEEDS    ?= 200

.PHONY: setup build run test vet ci property regressions fuzz fuzz-decode shards bench mutants \
	campaign bench-real jepsen jepsen-mutants properties-long properties-table bench-compare \
	nightly image compose-campaign

setup:
	$(GO) mod download
	$(GO) build -o bin/simfuzz ./cmd/simfuzz

build:
	$(GO) build -o bin/simfuzz ./cmd/simfuzz

# The main job: a campaign against the built-in Raft KV.
run: build
	./bin/simfuzz run

# The tests: formatting, vet, every package's tests (what the README and CI call).
test:
	@test -z "$$(gofmt -l .)" || (echo "gofmt needed on:"; gofmt -l .; exit 1)
	$(GO) vet ./...
	$(GO) test -count=1 ./...

# The node contract's static check (simfuzz vet, tests included) on the systems under test:
# the Raft KV, the lock service, and the etcd/raft glue in its own module.
vet:
	$(GO) run ./cmd/simfuzz vet -tests ./raft/... ./examples/lockservice/... ./examples/counter/...
	cd examples/etcdraft && $(GO) run ./cmd/simfuzz-etcdraft vet -tests ./...

# Every property: the tests whose names hold "Property", in this module and in the etcd/raft
# example's own module.
property:
	$(GO) test -count=1 -run Property ./...
	cd examples/etcdraft && $(GO) test -count=1 -run Property ./...
	cd examples/quickstart && $(GO) test -count=1 -run Property ./...

# Nightly: the properties with a large budget (PROPERTY_CHECKS checks each, fixed seed
# PROPERTY_SEED so a failure replays; override either).
PROPERTY_CHECKS ?= 20000
PROPERTY_SEED ?= 1
properties-long:
	$(GO) test -count=1 -timeout 4h -run 'Property' ./fuzz/ \
		-rapid.checks=$(PROPERTY_CHECKS) -rapid.seed=$(PROPERTY_SEED)

# Which public mutants the properties find at a go test budget (docs/PROPERTIES.md).
properties-table:
	$(GO) run ./cmd/mutants --properties 2000 --rapid-seed $(PROPERTY_SEED)

regressions:
	$(GO) test -count=1 -run Regressions ./...

# Minimising a stretched input reseeds the rest of its scenario, so it cannot keep a finding:
# minimisation is off here, and `simfuzz shrink` shrinks findings by structure instead.
fuzz:
	$(GO) test -run '^$$' -fuzz='^FuzzScenario$$' -fuzztime=$(FUZZTIME) -fuzzminimizetime=0 ./fuzz

fuzz-decode:
	$(GO) test -run '^$$' -fuzz='^FuzzDecodeScenario$$' -fuzztime=$(FUZZTIME) \
		-fuzzminimizetime=1000x ./fuzz

# Four local shards, merged (what deploy/ does across machines).
shards: build
	mkdir -p simfuzz-out
	for i in 0 1 2 3; do ./bin/simfuzz run --seeds $(SEEDS) --shard $$i/4 --jobs 1 --json \
		--out simfuzz-out/shard-$$i > simfuzz-out/shard-$$i.json & done; wait
	./bin/simfuzz merge simfuzz-out/shard-*.json

campaign: build
	./bin/simfuzz run --seeds $(SEEDS)

# A nightly campaign on this machine, as deploy/ runs it across machines: SHARDS shards of
# NIGHTLY_SEEDS seeds each side by side, all on one kept corpus (CORPUS, which the next
# night starts from), then merge (KNOWN: a file of signatures to report but not fail on)
# and the HTML report, in NIGHTLY_OUT. Exit code: merge's.
SHARDS        ?= 2
NIGHTLY_SEEDS ?= 5000
CORPUS        ?= simfuzz-out/corpus
NIGHTLY_OUT   ?= simfuzz-out/nightly
KNOWN         ?=
nightly: build
	rm -f $(NIGHTLY_OUT)/shard-*.json
	mkdir -p $(NIGHTLY_OUT)
	pids=; for i in $$(seq 0 $$(($(SHARDS) - 1))); do \
	  ./bin/simfuzz run --seeds $(NIGHTLY_SEEDS) --shard $$i/$(SHARDS) --jobs 1 \
	    --corpus $(CORPUS) --summary $(NIGHTLY_OUT)/shard-$$i.json --found-exit 0 \
	    --out $(NIGHTLY_OUT)/shard-$$i > $(NIGHTLY_OUT)/shard-$$i.txt & pids="$$pids $$!"; \
	done; code=0; for p in $$pids; do wait $$p || code=2; done; \
	[ $$code -eq 0 ] || { echo "nightly: a shard failed (see $(NIGHTLY_OUT)/shard-*.txt)"; \
	  exit 2; }
	./bin/simfuzz report --out $(NIGHTLY_OUT)/report.html $(NIGHTLY_OUT)/shard-*.json
	./bin/simfuzz merge $(if $(KNOWN),--known $(KNOWN)) --summary $(NIGHTLY_OUT)/merged.json \
		$(NIGHTLY_OUT)/shard-*.json

# The image deploy/ names (Dockerfile): the static binary, built here, in an image FROM
# scratch (nothing is pulled).
IMAGE ?= ghcr.io/your-org/simfuzz:latest
image:
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/simfuzz-static ./cmd/simfuzz
	docker build -q -t $(IMAGE) .

# A 2-shard campaign in containers on one corpus volume, merged and reported
# (docker-compose.yml, deploy/compose/campaign.sh); skipped where Docker is absent.
compose-campaign:
	SHARDS=$(SHARDS) SEEDS=$(COMPOSE_SEEDS) bash deploy/compose/campaign.sh
COMPOSE_SEEDS ?= 300

bench:
	$(GO) test -run "^$$" -bench . -benchmem ./netfault ./harness ./model ./raft
	$(GO) run ./cmd/simfuzz bench

# The cost guard (docs/PERFORMANCE.md, "Guarding the cost"): what a seed costs at BASE and
# in the working tree, side by side with head/base ratios: user CPU per campaign and per
# standard seed, events per seed, bytes and objects per campaign seed, and instructions
# under callgrind when valgrind is installed. BASE is any commit (default main; on main
# itself use BASE=HEAD~1). Takes about three minutes; run nothing else heavy meanwhile.
# MAX_RATIO=1.02 makes it exit 1 when bytes, objects or instructions per seed grow more.
BASE         ?= main
BENCH_SEEDS  ?= 2000
STD_SEEDS    ?= 20
ROUNDS       ?= 3
MAX_RATIO    ?= 0
bench-compare:
	$(GO) build -o bin/benchcompare ./cmd/benchcompare
	./bin/benchcompare -base $(BASE) -seeds $(BENCH_SEEDS) -std-seeds $(STD_SEEDS) \
		-rounds $(ROUNDS) -max-ratio $(MAX_RATIO)

mutants:
	$(GO) run ./cmd/mutants

# The standard workload on a real 3- and 5-node cluster next to the simulated world, for
# the Raft KV and the lock service (simfuzz bench --real; docs/REAL.md).
bench-real: build
	./bin/simfuzz bench --real --target raft-kv
	./bin/simfuzz bench --real --target lock-service

# Jepsen mode against real processes for a minute, for every built-in target (LAZY=--lazy-disk
# loses unsynced writes on kill -9; TARGET=... picks one).
JEPSEN_TARGETS ?= raft-kv lock-service
jepsen: build
	@for t in $(if $(TARGET),$(TARGET),$(JEPSEN_TARGETS)); do \
	  ./bin/simfuzz check --target $$t --time 60s $(LAZY) || exit $$?; \
	done

# Jepsen mode on mutants, each built in a scratch copy of the tree with its patch applied
# (as cmd/mutants does): mutant:target:flags. Each mutant runs JEPSEN_SEEDS, and the
# unmutated tree runs the same seeds with the same flags; the table says found (exit 1),
# passed (exit 0) or error (exit 2) for each.
JEPSEN_TIME ?= 45s
JEPSEN_SEEDS ?= 1 2 3
JEPSEN_MUTANTS ?= 10-kv-double-apply:raft-kv: 09-ack-before-sync:raft-kv:--lazy-disk \
	lock-01-follower-ack-before-sync:lock-service:--lazy-disk
jepsen-mutants: build
	@out=$${TMPDIR:-/tmp}/jepsen-mutants; mkdir -p $$out; \
	verdict() { case $$1 in 0) echo passed;; 1) echo found;; *) echo "error($$1)";; esac; }; \
	printf '%-36s %-13s %-5s %-10s %s\n' mutant target seed mutant unmutated; \
	for spec in $(JEPSEN_MUTANTS); do \
	  m=$${spec%%:*}; rest=$${spec#*:}; tg=$${rest%%:*}; flags=$${rest#*:}; \
	  d=$$(mktemp -d) && \
	  git ls-files -co --exclude-standard | tar -cf - -T - | tar -xf - -C $$d && \
	  (cd $$d && git apply $(CURDIR)/testdata/mutants/$$m.patch && \
	   $(GO) build -o simfuzz ./cmd/simfuzz) || exit 2; \
	  for s in $(JEPSEN_SEEDS); do \
	    rm -rf $$out/$$m-$$s $$out/plain-$$m-$$s; \
	    $$d/simfuzz check --target $$tg $$flags --seed $$s --time $(JEPSEN_TIME) --quiet \
	      --out $$out/$$m-$$s >/dev/null 2>&1; mc=$$?; \
	    ./bin/simfuzz check --target $$tg $$flags --seed $$s --time $(JEPSEN_TIME) --quiet \
	      --out $$out/plain-$$m-$$s >/dev/null 2>&1; pc=$$?; \
	    printf '%-36s %-13s %-5s %-10s %s\n' $$m $$tg $$s "$$(verdict $$mc)" "$$(verdict $$pc)"; \
	  done; \
	  rm -rf $$d; \
	done; echo "reports under $$out"

# What CI runs (.ci/run): the tests, smoke campaigns of both built-in targets, and the
# etcd/raft example module's tests and campaign.
ci:
	bash .ci/run
