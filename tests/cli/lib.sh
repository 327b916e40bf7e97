# Helpers for the program tests; sourced by tests/cli/t_*.sh.
# expect STATUS WORDS -- CMD...: runs CMD, checks its exit status and that
# its stderr contains WORDS (a grep -E pattern; empty for no check).
expect() {
	want=$1 words=$2
	shift 2
	[ "$1" = "--" ] && shift
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		echo "expected exit $want, got $got: $*"
		cat "$T/err"
		exit 1
	fi
	if [ -n "$words" ] && ! grep -Eq -- "$words" "$T/err"; then
		echo "stderr lacks /$words/: $*"
		cat "$T/err"
		exit 1
	fi
}
fail() {
	echo "$*"
	exit 1
}
