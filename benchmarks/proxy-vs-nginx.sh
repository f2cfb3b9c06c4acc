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
# Usage: benchmarks/proxy-vs-nginx.sh [SECONDS]     measured seconds per contender (default 20)
# Needs: a JDK 17+, and Debian's nginx-light and wrk (apt-get install -y nginx-light wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
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
run() { # name port seconds -> wrk output file
  wrk -t2 -c4 -d"${3}s" --latency -s "$work/mix.lua" "http://127.0.0.1:$2" > "$work/$1.txt"
}
rss() { ps -o rss= -p "$1" | awk '{printf "%.0f", $1/1024}'; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%s)
for c in "nginx-memory $nginx_mem" "cachet-memory $cachet_mem" "nginx-file $nginx_file" "cachet-file $cachet_file"; do
  set -- $c
  fill "$2"
  run "$1-warm" "$2" "$warm"
done
for c in "nginx-memory $nginx_mem" "cachet-memory $cachet_mem" "nginx-file $nginx_file" "cachet-file $cachet_file"; do
  set -- $c
  run "$1" "$2" "$seconds"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
rss_mem=$(rss "${pids[0]}"); rss_file=$(rss "${pids[1]}")
nginx_rss=$(ps -o rss= --ppid "$(cat "$work/nginx.pid")" | awk '{s+=$1} END {printf "%.0f", s/1024}')

# Latency in ms from wrk's "50%  1.23ms" lines.
ms() { awk -v p="$2" '$1==p {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.2f", v}' "$work/$1.txt"; }
rps() { awk '/^Requests\/sec/ {printf "%.0f", $2}' "$work/$1.txt"; }
errors() { awk '/Non-2xx or 3xx/ {print $5} /Socket errors/ {print}' "$work/$1.txt" | tr '\n' ' '; }

stamp=$(date -u +%Y-%m-%dT%H%MZ)
out=benchmarks/results/$stamp-proxy.md
mkdir -p benchmarks/results
{
  echo "# cachet-proxy against nginx proxy_cache, $stamp"
  echo
  echo "Hit-heavy mix (80% fresh hits, 10% conditional GETs answered 304 from the cache, 10%"
  echo "no-store forwarded), 4 keep-alive connections, bodies 100 B - 16 KiB; wrk -t2 -c4"
  echo "-d${seconds}s after ${warm}s of warm-up each. Origin: nginx on loopback."
  echo
  echo "| contender | requests/s | p50 ms | p99 ms | vs nginx (throughput) | p99 vs nginx |"
  echo "|---|---:|---:|---:|---:|---:|"
  for pair in "nginx-memory nginx-memory" "cachet-memory nginx-memory" "nginx-file nginx-file" "cachet-file nginx-file"; do
    set -- $pair
    r=$(rps "$1"); base=$(rps "$2")
    p99=$(ms "$1" 99%); base99=$(ms "$2" 99%)
    ratio=$(awk -v a="$r" -v b="$base" 'BEGIN {printf "%.2f×", a/b}')
    lat=$(awk -v a="$p99" -v b="$base99" 'BEGIN {printf "%.2f×", a/b}')
    echo "| $1 | $r | $(ms "$1" 50%) | $p99 | $ratio | $lat |"
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
  echo "Command: benchmarks/proxy-vs-nginx.sh $seconds"
} > "$out"
cat "$out"
