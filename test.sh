#!/usr/bin/env bash
# Runs Mandate's whole test suite and ends with one line: "N passed, N failed".
# Needs only the .NET 10 SDK; installs what the suite needs when missing (Node packages from the
# committed lock file, when a test project has them).
set -uo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

for lock in $(git ls-files '*package-lock.json' 2>/dev/null); do
  dir=$(dirname "$lock")
  if [ ! -d "$dir/node_modules" ]; then
    echo "installing Node packages in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || { echo "npm ci failed in $dir"; echo "0 passed, 1 failed"; exit 1; }
  fi
done

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

dotnet build Mandate.slnx -c Release --nologo -v quiet -clp:ErrorsOnly
build=$?
if [ $build -ne 0 ]; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

dotnet test Mandate.slnx -c Release --no-build --nologo --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results"
status=$?

passed=0 failed=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done

if [ $status -ne 0 ] && [ $failed -eq 0 ]; then
  # A crashed test host reports no failures in its results; count it so the run is not green.
  failed=1
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
