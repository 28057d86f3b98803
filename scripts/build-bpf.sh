#!/usr/bin/env bash
# Builds the sensor's eBPF objects from vigil-threats-sensor/src/main/bpf/*.bpf.c and keeps them beside the Java
# sources (ADR 0045), so that a build without clang uses them; records each source's SHA-256 beside its object, which a
# unit test (BpfObjectTest) compares with the source, so that an edited program cannot ship with a stale object.
# Needs clang, llvm-strip and bpftool (apt-get install clang llvm bpftool libbpf-dev) and a kernel with BTF, whose
# types vmlinux.h is generated from (CO-RE: the object then loads on other kernels' layouts).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
src="$repo/vigil-threats-sensor/src/main/bpf/vigil.bpf.c"
out="$repo/vigil-threats-sensor/src/main/resources/vigil/threats/sensor"
for tool in clang llvm-strip bpftool; do
  command -v "$tool" >/dev/null || { echo "build-bpf.sh: $tool is missing (apt-get install clang llvm bpftool libbpf-dev)" >&2; exit 1; }
done
[ -f /usr/include/bpf/bpf_helpers.h ] || { echo "build-bpf.sh: libbpf's headers are missing (apt-get install libbpf-dev)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
bpftool btf dump file /sys/kernel/btf/vmlinux format c >"$work/vmlinux.h"
clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -I"$work" -c "$src" -o "$work/vigil.bpf.o"
# the BTF stays (CO-RE needs it); the DWARF goes (ten times the size, unused at load)
llvm-strip -g "$work/vigil.bpf.o" -o "$out/vigil.bpf.o"
# the program and the record layouts it includes (records.h), hashed together
cat "$src" "$(dirname "$src")/records.h" | sha256sum | cut -d' ' -f1 >"$out/vigil.bpf.c.sha256"
echo "build-bpf.sh: wrote $out/vigil.bpf.o ($(stat -c %s "$out/vigil.bpf.o") bytes)"
# the hook probe (ADR 0050): a program of each kind of hook, tried one by one at the sensor's start
hooks="$repo/vigil-threats-sensor/src/main/bpf/hooks.bpf.c"
clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -I"$work" -c "$hooks" -o "$work/hooks.bpf.o"
llvm-strip -g "$work/hooks.bpf.o" -o "$out/hooks.bpf.o"
sha256sum "$hooks" | cut -d' ' -f1 >"$out/hooks.bpf.c.sha256"
echo "build-bpf.sh: wrote $out/hooks.bpf.o ($(stat -c %s "$out/hooks.bpf.o") bytes)"
# the sensor benchmark's floor (scripts/bench/run.sh), with its source's hash likewise
floor="$repo/scripts/bench/sensor-floor.bpf"
clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -I"$work" -c "$floor.c" -o "$work/floor.o"
llvm-strip -g "$work/floor.o" -o "$floor.o"
sha256sum "$floor.c" | cut -d' ' -f1 >"$floor.c.sha256"
echo "build-bpf.sh: wrote $floor.o ($(stat -c %s "$floor.o") bytes)"
# the ptrace launcher for hosts without eBPF (ADR 0053): static, so that it runs in any workload's image; hashed with
# the record layouts it writes
trace="$repo/vigil-threats-sensor/src/main/trace/vigil-trace.c"
command -v gcc >/dev/null || { echo "build-bpf.sh: gcc is missing (apt-get install gcc libc6-dev)" >&2; exit 1; }
gcc -static -O2 -Wall -Wextra -Werror -o "$work/vigil-trace" "$trace"
strip "$work/vigil-trace" -o "$out/vigil-trace"
cat "$trace" "$(dirname "$src")/records.h" | sha256sum | cut -d' ' -f1 >"$out/vigil-trace.c.sha256"
echo "build-bpf.sh: wrote $out/vigil-trace ($(stat -c %s "$out/vigil-trace") bytes)"
