#!/usr/bin/env bash
# Runs the benchmarks of docs/benchmarks.md on this machine and prints every figure the document states, in its
# units, each line starting with "FIGURE" where it is one. Works on a fresh clone with ../shared beside it.
#
#   scripts/bench/run.sh                         # everything (about 30 minutes on 2 cores; see docs/benchmarks.md)
#   VIGIL_BENCH_SECTIONS="import scans" scripts/bench/run.sh   # some sections: import scans startup jmh rules posture
#                                                              # intake postgres store sensor trace
# Installs hyperfine with apt-get when missing (needs root) and builds the debootstrap root of
# scripts/test-rootfs.sh when missing (needs root and the Debian mirror). Stops exactly the processes it started.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
java="$JAVA_HOME/bin/java"
# The same root as the tests (scripts/test-rootfs.sh), built once and shared.
root="${VIGIL_BENCH_ROOTFS:-${VIGIL_TEST_ROOTFS:-/var/cache/vigil/rootfs-bookworm}}"
work="${VIGIL_BENCH_WORK:-/tmp/vigil-bench}"
sections=" ${VIGIL_BENCH_SECTIONS:-import scans startup jmh rules posture intake postgres store sensor trace} "
bench_jar="$repo/vigil-benchmarks/target/benchmarks.jar"
mkdir -p "$work"
cd "$repo"
began=$SECONDS

# Every background process this script starts, stopped by PID on any exit.
started=()
stop_started() {
  local pid
  for pid in "${started[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${started[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  started=()
}
trap stop_started EXIT
trap 'exit 130' INT TERM
stop() { # PID...: stops these (started here) and forgets them
  local pid keep=() s
  for pid in "$@"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  for s in "${started[@]}"; do [[ " $* " == *" $s "* ]] || keep+=("$s"); done
  started=("${keep[@]+"${keep[@]}"}")
}
wants() { [[ "$sections" == *" $1 "* ]]; }
figure() { echo "FIGURE $*"; }

