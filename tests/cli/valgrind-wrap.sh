#!/bin/sh
# Runs a program under valgrind memcheck for `make valgrind`, with the
# program's own exit status.  A memory error always fails (exit 99).  A
# definite leak fails a run that succeeded; a run that exits on a fatal
# error (usage, bad data, I/O) leaves its memory to the system by design.
# Usage: valgrind-wrap.sh PROGRAM [ARG]...
log=$(mktemp) || exit 70
valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=none \
	--show-leak-kinds=definite --log-file="$log" "$@"
status=$?
if [ -s "$log" ]; then
	cat "$log" >&2
	[ $status -eq 0 ] && grep -q 'definitely lost' "$log" && status=99
fi
rm -f "$log"
exit $status
