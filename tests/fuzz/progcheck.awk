# progcheck.awk: judges one run drawn by progfuzz.awk (see progfuzz.sh).
#
# Files, in order: the spec, the folder listing before the run, the listing
# after it, and, for a run with closed descriptors, the listing after the
# same run with every descriptor open.  A listing is "path TAB type TAB
# mode TAB md5" a line.  Variables: rc (exit status; 124 or 137: timed
# out), ref_rc (-1 without a reference run), allowed (the statuses any
# program may use), documented (those its man page lists), dir (the case
# folder), out and err (its standard output and error files), ref_out,
# sanitizer (first lines of a sanitizer report, if any).  Prints one
# finding a line: "KIND<TAB>SIGNATURE<TAB>DETAIL"; SIGNATURE groups runs
# that show the same defect.

function finding(kind, sig, detail) {
	printf "%s\t%s %s\t%s\n", kind, prog, sig, detail
	n_found++
}
function has(list, v) { return index(" " list " ", " " v " ") > 0 }
function shown(s) { return length(s) > 60 ? substr(s, 1, 57) "..." : s }
function nonfinite_in(path,    line, n, a, i, bad) {
	bad = ""
	while (bad == "" && (getline line < path) > 0) {
		n = split(line, a, ",")
		for (i = 1; i <= n; i++)
			if (tolower(a[i]) ~ /^[-+]?(nan|inf)/) {
				bad = a[i]
				break
			}
	}
	close(path)
	return bad
}
function resolve(path,    cmd, r) {
	gsub(/'/, "'\\''", path)
	cmd = "cd '" dir "' && readlink -m -- '" path "'"
	r = ""
	cmd | getline r
	close(cmd)
	return r
}
function sh_q(s) { gsub(/'/, "'\\''", s); return "'" s "'" }

FNR == 1 { part++ }
part == 1 {
	k = $1
	v = substr($0, length(k) + 2)
	if (k == "prog") prog = v
	else if (k == "stdout") stdout_mode = v
	else if (k == "stderr") stderr_mode = v
	else if (k == "stdin") stdin_redir = v
	else if (k == "ulimit") ulimited = 1
	else if (k == "input") input[v] = 1
	else if (k == "output") { outputs[++n_out] = v }
	else if (k == "csvout") csvout[++n_csv] = v
	else if (k == "uses_stdin") uses_stdin = v + 0
	else if (k == "uses_stdout") uses_stdout = v + 0
	else if (k == "maxbase") maxbase = v + 0
	next
}
{
	split($0, f, "\t")
	p = f[1]
	sub(/^\.\//, "", p)
	if (part == 2) { before[p] = f[2] " " f[3] " " f[4]; bmode[p] = f[3]; bsum[p] = f[4] }
	else if (part == 3) { after[p] = f[2] " " f[3] " " f[4]; amode[p] = f[3]; asum[p] = f[4] }
	else if (part == 4) { ref[p] = f[2] " " f[3] " " f[4] }
}

END {
	closed = (stdin_redir == "<&-" ? "0" : "") (stdout_mode == "closed" ? "1" : "") \
		 (stderr_mode == "closed" ? "2" : "")
	# A sanitizer report ends the run at once: the exit status, the
	# temporaries and the outputs it leaves follow from it.
	if (sanitizer != "") {
		finding("sanitizer", sanitizer, sanitizer)
		exit 1
	}
	if (rc == 124 || rc == 137) {
		finding("hang", "", "still running after the time limit")
	} else if (rc > 128) {
		sig = rc - 128
		if (!(sig == 13 && stdout_mode == "pipe") && !(sig == 25 && ulimited))
			finding("signal", "signal " sig, "died of signal " sig)
	} else if (!has(allowed, rc)) {
		finding("status", "exit " rc, "exit status " rc " is none of " allowed)
	} else if (!has(documented, rc)) {
		finding("undocumented", "exit " rc, "exit status " rc " is not in the EXIT STATUS of " prog "(1)")
	}

	for (i = 1; i <= n_out; i++) {
		o = outputs[i]
		sub(/^(\.\/)+/, "", o)
		named[o] = 1
	}
	for (p in after) {
		b = p
		sub(/.*\//, "", b)
		if (!(p in before)) {
			if (b ~ /^\..+\.[A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9]$/ && !(p in named))
				finding("temporary", "", "temporary file left: " shown(p))
			else if (rc != 0)
				finding("partial", "", "exit " rc " but a new file appeared: " shown(p))
		} else if (after[p] != before[p]) {
			if (p in input)
				finding("input", "", "input changed: " shown(p))
			else if (rc != 0)
				finding("partial", "changed", "exit " rc " but an existing file changed: " shown(p))
			else if (bmode[p] != amode[p] && bsum[p] != asum[p])
				finding("mode", bmode[p] "->" amode[p], "mode of an overwritten file changed from " \
					bmode[p] " to " amode[p] ": " shown(p))
		}
	}
	for (p in before)
		if (!(p in after) && (rc != 0 || p in input))
			finding("partial", "removed", "exit " rc " and a file vanished: " shown(p))

	if (rc == 0) {
		for (i = 1; i <= n_out; i++) {
			o = outputs[i]
			if (o == "-" || o ~ /^\/dev\//)
				continue
			r = resolve(o)
			if (r in seen_out)
				finding("same-file", "", "exit 0 with two outputs on one file: " \
					sh_q(seen_out[r]) " and " sh_q(o))
			seen_out[r] = o
		}
		for (i = 1; i <= n_csv; i++) {
			o = csvout[i]
			path = o == "-" ? out : dir "/" o
			if (o == "-" && stdout_mode != "file")
				continue
			p = o
			sub(/^(\.\/)+/, "", p)
			if (o != "-" && substr(after[p], 1, 1) != "f")
				continue   # not written (--help), or not a file
			if ((bad = nonfinite_in(path)) == "")
				continue
			finding("nonfinite", "", "exit 0 with '" bad "' in CSV output " sh_q(o))
		}
	}
	# Nothing here can fail a write but /dev/full, a closed or cut
	# standard output and the file size limit.
	can_fail = ulimited || stdout_mode != "file"
	for (i = 1; i <= n_out; i++)
		if (outputs[i] == "/dev/full")
			can_fail = 1
	if (err != "") {
		while ((getline line < err) > 0) {
			if (line ~ /File name too long/ && maxbase <= 255)
				finding("name", "", "'File name too long' for a name of " maxbase " bytes")
			if (line ~ /write error/ && !can_fail)
				finding("io", "", "a write error where no write can fail: " shown(line))
		}
		close(err)
	}

	# The same run with every descriptor open is the reference: a closed
	# descriptor the run does not use changes nothing; one it uses fails
	# the run; output never lands in another file.
	if (ref_rc >= 0) {
		# Whether a writer to a pipe its reader has left dies of SIGPIPE
		# or not depends on timing alone.
		if (stdout_mode == "pipe") {
			if (rc == 141) rc = 0
			if (ref_rc == 141) ref_rc = 0
		}
		used = (closed ~ /0/ && uses_stdin) || (closed ~ /1/ && uses_stdout)
		if (rc == 0 && ref_rc != 0)
			finding("closed", "fd " closed " exit 0", "exit 0 with descriptor(s) " closed \
				" closed, exit " ref_rc " with all open")
		else if (rc == 0 && used)
			finding("closed", "fd " closed " used", "exit 0 though descriptor(s) " closed \
				" that the run reads or writes were closed")
		else if (rc != ref_rc && !used && rc != 124 && rc != 137)
			finding("closed", "fd " closed " status", "exit " rc " with descriptor(s) " closed \
				" closed (not used), exit " ref_rc " with all open")
		if (rc == 0 && ref_rc == 0) {
			for (p in after)
				if ((p in ref) && after[p] != ref[p])
					finding("closed", "fd " closed " content", "with descriptor(s) " closed \
						" closed, " shown(p) " differs from the run with all open")
		}
	}
	exit n_found > 0
}