# A server on PORT with data dir DIR and any further arguments; sets $server_pid, waits until it answers.
start_server() {
  local dir="$1" port="$2"
  shift 2
  ./vigil server --data-dir "$dir" --port "$port" "$@" >"$dir.log" 2>&1 &
  server_pid=$!
  started+=("$server_pid")
  for _ in $(seq 1 180); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return 0
    kill -0 "$server_pid" 2>/dev/null || { cat "$dir.log" >&2; echo "run.sh: the server on $port died" >&2; exit 1; }
    sleep 1
  done
  echo "run.sh: the server on $port did not answer in 180 s; see $dir.log" >&2
  exit 1
}
credential() { grep "^$2=" "${credentials:-$1/initial-credentials}" | cut -d= -f2-; } # DATA_DIR KEY
login() { # DATA_DIR PORT -> session token
  curl -sf -H 'Content-Type: application/json' \
    -d "{\"email\":\"$(credential "$1" email)\",\"password\":\"$(credential "$1" password)\"}" \
    "http://127.0.0.1:$2/api/v1/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

if ! command -v hyperfine >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    echo "run.sh: installing hyperfine" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q hyperfine >/dev/null || {
      apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q hyperfine >/dev/null; }
  else
    echo "run.sh: hyperfine is missing; install it (apt-get install hyperfine) or run as root" >&2
    exit 1
  fi
fi

echo "== machine"
echo "$(nproc) cores; $(free -g | awk '/^Mem:/ {print $2}') GiB RAM; kernel $(uname -r); load $(cut -d' ' -f1-3 /proc/loadavg)"
"$java" -version 2>&1 | head -1
echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'); $(date -u +%Y-%m-%dT%H:%MZ)"

echo "== build"
./vigil --version >/dev/null # builds the distribution and trains its AOT cache when needed
if wants jmh || wants rules || wants posture || wants store || wants postgres; then
  ./mvnw -B -q -o package -Pbench -DskipTests -Dspotless.check.skip=true -pl vigil-benchmarks -am
fi

echo "== synthetic Debian OSV dump (60,000 records, seed 1)"
[ -f "$work/debian-all.zip" ] || python3 scripts/bench/synthetic-osv-dump.py "$work/debian-all.zip" \
  --records 60000 --status /var/lib/dpkg/status --seed 1
figure "dump: $(($(stat -c %s "$work/debian-all.zip") / 1000000)) MB, sha256 $(sha256sum "$work/debian-all.zip" | cut -c1-12)"
if [ ! -f "$work/data/db/advisories.db" ] || ! wants import; then
  ./vigil db import -q --data-dir "$work/data" --replace "$work/debian-all.zip" >/dev/null
fi

if wants import; then
  echo "== import"
  hyperfine -N -w 1 -r 5 --prepare "rm -rf $work/import" --export-json "$work/import.json" \
    "./vigil db import -q --data-dir $work/import $work/debian-all.zip"
  python3 - "$work/import.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"FIGURE import 60,000 records: {r['mean']:.2f} s ± {r['stddev']:.2f} (wall, hyperfine, 5 runs;"
      f" CPU {r['user'] + r['system']:.2f} s)")
PY
  rm -rf "$work/import"
  /usr/bin/time -f "FIGURE import: %e s wall, %M KiB peak RSS" ./vigil db import -q --data-dir "$work/import" \
    "$work/debian-all.zip" >/dev/null
  rm -rf "$work/import"
fi

if wants scans; then
  echo "== warm scans"
  [ -f "$root/var/lib/dpkg/status" ] || VIGIL_TEST_ROOTFS="$root" scripts/test-rootfs.sh >/dev/null
  for target in "host" "rootfs $root"; do
    # shellcheck disable=SC2086
    ./vigil scan $target --offline -q --data-dir "$work/data" --format json | python3 -c '
import collections, json, sys
d = json.load(sys.stdin)
v = d["vulnerabilities"]
by = dict(sorted(collections.Counter(x.get("severity", "?") for x in v).items()))
states = dict(sorted(collections.Counter(x.get("fixState", "?") for x in v).items()))
print(f"FIGURE scan {sys.argv[1]}: %d packages, {len(v)} findings ({by}; {states})" % d["packageCount"])
' "$target" || true
  done
  hyperfine -N -w 3 -r 20 --export-json "$work/scans.json" \
    "./vigil scan host --offline -q --data-dir $work/data --format json --output /dev/null" \
    "./vigil scan rootfs $root --offline -q --data-dir $work/data --format json --output /dev/null" \
    "./vigil sbom host -q --format json --output /dev/null"
  python3 - "$work/scans.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"FIGURE {r['command'].split(' --')[0]}: {r['mean']:.3f} s ± {r['stddev']:.3f} (hyperfine, 20 runs;"
          f" CPU {r['user'] + r['system']:.3f} s)")
PY
  for target in "host" "rootfs $root"; do
    # shellcheck disable=SC2086
    /usr/bin/time -f "FIGURE scan $target: %e s wall, %M KiB peak RSS" \
      ./vigil scan $target --offline -q --data-dir "$work/data" --format json --output /dev/null
  done
fi

if wants startup; then
  echo "== start-up"
  # The launcher alone: a copy whose final exec runs `true` instead of the JVM, against an empty script.
  sed 's|exec "\$jdk/bin/java"|exec true "$jdk/bin/java"|' vigil >"$work/vigil-dry" && chmod +x "$work/vigil-dry"
  cp "$work/vigil-dry" ./.vigil-dry  # beside the real one: the launcher finds the build from its own path
  printf '#!/usr/bin/env bash\nset -euo pipefail\nexec true\n' >"$work/empty.sh" && chmod +x "$work/empty.sh"
  hyperfine -N -w 5 -r 40 --export-json "$work/launcher.json" './.vigil-dry --version' "$work/empty.sh"
  hyperfine -N -w 3 -r 30 --export-json "$work/version.json" './vigil --version'
  python3 - "$work/launcher.json" "$work/version.json" <<'PY'
import json, sys
launcher, empty = json.load(open(sys.argv[1]))["results"]
version = json.load(open(sys.argv[2]))["results"][0]
print(f"FIGURE launcher overhead: {(launcher['median'] - empty['median']) * 1000:.0f} ms median"
      f" (launcher {launcher['median'] * 1000:.0f} ms, empty bash script {empty['median'] * 1000:.0f} ms)")
print(f"FIGURE vigil --version: {version['median']:.3f} s median (hyperfine, 30 runs;"
      f" CPU {version['user'] + version['system']:.3f} s)")
PY
  rm -f ./.vigil-dry
fi

if wants jmh; then
  echo "== JMH"
  "$java" -jar "$bench_jar" 'MatchBenchmark|VersionCompareBenchmark' -p dump="$work/debian-all.zip" -p root=/ \
    -rf json -rff "$work/jmh.json" 2>&1 |
    sed -n '/^Benchmark /,$p'
  python3 - "$work/jmh.json" <<'PY'
import json, sys
for b in json.load(open(sys.argv[1])):
    m = b["primaryMetric"]
    print(f"FIGURE JMH {b['benchmark'].rsplit('.', 2)[-2]}.{b['benchmark'].rsplit('.', 1)[-1]}:"
          f" {m['score']:.1f} ± {m['scoreError']:.1f} {m['scoreUnit']}")
PY
fi

if wants rules; then
  echo "== rule engine (JMH): Datadog's default policy over a recorded mixed stream, one thread; compile time"
  policy="$(cd "$repo/.." && pwd)/shared/fixtures/secl/default.policy"
  # the stream at two sizes (in one core's caches, and not), with and without the values of each match
  "$java" -jar "$bench_jar" 'RuleEngineBenchmark.evaluateStream' -p policy="$policy" -prof gc \
    -rf json -rff "$work/rules.json" 2>&1 | sed -n '/^Benchmark /,$p'
  "$java" -jar "$bench_jar" 'RuleEngineBenchmark.compilePolicy' -p policy="$policy" -p stream=1024 \
    -rf json -rff "$work/rules-compile.json" 2>&1 | sed -n '/^Benchmark /,$p'
  python3 - "$work/rules.json" "$work/rules-compile.json" <<'PY'
import json, sys
for path in sys.argv[1:]:
    for b in json.load(open(path)):
        name = b["benchmark"].rsplit(".", 1)[-1]
        m = b["primaryMetric"]
        if name.startswith("evaluateStream"):
            alloc = b["secondaryMetrics"]["gc.alloc.rate.norm"]["score"]
            what = "matches told to a sink" if name == "evaluateStream" else "a list of matches with their values"
            print(f"FIGURE rules: default policy over a mixed stream of {int(b['params']['stream']):,} events,"
                  f" {what}: {m['score']:,.0f} events/s on one thread (± {m['scoreError']:,.0f}),"
                  f" {alloc:,.0f} B allocated per event")
        else:
            print(f"FIGURE rules: reading and compiling the default policy: {m['score']:.1f} ms"
                  f" (± {m['scoreError']:.1f})")
PY
fi

if wants posture; then
  echo "== posture rules (JMH): 500 rules over 100,000 resources, end to end; vigil scan config host on this machine"
  "$java" -jar "$bench_jar" 'PostureBenchmark' -rf json -rff "$work/posture.json" 2>&1 | sed -n '/^Benchmark /,$p'
  python3 - "$work/posture.json" <<'PY'
import json, sys
for b in json.load(open(sys.argv[1])):
    m = b["primaryMetric"]
    print(f"FIGURE posture: 500 rules over 100,000 resources (1,000,000 verdicts with their evidence),"
          f" {b['params']['threads']} thread(s): {m['score'] / 1000:.2f} s ± {m['scoreError'] / 1000:.2f}"
          f" (JMH single shot, 5 runs after 2, -Xmx2g)")
PY
  hyperfine -N -w 2 -r 10 --export-json "$work/config-host.json" \
    "./vigil scan config host --format json --output /dev/null"
  python3 - "$work/config-host.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"FIGURE vigil scan config host (the Linux baseline, this machine): {r['mean']:.3f} s ± {r['stddev']:.3f}"
          f" (hyperfine, 10 runs; CPU {r['user'] + r['system']:.3f} s)")
