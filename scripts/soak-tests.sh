#!/usr/bin/env bash
# Runs the test suite N times under CPU load, each time from a fresh clone, and says which tests failed in which run.
#
#   scripts/soak-tests.sh N [module...] [-- maven-args...]
#
#   scripts/soak-tests.sh 3                         the whole suite (./casebook test), three times
#   scripts/soak-tests.sh 5 agent-server src-test   those modules (with the modules they need), five times
#   scripts/soak-tests.sh 10 agent-server -- -Dit.test=TaskQueueIT -Dtest=none \
#       -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
#                                                   one test class, ten times
#
# Each run clones the current HEAD of this checkout (committed work only: uncommitted changes are not tested) into a
# fresh directory and runs ./casebook test there (with -fae, so one failure does not skip the other modules), while
# `stress-ng --cpu 2` keeps two cores busy: a test that depends on timing fails here long before it fails in CI.
# stress-ng is installed with apt-get when missing. Prints per run the wall time and the failed tests (from the
# Surefire/Failsafe reports), and a summary at the end; exits non-zero when any run failed. The clones and logs stay
# in $SOAK_DIR (default: a new directory under /tmp) for inspection.
#
# Environment: CASEBOOK_TEST_JDBC_URL etc. pass through to ./casebook test; SOAK_CPU_WORKERS (default 2) sets the
# load; CASEBOOK_SHARED_DATA defaults to this checkout's ../shared/data.
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//' >&2; exit 2; }

[ $# -ge 1 ] || usage
runs=$1
shift
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || usage
modules=()
maven_args=()
while [ $# -gt 0 ]; do
  if [ "$1" = "--" ]; then
    shift
    maven_args=("$@")
    break
  fi
  modules+=("$1")
  shift
done

repo=$(cd "$(dirname "$0")/.." && pwd)
head=$(git -C "$repo" rev-parse HEAD)
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then
  echo "soak-tests: note: $repo has uncommitted changes; the runs test the committed HEAD ${head:0:12}" >&2
fi
soak_dir=${SOAK_DIR:-$(mktemp -d /tmp/casebook-soak.XXXXXX)}
mkdir -p "$soak_dir"
if [ -z "${CASEBOOK_SHARED_DATA:-}" ] && [ -d "$repo/../shared/data" ]; then
  CASEBOOK_SHARED_DATA=$(cd "$repo/../shared/data" && pwd)
  export CASEBOOK_SHARED_DATA
fi

if ! command -v stress-ng >/dev/null; then
  echo "soak-tests: installing stress-ng"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get install -y -qq stress-ng >/dev/null || { $sudo apt-get update -qq && $sudo apt-get install -y -qq stress-ng; }
fi

stress_pid=""
stop_stress() {
  if [ -n "$stress_pid" ] && kill -0 "$stress_pid" 2>/dev/null; then
    kill "$stress_pid" 2>/dev/null || true
    wait "$stress_pid" 2>/dev/null || true
  fi
  stress_pid=""
}
trap stop_stress EXIT INT TERM

maven=(-fae)
if [ ${#modules[@]} -gt 0 ]; then
  maven+=(-pl "$(IFS=,; echo "${modules[*]}")" -am)
fi
maven+=("${maven_args[@]}")

# The failed tests of a run: Class.method for every testcase with a failure or an error in the XML reports.
failed_tests() {
  local clone=$1
  find "$clone" -path '*/target/*-reports/TEST-*.xml' -print0 2>/dev/null | xargs -0 -r python3 -c '
import sys, xml.etree.ElementTree as ET
for path in sys.argv[1:]:
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        print("unreadable report " + path); continue
    for case in root.iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            print(case.get("classname", "?").rsplit(".", 1)[-1] + "." + case.get("name", "?"))
' | sort -u
}

summary=()
failed_runs=0
echo "soak-tests: $runs run(s) of ${modules[*]:-the whole suite} at ${head:0:12} under stress-ng --cpu ${SOAK_CPU_WORKERS:-2}; in $soak_dir"
for ((run = 1; run <= runs; run++)); do
  clone="$soak_dir/run-$run"
  log="$soak_dir/run-$run.log"
  rm -rf "$clone"
  git clone -q --no-checkout "$repo" "$clone"
  git -C "$clone" checkout -q --detach "$head"
  # the MCP servers and the OpenAI client the tests use, as installed in this checkout (else the setup installs them)
  [ -d "$repo/.casebook" ] && cp -a "$repo/.casebook" "$clone/"

  stress-ng --cpu "${SOAK_CPU_WORKERS:-2}" --quiet >/dev/null 2>&1 &
  stress_pid=$!
  start=$(date +%s)
  set +e
  (cd "$clone" && ./casebook test "${maven[@]}") >"$log" 2>&1
  status=$?
  set -e
  seconds=$(( $(date +%s) - start ))
  stop_stress

  failures=$(failed_tests "$clone")
  if [ "$status" -eq 0 ]; then
    line="run $run: passed in ${seconds} s"
  else
    failed_runs=$((failed_runs + 1))
    line="run $run: FAILED (exit $status) in ${seconds} s"
    if [ -n "$failures" ]; then
      line+="; failed tests: $(echo "$failures" | paste -sd' ' -)"
    else
      line+="; no failed test in the reports (build error?): see $log"
    fi
    skipped=$(grep -E '^\[INFO\] .* (SKIPPED)$' "$log" | sed -E 's/^\[INFO\] (.*) \.+ *SKIPPED$/\1/; s/^\[INFO\] //' | paste -sd',' - || true)
    [ -n "$skipped" ] && line+="; modules skipped: $skipped"
  fi
  echo "$line"
  summary+=("$line")
done

echo
echo "soak-tests: $((runs - failed_runs)) of $runs run(s) passed (logs and clones in $soak_dir)"
printf '  %s\n' "${summary[@]}"
[ "$failed_runs" -eq 0 ]
