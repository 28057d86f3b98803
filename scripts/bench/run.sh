#!/usr/bin/env bash
# Runs the benchmarks of docs/benchmarks.md on this machine and prints the figures.
# Needs hyperfine (apt-get install hyperfine) and a debootstrap root (scripts/test-rootfs.sh).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
root="${VIGIL_BENCH_ROOTFS:-/var/cache/vigil/rootfs-bench}"
work="${VIGIL_BENCH_WORK:-/tmp/vigil-bench}"
mkdir -p "$work"
cd "$repo"

echo "== machine"
nproc; free -g | sed -n 2p; uname -r; "$JAVA_HOME/bin/java" -version 2>&1 | head -1

echo "== synthetic Debian OSV dump (60,000 records)"
[ -f "$work/debian-all.zip" ] || python3 scripts/bench/synthetic-osv-dump.py "$work/debian-all.zip" \
  --records 60000 --status /var/lib/dpkg/status
ls -l "$work/debian-all.zip"

./vigil version >/dev/null  # builds and trains the AOT cache when needed
echo "== import"
hyperfine -N -w 1 -r 5 --prepare "rm -rf $work/data" "./vigil db import -q --data-dir $work/data $work/debian-all.zip"
/usr/bin/time -f "import: %e s wall, %M KiB peak RSS" ./vigil db import -q --data-dir "$work/data" --replace \
  "$work/debian-all.zip" >/dev/null

echo "== warm scans"
echo "host packages: $(dpkg-query -W | wc -l); rootfs packages: $(grep -c '^Package:' "$root/var/lib/dpkg/status")"
hyperfine -N -w 3 -r 20 \
  "./vigil scan host --offline -q --data-dir $work/data --format json --output /dev/null" \
  "./vigil scan rootfs $root --offline -q --data-dir $work/data --format json --output /dev/null" \
  "./vigil sbom host -q --format json --output /dev/null"
for target in "host" "rootfs $root"; do
  /usr/bin/time -f "scan $target: %e s wall, %M KiB peak RSS" \
    ./vigil scan $target --offline -q --data-dir "$work/data" --format json --output /dev/null
done

echo "== JMH"
./mvnw -B -q -o package -Pbench -DskipTests -pl vigil-benchmarks -am
"$JAVA_HOME/bin/java" -jar vigil-benchmarks/target/benchmarks.jar -p dump="$work/debian-all.zip" -p root=/ \
  -rf json -rff "$work/jmh.json" 2>&1 | sed -n '/^Benchmark /,$p'

echo "== server intake (SQLite): a new empty store, this host's agent batch, sequential and two in flight"
rm -rf "$work/agent" && VIGIL_DEPLOYMENT=linux ./vigil agent run --once --server http://127.0.0.1:9 \
  --data-dir "$work/agent" >/dev/null 2>&1 || true
batch="$(ls "$work"/agent/agent/spool/*.json.gz | head -n1)"
for parallel in 1 2; do
  rm -rf "$work/intake" && mkdir -p "$work/intake/db" && cp "$work/data/db/advisories.db" "$work/intake/db/"
  setsid ./vigil server --data-dir "$work/intake" --port 8712 >"$work/intake.log" 2>&1 &
  for _ in $(seq 1 90); do curl -sf http://127.0.0.1:8712/healthz >/dev/null && break; sleep 1; done
  key="$(grep intake-api-key "$work/intake/initial-credentials" | cut -d= -f2)"
  for run in 1 2 3; do
    python3 scripts/bench/intake.py http://127.0.0.1:8712 "$key" "$batch" --agents 5 --parallel "$parallel"
  done
  pkill -f -- "--data-dir $work/intake" || true
  sleep 1
done