PY
  /usr/bin/time -f "FIGURE vigil scan config host: %e s wall, %M KiB peak RSS" \
    ./vigil scan config host --format json --output /dev/null
fi

batch=""
agent_batch() { # this host's spooled agent batch (the agent cannot reach port 9, so it spools it)
  if [ -z "$batch" ]; then
    rm -rf "$work/agent"
    VIGIL_API_KEY=vgl_bench_unsent VIGIL_DEPLOYMENT=linux ./vigil agent run --once --server http://127.0.0.1:9 \
      --data-dir "$work/agent" >/dev/null 2>&1 || true
    batch="$(ls "$work"/agent/agent/spool/*.json.gz | head -n1)"
  fi
}
intake_rounds() { # URL KEY LABEL [intake.py options]: three consecutive runs, the first one cold
  local url="$1" key="$2" label="$3" run
  shift 3
  for run in 1 2 3; do
    python3 scripts/bench/intake.py "$url" "$key" "$batch" --agents 5 "$@" | sed "s/^/FIGURE $label, run $run: /"
  done
}

if wants intake; then
  echo "== server intake (SQLite): a new empty store, this host's agent batch, sequential and two in flight"
  agent_batch
  for parallel in 1 2; do
    rm -rf "$work/intake" && mkdir -p "$work/intake/db" && cp "$work/data/db/advisories.db" "$work/intake/db/"
    start_server "$work/intake" 8712
    intake_rounds http://127.0.0.1:8712 "$(credential "$work/intake" intake-api-key)" \
      "SQLite intake, --parallel $parallel" --parallel "$parallel"
    stop "$server_pid"
  done
