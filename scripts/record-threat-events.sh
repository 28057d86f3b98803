#!/usr/bin/env bash
# Records the real sensor's events while doing what each rule of Vigil's built-in policy is about (the triggers of
# BuiltInPolicyIT, harmless, as root), into the recording the engine's tests replay (RecordedEventsTest):
#   vigil-threats-rules/src/test/resources/vigil/threats/rules/recordings/built-in-triggers.jsonl
# Needs a build (./mvnw -q install -DskipTests) for the jar and the trigger helper, root, and a kernel with BTF.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
out="$repo/vigil-threats-rules/src/test/resources/vigil/threats/rules/recordings/built-in-triggers.jsonl"
work="$(mktemp -d /tmp/vigil-record.XXXXXX)"
trap 'rm -rf "$work"; rm -f /etc/cron.d/vigil-record-$$ /var/log/vigil-record-$$.log /root/.ssh/vigil-record-key-$$' EXIT
"$java" --enable-native-access=ALL-UNNAMED -jar "$repo/vigil-cli/target/vigil-cli.jar" threats record \
  --out "$work/events.jsonl" --duration 15 2>"$work/record.err" &
recorder=$!
until grep -q "recording for" "$work/record.err" 2>/dev/null; do sleep 0.2; done
trigger() { "$java" --enable-native-access=ALL-UNNAMED -cp "$repo/vigil-threats-sensor/target/test-classes" \
  vigil.threats.sensor.SyscallTrigger "$@" >/dev/null; }
cp /bin/true "$work/dropped" && "$work/dropped"                               # exec_from_temporary_directory
cat /etc/shadow >/dev/null                                                    # shadow_file_read
mkdir -p /root/.ssh && echo "not a key" >/root/.ssh/vigil-record-key-$$ && cat /root/.ssh/vigil-record-key-$$ >/dev/null
sh -c ": > /etc/cron.d/vigil-record-$$"                                       # cron_job_written
sh -c ": > /etc/sudoers.d/vigil-record-$$" 2>/dev/null || true               # sudoers_written (an attempt here)
rm -f /etc/sudoers.d/vigil-record-$$
sh -c ": >> /etc/group"                                                       # account_files_written
timeout 2 bash -c 'exec 3<>/dev/tcp/169.254.169.254/80' 2>/dev/null || true  # cloud_metadata_connection
cp /bin/bash "$work/nginx" && "$work/nginx" -c "/bin/sh -c 'exit 0'; exit 0"  # shell_from_web_server
sh -c ": > /var/log/vigil-record-$$.log"                                     # log_file_truncated
echo x >"$work/payload" && chmod 755 "$work/payload"                          # executable_made_in_temporary_directory
sleep 30 & tracee=$!; trigger ptrace-attach "$tracee"; kill "$tracee"         # process_attached_with_ptrace
trigger bpf-prog-load                                                         # bpf_program_loaded
trigger init-module-garbage                                                   # kernel_module_loaded (refused)
wait "$recorder"
cat "$work/record.err" >&2
mv "$work/events.jsonl" "$out"
echo "record-threat-events.sh: $(wc -l <"$out") events in $out"
