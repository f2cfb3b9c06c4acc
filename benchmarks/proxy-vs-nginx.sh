#!/usr/bin/env bash
# The caching reverse proxy against nginx's proxy_cache, in one run, with wrk, on the hit-heavy
# mix: 80% GETs of fresh stored responses, 10% conditional GETs answered 304 from the cache
# (If-None-Match with the stored ETag), 10% no-store responses forwarded to the origin every time;
# 4 keep-alive connections, bodies 100 B - 16 KiB (100 of each kind).
#
# The origin is nginx serving static files on 127.0.0.1. Contenders, each warmed, then measured:
#   nginx-memory   nginx proxy_cache with its cache directory in /dev/shm (RAM)
#   cachet-memory  cachet-proxy.jar with MemoryStorage, --max-bytes 64m
#   nginx-file     nginx proxy_cache with its cache directory on disk
#   cachet-file    cachet-proxy.jar with FileStorage on disk
# Writes benchmarks/results/<date>-proxy.md (a Markdown table, the machine, the command).
#
# Each round measures the four contenders one after another, the order rotating from round to
# round; the table gives the medians over the rounds, each ratio taken within its round.
#
# Usage: benchmarks/proxy-vs-nginx.sh [SECONDS] [ROUNDS]
#   SECONDS measured per contender and round (default 20), ROUNDS (default 3)
# Needs: a JDK 17+, and Debian's nginx-light and wrk (apt-get install -y nginx-light wrk).
set -euo pipefail
export LC_ALL=C # printf and awk read and write decimal points
cd "$(dirname "$0")/.."
seconds=${1:-20}
rounds=${2:-3}
warm=${WARM_SECONDS:-15}
for tool in nginx wrk java curl; do
  command -v $tool >/dev/null || { echo "error: $tool is missing (apt-get install -y nginx-light wrk)" >&2; exit 2; }
done
if [ ! -f proxy/target/cachet-proxy.jar ]; then
  ./mvnw -B -q -pl core,storage,engine,httpclient-adapter,micrometer,proxy package -DskipTests \
    -Dmaven.javadoc.skip=true
fi

work=$(mktemp -d /tmp/cachet-proxy-bench.XXXXXX)
chmod 755 "$work" # nginx workers read the content as another user
shm=$(mktemp -d /dev/shm/cachet-proxy-bench.XXXXXX)
chmod 777 "$shm"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  sleep 1
  rm -rf "$work" "$shm"
}
trap cleanup EXIT

# The content: 100 files of each kind, sizes drawn once from 100..16384 bytes (fixed seed).
python3 - "$work/www" <<'PY'
import os, random, sys
root = sys.argv[1]
rnd = random.Random(9111)
for kind in ("fresh", "reval", "nostore"):
    os.makedirs(os.path.join(root, kind))
    for i in range(100):
        with open(os.path.join(root, kind, str(i)), "wb") as f:
            f.write(bytes(rnd.randrange(32, 127) for _ in range(rnd.randint(100, 16384))))
PY

origin=18180; nginx_mem=18181; nginx_file=18182; cachet_mem=18190; cachet_file=18191
mkdir -p "$work/nginx-file-cache" "$work/cachet-file" "$work/logs"
chmod 777 "$work/nginx-file-cache"
cat > "$work/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nodelay on;
  keepalive_requests 1000000;
  default_type application/octet-stream;
  proxy_cache_path $shm levels=1:2 keys_zone=mem:16m max_size=64m inactive=1h use_temp_path=off;
  proxy_cache_path $work/nginx-file-cache levels=1:2 keys_zone=file:16m max_size=64m inactive=1h use_temp_path=off;
  upstream origin { server 127.0.0.1:$origin; keepalive 32; }
  server {
    listen 127.0.0.1:$origin;
    root $work/www;
    location /fresh/ { add_header Cache-Control "max-age=3600"; }
    location /reval/ { add_header Cache-Control "max-age=3600"; }
    location /nostore/ { add_header Cache-Control "no-store"; }
  }
  server {
    listen 127.0.0.1:$nginx_mem;
    location / {
      proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_cache mem; add_header Cache-Status \$upstream_cache_status;
    }
  }
  server {
    listen 127.0.0.1:$nginx_file;
    location / {
      proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_cache file; add_header Cache-Status \$upstream_cache_status;
    }
  }
}
CONF
nginx -c "$work/nginx.conf" -p "$work"