fi

if wants postgres; then
  echo "== server intake (PostgreSQL 14, embedded binaries, fsync on)"
  agent_batch
  rm -rf "$work/pg" && mkdir -p "$work/pg/db" && cp "$work/data/db/advisories.db" "$work/pg/db/"
  "$java" -cp "$bench_jar" vigil.benchmarks.PostgresForBench >"$work/pg-url" 2>"$work/pg.log" &
  pg_pid=$!
  started+=("$pg_pid")
  for _ in $(seq 1 120); do grep -q '^postgresql://' "$work/pg-url" && break; sleep 1; done
  pg_url="$(grep '^postgresql://' "$work/pg-url" | head -n1)"
  grep -i '^settings' "$work/pg-url" | sed 's/^/FIGURE PostgreSQL /'
  start_server "$work/pg" 8713 --database "$pg_url?reWriteBatchedInserts=true"
  intake_rounds http://127.0.0.1:8713 "$(credential "$work/pg" intake-api-key)" "PostgreSQL intake"
  stop "$server_pid" "$pg_pid"
fi

if wants store; then
  echo "== a million findings (SQLite): fill, pages, 200 agents, intake into it"
  rm -rf "$work/store" && mkdir -p "$work/store/db" && cp "$work/data/db/advisories.db" "$work/store/db/"
  /usr/bin/time -f "FIGURE fill 1,000 hosts x 1,000 findings: %e s" \
    "$java" -cp "$bench_jar" vigil.benchmarks.FillStore "$work/store" 1000 1000 >"$work/store.credentials"
  credentials="$work/store.credentials" # FillStore made the first administrator and key, in the same lines
  figure "store size: $(du -sm "$work/store" | cut -f1) MB"
  start_server "$work/store" 8740
  token="$(login "$work/store" 8740)"
  sleep 20 # the start-up statistics pass
  for path in "/findings" "/findings?severity=critical" "/findings?status=muted" "/findings?resource=bench-7" \
    "/findings?status=all" "/findings?q=pkg12" "/findings?q=CVE-2099-12345&status=all" "/findings?q=bench-7" \
    "/findings?q=pkg1" "/findings?q=12" "/findings?q=12&severity=critical&status=all" "/findings?q=synthetic" \
    "/findings?q=synthetic&status=all" "/findings?q=a" "/findings?q=package%201&severity=low" "/findings?q=zzzz" \
    "/findings?q=bench-999" "/vulnerabilities?by=host" "/vulnerabilities?by=cve" "/vulnerabilities?by=package" \
    "/vulnerabilities?by=image" "/setup" "/api/v1/findings?status=open" "/api/v1/findings?q=synthetic"; do
    best="$(for _ in 1 2 3 4 5; do
      curl -s -o /dev/null -w '%{time_total}\n' -b "vigil_session=$token" "http://127.0.0.1:8740$path"
    done | sort -n | head -n1)"
    figure "page $path: $best s (best of 5)"
  done
  "$java" -cp "$bench_jar" vigil.benchmarks.AgentLoad http://127.0.0.1:8740 \
    "$(credential "$work/store" intake-api-key)" "$token" 200 30 1000 | sed 's/^/FIGURE 200 agents: /'
  figure "server RSS after the pages and the agents: $(($(awk '/VmRSS/ {print $2}' "/proc/$server_pid/status") / 1024)) MiB"
  stop "$server_pid"
  agent_batch
  start_server "$work/store" 8741
  intake_rounds http://127.0.0.1:8741 "$(credential "$work/store" intake-api-key)" "intake into the million-finding store"
  stop "$server_pid"
  unset credentials
