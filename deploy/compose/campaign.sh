#!/usr/bin/env bash
# A campaign of SHARDS shard containers (default 2) of SEEDS seeds each (default 300) on
# one shared corpus volume, then merge and report (docker-compose.yml at the repository
# root): what `make compose-campaign` and CI run. It builds the image (make image), writes
# merged.json, merged.txt and report.html to OUT (default simfuzz-out/compose), and removes
# its containers and volumes, whatever happens. Where no Docker engine or docker-compose is
# available it says so and exits 0 (skipped). Exit code: merge's (0 nothing found, 1 failures
# found, 2 incomplete), or 2 when a shard or the report fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
SHARDS="${SHARDS:-2}"
SEEDS="${SEEDS:-300}"
OUT="${OUT:-simfuzz-out/compose}"
if ! command -v docker >/dev/null || ! docker info >/dev/null 2>&1; then
  echo "compose-campaign: skipped: no Docker engine here"
  exit 0
fi
if ! command -v docker-compose >/dev/null; then
  echo "compose-campaign: skipped: docker-compose is not installed"
  exit 0
fi
export IMAGE="${IMAGE:-simfuzz:local}" SHARDS SEEDS
make image IMAGE="$IMAGE"
project="simfuzz-campaign-$$"
compose() { docker-compose -p "$project" "$@"; }
containers=()
cleanup() {
  [ "${#containers[@]}" -eq 0 ] || docker rm -f "${containers[@]}" >/dev/null 2>&1 || true
  compose down -v --remove-orphans >/dev/null 2>&1 || true
}
trap cleanup EXIT
for ((i = 0; i < SHARDS; i++)); do
  containers+=("$(SHARD_INDEX=$i compose run -d --no-deps shard)")
done
code=0
for c in "${containers[@]}"; do
  status="$(docker wait "$c")"
  docker logs "$c" 2>&1 | tail -n 3
  [ "$status" -eq 0 ] || { echo "compose-campaign: shard container exit $status"; code=2; }
done
[ "$code" -eq 0 ] || exit "$code"
merge="$(compose run -d --no-deps merge)"
containers+=("$merge")
merge_code="$(docker wait "$merge")"
if [ "$merge_code" -ge 2 ]; then docker logs "$merge"; exit 2; fi
report="$(compose run -d --no-deps report)"
containers+=("$report")
[ "$(docker wait "$report")" -eq 0 ] || { docker logs "$report"; exit 2; }
mkdir -p "$OUT"
docker logs "$merge" > "$OUT/merged.txt" 2>&1
cat "$OUT/merged.txt"
docker cp "$merge:/artifacts/merged.json" "$OUT/merged.json"
docker cp "$report:/artifacts/report.html" "$OUT/report.html"
echo "compose-campaign: $SHARDS shards of $SEEDS seeds; merge exit $merge_code; $OUT/report.html"
exit "$merge_code"