jvm=(-Xms256m -Xmx256m -XX:+UseParallelGC)
java "${jvm[@]}" -jar proxy/target/cachet-proxy.jar --quiet --listen 127.0.0.1:$cachet_mem \
  --origin http://127.0.0.1:$origin --max-bytes 64m > "$work/logs/cachet-memory.log" 2>&1 &
pids+=($!)
java "${jvm[@]}" -jar proxy/target/cachet-proxy.jar --quiet --listen 127.0.0.1:$cachet_file \
  --origin http://127.0.0.1:$origin --max-bytes 64m --storage "$work/cachet-file" \
  > "$work/logs/cachet-file.log" 2>&1 &
pids+=($!)
for port in $origin $nginx_mem $nginx_file $cachet_mem $cachet_file; do
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/fresh/0" && break; sleep 0.2; done
done

# The ETags of the revalidated files, as the origin gives them, for the conditional requests.
{
  echo "etags = {}"
  for i in $(seq 0 99); do
    etag=$(curl -sI "http://127.0.0.1:$origin/reval/$i" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')
    echo "etags[$i] = '$etag'"
  done
  cat <<'LUA'
counter = 0
request = function()
  counter = counter + 1
  local r = math.random(100)
  if r <= 80 then
    return wrk.format("GET", "/fresh/" .. math.random(0, 99))
  elseif r <= 90 then
    local i = math.random(0, 99)
    return wrk.format("GET", "/reval/" .. i, {["If-None-Match"] = etags[i]})
  else
    return wrk.format("GET", "/nostore/" .. math.random(0, 99))
  end
end
LUA
} > "$work/mix.lua"

fill() { # stores every cacheable response once, so the measured run is the steady mix
  for kind in fresh reval nostore; do
    for i in $(seq 0 99); do curl -s -o /dev/null "http://127.0.0.1:$1/$kind/$i"; done
  done
}
ticks() { awk '{print $14, $15}' "/proc/$1/stat"; } # user and system CPU of a process, in ticks
run() { # name port seconds [pid] -> wrk output file, and the pid's CPU during the run when given
  local before=""
  [ -n "${4:-}" ] && before=$(ticks "$4")
  wrk -t2 -c4 -d"${3}s" --latency -s "$work/mix.lua" "http://127.0.0.1:$2" > "$work/$1.txt"
  if [ -n "${4:-}" ]; then
    echo "$before $(ticks "$4")" > "$work/$1.cpu"
  fi
}
rss() { ps -o rss= -p "$1" | awk '{printf "%.0f", $1/1024}'; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%s)
for c in "nginx-memory $nginx_mem" "cachet-memory $cachet_mem" "nginx-file $nginx_file" "cachet-file $cachet_file"; do
  set -- $c
  fill "$2"
  run "$1-warm" "$2" "$warm"
done
contenders=("nginx-memory $nginx_mem" "cachet-memory $cachet_mem ${pids[0]}" "nginx-file $nginx_file"
  "cachet-file $cachet_file ${pids[1]}")
for r in $(seq "$rounds"); do
  for k in 0 1 2 3; do
    set -- ${contenders[$(( (r - 1 + k) % 4 ))]}
    run "$1-r$r" "$2" "$seconds" "${3:-}"
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
rss_mem=$(rss "${pids[0]}"); rss_file=$(rss "${pids[1]}")
nginx_rss=$(ps -o rss= --ppid "$(cat "$work/nginx.pid")" | awk '{s+=$1} END {printf "%.0f", s/1024}')

# Latency in ms from wrk's "50%  1.23ms" lines, and requests per second, of one run's output.
ms() { awk -v p="$2" '$1==p {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.3f\n", v}' "$work/$1.txt"; }
rps() { awk '/^Requests\/sec/ {printf "%.0f\n", $2}' "$work/$1.txt"; }
errors() { cat "$work/$1"-r*.txt | awk '/Non-2xx or 3xx/ {print $5} /Socket errors/ {print}' | tr '\n' ' '; }
# The proxy's CPU per request of one run, in microseconds: user or system (field 1 or 2).
cpu() {
  awk -v f="$2" -v n="$(awk '/requests in/ {print $1}' "$work/$1.txt")" -v hz="$(getconf CLK_TCK)" \
    '{printf "%.2f\n", ($(f + 2) - $f) * 1e6 / hz / n}' "$work/$1.cpu"
}
median() { sort -g | awk '{v[NR]=$1} END {if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
# The median over the rounds of a value of one contender: rps, or ms with a percentile.
over() { for r in $(seq "$rounds"); do "$2" "$1-r$r" ${3:-}; done | median; }
# The median over the rounds of a contender's ratio to another in the same round.
ratio() {
  for r in $(seq "$rounds"); do
    awk -v a="$("$3" "$1-r$r" ${4:-})" -v b="$("$3" "$2-r$r" ${4:-})" 'BEGIN {print a/b}'
  done | median
}

stamp=$(date -u +%Y-%m-%dT%H%MZ)
out=benchmarks/results/$stamp-proxy.md
mkdir -p benchmarks/results
{
  echo "# cachet-proxy against nginx proxy_cache, $stamp"
  echo
  echo "Hit-heavy mix (80% fresh hits, 10% conditional GETs answered 304 from the cache, 10%"
  echo "no-store forwarded), 4 keep-alive connections, bodies 100 B - 16 KiB; wrk -t2 -c4"
  echo "-d${seconds}s per contender and round, $rounds rounds in rotating order, after ${warm}s of"
  echo "warm-up each. Origin: nginx on loopback. Medians over the rounds; each ratio is taken"
  echo "within its round."
  echo
  echo "| contender | requests/s | p50 ms | p99 ms | vs nginx (throughput) | p99 vs nginx |"
  echo "|---|---:|---:|---:|---:|---:|"
  for pair in "nginx-memory nginx-memory" "cachet-memory nginx-memory" "nginx-file nginx-file" "cachet-file nginx-file"; do
    set -- $pair
    printf '| %s | %.0f | %.2f | %.2f | %.2f× | %.2f× |\n' "$1" "$(over "$1" rps)" \
      "$(over "$1" ms 50%)" "$(over "$1" ms 99%)" "$(ratio "$1" "$2" rps)" "$(ratio "$1" "$2" ms 99%)"
  done
  echo
  echo "The proxy's own CPU per request (its JVM's user and system time over the requests served):"
  echo
  echo "| contender | user µs | system µs |"
  echo "|---|---:|---:|"
  for n in cachet-memory cachet-file; do
    echo "| $n | $(over "$n" cpu 1) | $(over "$n" cpu 2) |"
  done
  echo
  echo "Requests/s in each round:"
  echo
  echo "| contender | $(seq -s ' | ' "$rounds") |"
  echo "|---|$(for r in $(seq "$rounds"); do printf -- '---:|'; done)"
  for n in nginx-memory cachet-memory nginx-file cachet-file; do
    echo "| $n | $(for r in $(seq "$rounds"); do printf '%s | ' "$(rps "$n-r$r")"; done)"
  done
  echo
  echo "Resident memory after the run: cachet-memory ${rss_mem} MiB, cachet-file ${rss_file} MiB"
  echo "(JVM flags ${jvm[*]}), nginx workers ${nginx_rss} MiB together."
  for n in nginx-memory cachet-memory nginx-file cachet-file; do
    e=$(errors "$n"); [ -n "$e" ] && echo "$n: non-2xx/3xx or socket errors: $e"
  done
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo),"
  echo "$(java -version 2>&1 | head -1), $(nginx -v 2>&1), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)."
  echo "Load average before: $load_before; after: $load_after; took $(( $(date -u +%s) - started )) s."
  echo
  echo "Command: benchmarks/proxy-vs-nginx.sh $seconds $rounds"
} > "$out"
cat "$out"
