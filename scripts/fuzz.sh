#!/usr/bin/env bash
# Fuzzes every Jazzer target (@FuzzTest) in fuzzing mode for the duration its annotation bounds (maxDuration),
# one target per JVM: Jazzer fuzzes a single test per run. Maven compiles the modules and writes their test class
# paths once; each target then runs in a plain JVM (scripts/fuzz/FuzzTarget.java), since Maven's start-up took
# longer than most targets' fuzzing. `./mvnw verify` only replays the seed inputs; CI runs
# this after it. A finding fails the run and Jazzer writes the crashing input beside the target's seeds
# (src/test/resources/<package>/<Class>Inputs/<method>/), where it becomes a regression seed once fixed.
#
#   scripts/fuzz.sh                  every target
#   scripts/fuzz.sh IntakeFuzzTest   targets of the classes whose name contains the argument
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
filter="${1:-}"

targets=()
while IFS= read -r file; do
  module="${file%%/src/test/*}"
  class="$(basename "$file" .java)"
  [[ -n "$filter" && "$class" != *"$filter"* ]] && continue
  # the method declared after each @FuzzTest annotation
  while IFS= read -r method; do
    targets+=("$module $class $method")
  done < <(awk '/@FuzzTest/ {armed=1; next} armed && /void [A-Za-z0-9_]+\(/ {
      match($0, /void [A-Za-z0-9_]+\(/); print substr($0, RSTART + 5, RLENGTH - 6); armed=0 }' "$file")
done < <(grep -rl --include='*.java' '@FuzzTest' vigil-*/src/test | sort)

if [[ ${#targets[@]} -eq 0 ]]; then
  echo "no fuzz targets match '$filter'" >&2
  exit 2
fi
modules="$(printf '%s\n' "${targets[@]}" | cut -d' ' -f1 | sort -u | paste -sd, -)"
echo "== compiling $modules and writing their test class paths"
./mvnw -B -q -pl "$modules" -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/fuzz.classpath >/dev/null
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
shared="$(cd .. && pwd)/shared"

echo "== fuzzing ${#targets[@]} targets"
failed=()
start=$SECONDS
for target in "${targets[@]}"; do
  read -r module class method <<<"$target"
  package="$(sed -n 's/^package \([a-z0-9_.]*\);/\1/p' "$(grep -rl --include="$class.java" "class $class" "$module/src/test")" | head -1)"
  # real files from ../shared start the corpus (scripts/fuzz/seeds.tsv); the corpus directory is generated, not tracked
  corpus="$module/.cifuzz-corpus/$package.$class/$method"
  while IFS=$'\t' read -r seed_module seed_class seed_method seed_path; do
    if [[ "$seed_module" == "$module" && "$seed_class" == "$package.$class" && "$seed_method" == "$method" ]]; then
      mkdir -p "$corpus" && cp "$shared/fixtures/$seed_path" "$corpus/shared-$(basename "$seed_path")"
    fi
  done < <(grep -v '^#' scripts/fuzz/seeds.tsv)
  log="$(mktemp)"
  t0=$SECONDS
  # as surefire runs it: the module's directory, its system properties and heap
  if (cd "$module" && JAZZER_FUZZ=1 "$java" -Xmx1g -XX:+EnableDynamicAgentLoading --enable-native-access=ALL-UNNAMED \
      -Dbasedir="$PWD" -Dvigil.shared="$shared" -Dvigil.fixtures="$shared/fixtures" -Dvigil.repo="$(cd .. && pwd)" \
      -cp "target/test-classes:target/classes:$(cat target/fuzz.classpath)" \
      ../scripts/fuzz/FuzzTarget.java "$package.$class" "$method") >"$log" 2>&1; then
    runs="$(grep -Eo 'Done [0-9]+ runs' "$log" | tail -1 || true)"
    echo "ok   $module $class#$method (${runs:-no run count}, $((SECONDS - t0)) s)"
  else
    echo "FAIL $module $class#$method ($((SECONDS - t0)) s); its log:"
    grep -v '^INFO: Loaded' "$log" | tail -60
    failed+=("$class#$method")
  fi
  rm -f "$log"
done
echo "== fuzzed ${#targets[@]} targets in $((SECONDS - start)) s; ${#failed[@]} failed ${failed[*]:-}"
[[ ${#failed[@]} -eq 0 ]]
