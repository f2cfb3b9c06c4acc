#!/usr/bin/env bash
# Runs the standard benchmark set (about 15 minutes on 2 cores) and writes
#   benchmarks/results/<date>.json   JMH's raw results (not committed)
#   benchmarks/results/<date>.md     the Markdown tables, with the machine and the command
# Usage: benchmarks/run.sh [extra JMH arguments, e.g. a benchmark regex]
# Needs only a JDK 17+. Run it on an otherwise idle machine: the load is recorded in the output.
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -B -q -pl benchmarks -am package -DskipTests
jar=benchmarks/target/benchmarks.jar
stamp=$(date -u +%Y-%m-%dT%H%MZ)
mkdir -p benchmarks/results
json=benchmarks/results/$stamp.json
md=benchmarks/results/$stamp.md
heap=$(mktemp)
trap 'rm -f "$heap"' EXIT

jmh_args=(-f 1 -wi 2 -w 1s -i 3 -r 2s -prof gc -foe true -rf json -rff "$json")
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
java -jar "$jar" "${jmh_args[@]}" "$@"
java -Xms2g -Xmx2g -XX:+UseSerialGC -cp "$jar" dev.cachet.benchmarks.HeapPerEntry 10000 3 >"$heap"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

{
  echo "## Results of $stamp"
  echo
  echo "- Command: \`benchmarks/run.sh $*\` (JMH \`${jmh_args[*]} $*\`; heap:"
  echo "  \`HeapPerEntry 10000 3\` with \`-Xms2g -Xmx2g -XX:+UseSerialGC\`)"
  echo "- Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),"
  echo "  $(free -g | awk '/Mem:/ {print $2}') GiB; $(java -version 2>&1 | head -2 | tail -1)"
  echo "- Load average (1/5/15 min) before: $load_before; after: $load_after"
  echo
  java -cp "$jar" dev.cachet.benchmarks.ResultsTable "$json" "$heap"
} >"$md"
echo "wrote $md"
