#!/usr/bin/env bash
# CI smoke test: builds the benchmark jar and runs every benchmark once with minimal iterations,
# proving each contender's setup checks (a hit is a hit, a 304 is a 304, a miss is stored) and
# the results table. It never judges timings. About two to three minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -B -q -pl benchmarks -am package -DskipTests
jar=benchmarks/target/benchmarks.jar
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Throughput and average-time benchmarks: one 100 ms iteration each, no warm-up.
# 50 URLs instead of 1,000 keep each trial's setup short.
java -jar "$jar" -f 1 -wi 0 -i 1 -r 100ms -foe true -p urls=50 -rf json -rff "$out/timed.json" \
  'FreshHitBenchmark|RevalidationBenchmark|DecisionBenchmark'
# Miss and store: one batch of 200 misses per contender instead of 10,000.
java -jar "$jar" -f 1 -wi 0 -i 1 -bs 200 -foe true -rf json -rff "$out/miss.json" \
  'MissAndStoreBenchmark'
# The storages alone: one batch of 200 stores each instead of 10,000 (not in the results table).
java -jar "$jar" -f 1 -wi 0 -i 1 -p pairs=200 -foe true 'StorageWriteBenchmark'
java -Xmx1g -XX:+UseSerialGC -cp "$jar" dev.cachet.benchmarks.HeapPerEntry 500 1 >"$out/heap.md"
# The interleaved cost measurements: one round of 50 requests each.
java -cp "$jar" dev.cachet.benchmarks.Interleaved revalidate cachet-memory,httpclient-nocache 50 0 1 >/dev/null
java -cp "$jar" dev.cachet.benchmarks.Interleaved miss cachet-memory,cachet-file,httpclient-nocache 50 0 1 >/dev/null
java -cp "$jar" dev.cachet.benchmarks.ResultsTable "$out/timed.json" "$out/miss.json" "$out/heap.md"
echo "benchmarks smoke: every benchmark ran once"