fi

if wants sensor; then
  echo "== threat sensor (root): open/close and exec loops without a program, under the floor's two programs, and"
  echo "   under 'vigil threats watch' (built-in policy) once it has settled"
  if [ "$(id -u)" != 0 ]; then
    echo "run.sh: the sensor section loads eBPF programs and needs root; skipped" >&2
  else
    load() { python3 scripts/bench/sensor-load.py "$1" "$2" | cut -d' ' -f1; } # KIND COUNT -> seconds
    load open 100000 >/dev/null && load exec 200 >/dev/null # the page cache and the interpreter, warm
    declare -A open_s exec_s
    loops() { open_s[$1]+=" $(load open 1000000)"; exec_s[$1]+=" $(load exec 3000)"; } # VARIANT
    floors() { # three rounds: without a program, then under each floor program
      local floor floor_pid
      for _ in 1 2 3; do
        loops off
        for floor in empty read_path; do
          python3 scripts/bench/sensor-floor.py "$floor" >"$work/floor.out" 2>&1 &
          floor_pid=$!
          started+=("$floor_pid")
          for _ in $(seq 1 40); do grep -q '^attached' "$work/floor.out" && break; sleep 0.25; done
          grep -q '^attached' "$work/floor.out" || { cat "$work/floor.out" >&2; echo "run.sh: the floor program did not attach" >&2; exit 1; }
          loops "$floor"
          stop "$floor_pid"
        done
      done
    }
    floors
    ./vigil threats watch --format json >"$work/watch.out" 2>"$work/watch.err" &
    watch_pid=$!
    started+=("$watch_pid")
    for _ in $(seq 1 120); do grep -q '^vigil: watching' "$work/watch.err" && break; sleep 0.5; done
    grep -q '^vigil: watching' "$work/watch.err" || { cat "$work/watch.err" >&2; echo "run.sh: the sensor did not start" >&2; exit 1; }
    # settled: a sensor runs for days, so the JIT's start-up compilation of the event path is not what is measured
    load open 300000 >/dev/null && load exec 3000 >/dev/null && sleep 2
    cpu_before="$(awk '{print $14 + $15}' "/proc/$watch_pid/stat")"
    t0="$(date +%s.%N)"
    for _ in 1 2 3 4 5; do loops sensor; done # five: this machine's run-to-run spread is about 10 %
    loaded_s="$(python3 -c "print($(date +%s.%N) - $t0)")"
    ticks=$(($(awk '{print $14 + $15}' "/proc/$watch_pid/stat") - cpu_before))
    rss=$(($(awk '/VmRSS/ {print $2}' "/proc/$watch_pid/status") / 1024))
    kill -TERM "$watch_pid" # a background job ignores SIGINT; SIGTERM stops it as Ctrl-C would, with its summary
    wait "$watch_pid" 2>/dev/null || true
    stop "$watch_pid"
    summary="$(grep -E '^vigil: [0-9]+ events' "$work/watch.err" | tail -n1)"
    floors # again after the sensor, so that the machine's drift over the section falls on both sides
    python3 - "${open_s[off]}" "${open_s[empty]}" "${open_s[read_path]}" "${open_s[sensor]}" \
      "${exec_s[off]}" "${exec_s[empty]}" "${exec_s[read_path]}" "${exec_s[sensor]}" \
      "$ticks" "$(getconf CLK_TCK)" "$rss" "$loaded_s" "$summary" <<'PY'
