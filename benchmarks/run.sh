#!/usr/bin/env bash
# Runs the standard benchmark set (under 15 minutes on an idle 2-core machine) and writes
#   benchmarks/results/<date>.json   JMH's raw results (not committed)
#   benchmarks/results/<date>.md     the Markdown tables, with the machine and the command
# Usage: benchmarks/run.sh                the standard set
#        benchmarks/run.sh --steady       revalidation and miss-and-store only, every contender
#                                         warmed until steady (about 12 minutes; see below)
#        benchmarks/run.sh --interleaved  a cache's revalidation and miss next to a plain GET, taking
#                                         turns in one JVM so that machine drift cancels (~15 min)
#        benchmarks/run.sh JMH-ARGS...    only the throughput/time benchmarks, with these
#                                         extra JMH arguments (e.g. a regex, -p contender=...)
# Needs only a JDK 17+. Run it on an otherwise idle machine: the load is recorded in the output.
set -euo pipefail
cd "$(dirname "$0")/.."

steady=false
interleaved=false
if [ "${1:-}" = "--steady" ]; then
  steady=true
  shift
elif [ "${1:-}" = "--interleaved" ]; then
  interleaved=true
  shift
fi

./mvnw -B -q -pl benchmarks -am package -DskipTests
jar=benchmarks/target/benchmarks.jar
stamp=$(date -u +%Y-%m-%dT%H%MZ)
if $steady; then
  stamp=$stamp-steady
elif $interleaved; then
  stamp=$stamp-interleaved
fi
mkdir -p benchmarks/results
json=benchmarks/results/$stamp.json
json_miss=benchmarks/results/$stamp-miss.json
md=benchmarks/results/$stamp.md
appendix=$(mktemp)
trap 'rm -f "$appendix"' EXIT

# Throughput and average-time benchmarks: 2 × 1 s warm-up, 3 × 1 s measured, one fork each.
timed_args=(-f 1 -wi 2 -w 1s -i 3 -r 1s -prof gc -foe true)
# Miss and store: each iteration is one batch of 10,000 misses into an empty cache.
# cachet-file-nosync (FileStorage without fsync) is left out of the standard set to keep it short.
miss_args=(-f 1 -wi 1 -i 2 -prof gc -foe true
  -p contender=cachet-memory,cachet-file,apache-memory,apache-file,methanol-memory,methanol-disk,okhttp-disk,httpclient-nocache)
# The steady set: the standard set's short warm-up leaves the JIT still compiling the code of a
# revalidation or a miss (more of it for a cache than for a plain GET) in the first measured
# iterations. Here every contender gets the same long warm-up: ~12 s of revalidations (about
# 25,000 of them at memory speed) and three batches of 10,000 misses, then five 1 s iterations
# or three batches measured.
steady_timed_args=(-f 1 -wi 12 -w 1s -i 5 -r 1s -prof gc -foe true)
steady_miss_args=(-f 1 -wi 3 -i 3 -prof gc -foe true
  -p contender=cachet-memory,cachet-file,cachet-file-nosync,apache-memory,apache-file,methanol-memory,methanol-disk,okhttp-disk,httpclient-nocache)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date +%s)
results=("$json")
if $interleaved; then
  # Many short rounds pair better than a few long ones: the machine's speed changes within seconds.
  # Revalidation: 1,000 requests per contender per round, 50 warm-up rounds, 60 measured.
  # Miss and store: each round 2,000 misses into new caches, 20 warm-up rounds, 40 measured.
  java -Xms2g -Xmx2g -cp "$jar" dev.cachet.benchmarks.Interleaved revalidate \
    cachet-memory,httpclient-nocache 1000 50 60 >"$appendix"
  echo >>"$appendix"
  java -Xms2g -Xmx2g -cp "$jar" dev.cachet.benchmarks.Interleaved miss \
    cachet-memory,cachet-file,httpclient-nocache 2000 20 40 >>"$appendix"
elif $steady; then
  java -jar "$jar" "${steady_timed_args[@]}" -rf json -rff "$json" "$@" RevalidationBenchmark
  java -jar "$jar" "${steady_miss_args[@]}" -rf json -rff "$json_miss" "$@" MissAndStore
  results+=("$json_miss")
elif [ $# -gt 0 ]; then
  # Arguments: only the timed set, narrowed or changed by them.
  java -jar "$jar" "${timed_args[@]}" -rf json -rff "$json" -e MissAndStore "$@"
else
  # StorageWriteBenchmark (a storage alone, no HTTP) is not in the standard set: run it with
  # benchmarks/run.sh StorageWrite
  java -jar "$jar" "${timed_args[@]}" -rf json -rff "$json" -e 'MissAndStore|StorageWrite'
  java -jar "$jar" "${miss_args[@]}" -rf json -rff "$json_miss" MissAndStore
  java -Xms2g -Xmx2g -XX:+UseSerialGC -cp "$jar" dev.cachet.benchmarks.HeapPerEntry 10000 1 >"$appendix"
  results+=("$json_miss" "$appendix")
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

{
  echo "## Results of $stamp"
  echo
  if $interleaved; then
    echo "- Command: \`benchmarks/run.sh --interleaved\`: \`Interleaved revalidate cachet-memory,httpclient-nocache 1000 50 60\`,"
    echo "  then \`Interleaved miss cachet-memory,cachet-file,httpclient-nocache 2000 20 40\` (\`-Xms2g -Xmx2g\`);"
  elif $steady; then
    echo "- Command: \`benchmarks/run.sh --steady $*\`: JMH with \`${steady_timed_args[*]} $* RevalidationBenchmark\`,"
    echo "  then \`${steady_miss_args[*]} $* MissAndStore\`;"
  elif [ $# -gt 0 ]; then
    echo "- Command: \`benchmarks/run.sh $*\`: JMH with \`${timed_args[*]} -e MissAndStore $*\`;"
  else
    echo "- Command: \`benchmarks/run.sh\`: JMH with \`${timed_args[*]} -e 'MissAndStore|StorageWrite'\`,"
    echo "  then \`${miss_args[*]} MissAndStore\`, then \`HeapPerEntry 10000 1\` (\`-Xms2g -Xmx2g -XX:+UseSerialGC\`);"
  fi
  echo "  $(( ($(date +%s) - started) / 60 )) minutes in all"
  echo "- Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),"
  echo "  $(free -g | awk '/Mem:/ {print $2}') GiB; $(java -version 2>&1 | head -2 | tail -1)"
  echo "- Load average (1/5/15 min) before: $load_before; after: $load_after"
  echo
  if $interleaved; then
    cat "$appendix"
  else
    java -cp "$jar" dev.cachet.benchmarks.ResultsTable "${results[@]}"
  fi
} >"$md"
echo "wrote $md"
