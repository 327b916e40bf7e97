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
# unwrapped PROGRAM: the path of $BIN/PROGRAM itself, or, when make
# valgrind-cli has wrapped it in tests/cli/valgrind-wrap.sh, of the program
# behind the wrapper.  Tests of other programs train their models with it:
# training under valgrind takes up to an hour, and is checked there by
# t_train_score and t_attack.
unwrapped() {
	if grep -q 'valgrind-wrap\.sh' "$BIN/$1" 2>/dev/null; then
		u=$(sed -n 's/.*valgrind-wrap\.sh \([^ ]*\) .*/\1/p' "$BIN/$1")
		[ -x "$u" ] || { echo "cannot find the program behind $BIN/$1" >&2; return 1; }
		echo "$u"
	else
		echo "$BIN/$1"
	fi
}