import re, statistics, sys
runs = [[float(x) for x in a.split()] for a in sys.argv[1:9]]
ticks, hz, rss, loaded, summary = int(sys.argv[9]), int(sys.argv[10]), sys.argv[11], float(sys.argv[12]), sys.argv[13]
names = ["an empty program on sys_enter (floor)", "reading an open's path there (floor)", "vigil threats watch"]
for label, count, series in (("open/close loop", "1,000,000 opens", runs[0:4]), ("exec loop", "3,000 runs of /bin/true", runs[4:8])):
    base = statistics.median(series[0])
    print(f"FIGURE sensor {label}: {base:.3f} s without a program (median of {len(series[0])}, {count})")
    for name, on in zip(names, series[1:]):
        b = statistics.median(on)
        print(f"FIGURE sensor {label} under {name}: {b:.3f} s (median of {len(on)}); slowdown {100 * (b - base) / base:.1f} %")
events = re.match(r"vigil: (\d+) events, (\d+) signals, (.*)", summary)
print(f"FIGURE sensor delivered {int(events.group(1)):,} events to the rules in all (warm-up included); {events.group(3)}")
print(f"FIGURE vigil threats watch under the timed loops: {ticks / hz:.2f} s CPU in {loaded:.1f} s"
      f" ({100 * ticks / hz / loaded:.0f} % of one core), {rss} MiB RSS")
PY
  fi
fi

if wants trace; then
  echo "== vigil-trace (the ptrace launcher where no eBPF runs, ADR 0053): the open/close and exec loops under it,"
  echo "   'vigil threats watch --sensor trace' (built-in policy) reading its records, and without it"
  ./vigil threats install-trace "$work/trace" >/dev/null
  rm -f "$work/trace.sock"
  ./vigil threats watch --sensor trace --trace-socket "$work/trace.sock" --format json \
    >"$work/trace-watch.out" 2>"$work/trace-watch.err" &
  trace_watch=$!
  started+=("$trace_watch")
  for _ in $(seq 1 120); do grep -q '^vigil: watching' "$work/trace-watch.err" && break; sleep 0.5; done
  grep -q '^vigil: watching' "$work/trace-watch.err" || { cat "$work/trace-watch.err" >&2; echo "run.sh: the trace listener did not start" >&2; exit 1; }
  plain() { python3 scripts/bench/sensor-load.py "$1" "$2" | cut -d' ' -f1; } # KIND COUNT -> seconds
  traced() { "$work/trace/vigil-trace" --socket "$work/trace.sock" -- python3 scripts/bench/sensor-load.py "$1" "$2" | cut -d' ' -f1; }
  plain open 20000 >/dev/null && traced open 20000 >/dev/null && traced exec 100 >/dev/null # warm: caches and the JIT
  trace_runs=()
  for _ in 1 2 3; do
    trace_runs+=("$(plain open 100000) $(traced open 100000) $(plain exec 1000) $(traced exec 1000)")
  done
  kill -TERM "$trace_watch"
  wait "$trace_watch" 2>/dev/null || true
  stop "$trace_watch"
  summary="$(grep -E '^vigil: [0-9]+ events' "$work/trace-watch.err" | tail -n1)"
  python3 - "$summary" "${trace_runs[@]}" <<'PY'
import re, statistics, sys
summary, runs = sys.argv[1], [[float(x) for x in r.split()] for r in sys.argv[2:]]
column = lambda i: statistics.median(r[i] for r in runs)
for label, count, plain, traced in (("open/close loop", "100,000 opens", 0, 1), ("exec loop", "1,000 runs of /bin/true", 2, 3)):
    p, t = column(plain), column(traced)
    print(f"FIGURE vigil-trace {label}: {p:.3f} s without it, {t:.3f} s under it (medians of {len(runs)}, {count});"
          f" slowdown {100 * (t - p) / p:.0f} %")
events = re.match(r"vigil: (\d+) events, (\d+) signals", summary)
print(f"FIGURE vigil-trace delivered {int(events.group(1)):,} events to the rules (warm-up included)")
PY
fi

echo "== done in $(((SECONDS - began) / 60)) min $(((SECONDS - began) % 60)) s"
