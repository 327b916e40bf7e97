#!/bin/sh
# Runs every tests/cli/t_*.sh against the programs in folder $1 and prints
# "N passed, N failed".  Each test script gets BIN (the programs), DATA
# (data/), SHARED (../shared) and a fresh scratch folder T, and exits 0 on
# success.
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
pass=0
fail=0
failed=""
for t in "$here"/t_*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	scratch=$(mktemp -d)
	start=$(date +%s)
	if BIN=$bin DATA=$top/data SHARED=$top/../shared T=$scratch sh "$t" >"$scratch.log" 2>&1; then
		pass=$((pass + 1))
		echo "ok: $name ($(($(date +%s) - start)) s)"
	else
		fail=$((fail + 1))
		failed="$failed $name"
		echo "FAIL: $name"
		sed 's/^/    /' "$scratch.log" | tail -n 30
	fi
	rm -rf "$scratch" "$scratch.log"
done
echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
