# SIGINT during training leaves a loadable checkpoint; resuming finishes it;
# an earlier model of that name is never torn.
. "$(dirname "$0")/lib.sh"
set -u
opts="--width 64 --depth 2 --epochs 400 --warmup 1 --batch 64 -q --label label"
"$BIN/ocsdf-train" --width 32 --depth 2 --epochs 1 -q --label label -o "$T/m" "$DATA/disk.csv" || fail "first training failed"
cp "$T/m" "$T/old"
"$BIN/ocsdf-train" $opts -f -o "$T/m" "$DATA/disk.csv" &
pid=$!
sleep 2
kill -INT $pid
wait $pid
rc=$?
[ $rc -eq 130 ] || fail "interrupted training exited $rc, not 130"
"$BIN/ocsdf-score" -m "$T/m" --only "$DATA/disk.csv" >"$T/s" 2>"$T/warn" || fail "checkpoint does not load"
grep -q 'interrupted' "$T/warn" || fail "no warning that the model is a checkpoint"
cmp -s "$T/m" "$T/old" && fail "checkpoint not written"
# Resuming a finished model is refused; resuming the checkpoint works.
expect 65 'not a checkpoint' -- "$BIN/ocsdf-train" --resume "$T/old" -o "$T/x" "$DATA/disk.csv"
expect 64 'settings' -- "$BIN/ocsdf-train" --resume "$T/m" --epochs 3 "$DATA/disk.csv"
# SIGTERM in the middle of a long walk of the paper's negatives (10000 steps of a batch
# of 4096: minutes for one training step) stops it at once.
"$BIN/ocsdf-train" --sampler paper --width 128 --depth 2 --batch 4096 --walk-steps 10000 --warmup 0 --epochs 1 -q \
	--label label -f -o "$T/slow" "$DATA/disk.csv" &
pid=$!
sleep 2
kill -TERM $pid
i=0
while kill -0 $pid 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
if kill -0 $pid 2>/dev/null; then
	kill -KILL $pid
	fail "a training step ignored SIGTERM for 10 s"
fi
wait $pid
rc=$?
[ $rc -eq 130 ] || fail "training stopped in a walk exited $rc, not 130"
"$BIN/ocsdf-score" -m "$T/slow" --only "$DATA/disk.csv" >/dev/null 2>&1 || fail "checkpoint of a cut walk does not load"
# SIGKILL at several moments: the file is the old model or a complete one.
for delay in 0.1 0.5 1.2; do
	cp "$T/old" "$T/k"
	"$BIN/ocsdf-train" $opts -f -o "$T/k" "$DATA/disk.csv" &
	pid=$!
	sleep $delay
	kill -KILL $pid
	wait $pid 2>/dev/null
	"$BIN/ocsdf-score" -m "$T/k" --only "$DATA/disk.csv" >/dev/null 2>&1 || fail "model torn after SIGKILL at $delay s"
done
exit 0
