# progfuzz.awk: draws one run of one program for tests/fuzz/progfuzz.sh.
#
# Input: the option table (lines "PROGRAM OPTION TAKES_VALUE SHORT", taken
# from each program's --help).  Variables: seed and casen (the draw is a
# function of these two, the table and the fixtures alone), progs (comma-separated programs to choose
# from), fix (the fixture folder) and dir (the case folder, where mutated
# inputs are written).  Output: the spec of the run, one item a line:
#
#   prog P            the program
#   arg WORDS         its arguments, in order, shell-quoted (an option and
#                     its value on one line)
#   stdin REDIR       the redirection of descriptor 0 ("<&-" closes it)
#   stdout MODE       file, closed, full (/dev/full) or pipe (to head -c 64)
#   stderr MODE       file or closed
#   ulimit BLOCKS     a file size limit (SIGXFSZ expected)
#   input NAME        a file the run reads (must not change)
#   output NAME       a file the run writes
#   csvout NAME       an output that must hold finite numbers only ("-": stdout)
#   uses_stdin 0|1, uses_stdout 0|1
#   maxbase N         longest output base name
#   mutate ...        edits of the case folder for the shell to make
#
# The generator is Park-Miller (exact in double precision), so every awk
# draws the same runs from the same seed.

function rnd(n) {
	state = (state * 16807) % 2147483647
	return int(state / 2147483647 * n)
}
function chance(p) { return rnd(1000000) < p * 1000000 }
function pick(list,    a, n) {
	n = split(list, a, SEP)
	return a[rnd(n) + 1]
}
function q(s) {
	gsub(/'/, "'\\''", s)
	return "'" s "'"
}
function rep(s, n,    r) {
	r = ""
	while (n-- > 0)
		r = r s
	return r
}

# A comma-separated list of 1 to 6 values drawn from pool, with repeats
# and, now and then, empty items.
function list_of(pool,    n, s, v, i) {
	n = 1 + rnd(chance(0.02) ? 1200 : 6)
	s = ""
	for (i = 0; i < n; i++) {
		v = (i > 0 && chance(0.15)) ? last_item : pick(pool)
		last_item = v
		s = s (i ? "," : "") v
	}
	if (chance(0.05))
		s = s ","
	if (chance(0.03))
		s = "," s
	return s
}

function out_name(    v) {
	if (n_outs > 0 && chance(0.15)) {
		v = outs[rnd(n_outs) + 1]
		if (chance(0.5) && v !~ /^\// && v != "-" && v != "")
			v = "./" v
		return v
	}
	v = either(OUTS, OUTS_OK)
	if (v == "LONG200") v = rep("n", 200)
	else if (v == "LONG247") v = rep("n", 247)
	else if (v == "LONG255") v = rep("n", 255)
	else if (v == "LONG256") v = rep("n", 256)
	return v
}

function note_output(v,    b) {
	final_outs[++n_final] = v
	if (v == "-")
		uses_stdout = 1
	b = v
	sub(/.*\//, "", b)
	if (length(b) > maxbase)
		maxbase = length(b)
}

function note_input(v, kind) {
	if (v == "-") {
		uses_stdin = 1
		stdin_kind = kind
	} else if (v != "") {
		inputs[++n_inputs] = v
	}
}

function csv_in(right) {
	if (chance(0.55)) return right
	if (chance(0.5)) return "mut.csv"
	return pick(CSVS)
}

function model_in() {
	if (chance(0.2)) return "mut.model"
	if (chance(0.8)) return pick(GOOD_MODELS)
	return pick(BAD_MODELS)
}

# One of two pools: the hostile one in half the draws of a hostile run,
# now and then in a clean one.
function either(bad, good) { return pick(chance(hostile ? 0.5 : 0.03) ? bad : good) }

# A value of kind k for option opt of program p.
function value(p, opt, k,    v, b) {
	if (k == "real") return either(REALS, REALS_OK)
	if (k == "int") return either(INTS, INTS_OK)
	if (k == "reals") return list_of(chance(hostile ? 0.5 : 0.03) ? REALS : REALS_OK)
	if (k == "col") return either(COLS, p == "ocsdf-certify" ? COLS_CERTIFY : COLS_OK)
	if (k == "cols") return list_of(chance(hostile ? 0.5 : 0.03) ? COLS : COLS_OK)
	if (k == "lab") return either(LABELS, "0|1")
	if (k == "name") return either(NAMES, "sdf|score|s2|sdf2")
	if (k == "model") return model_in()
	if (k == "csv") return csv_in("d2.csv")
	if (k == "resume") return chance(0.6) ? "ckpt.model" : model_in()
	if (k == "out") return out_name()
	if (k ~ /^choice:/) return either(BAD_CHOICES, substr(k, 8))
	if (k ~ /^bound:/) {
		split(substr(k, 7), b, ";")
		return chance(hostile ? 0.5 : 0.03) ? pick(b[2]) : pick(b[1])
	}
	if (k == "box") {
		if (chance(hostile ? 0.5 : 0.03)) return chance(0.5) ? pick(REALS) : list_of(REALS)
		return pick("3|1|0.5|10|-2,2,-2,2|-1,1,-1,1,-1,1|0,1,0,1|2,1,0,1")
	}
	return pick(REALS SEP INTS SEP COLS)
}

# Arguments go in groups (an option and its value) so that shuffling
# keeps pairs together; a few runs shuffle single words.
function add(w) { args[++n_args] = w }
function addw(w) { args[n_args] = args[n_args] " " w }

# One option with its value, in one of the spellings getopt_long takes.
function add_option(p, opt, takes, short,    k, v, name) {
	k = KIND[p, opt]
	if (k == "") k = KIND["", opt]
	name = opt
	if (chance(0.04) && length(opt) > 3)
		name = substr(opt, 1, 3 + rnd(length(opt) - 3))   # an abbreviation
	if (!takes) {
		add(short != "-" && chance(0.5) ? "-" short : "--" name)
		return
	}
	v = value(p, opt, k)
	if (short != "-" && chance(0.4)) {
		if (chance(0.3) && v != "") add(q("-" short v))
		else { add("-" short); addw(q(v)) }
	} else if (chance(0.3)) {
		add(q("--" name "=" v))
	} else {
		add("--" name)
		addw(q(v))
	}
	# The last of a repeated option counts.
	if (k == "model" || k == "csv") { eff_in[opt] = v; in_kind[opt] = k }
	if (k == "out") { eff_out[opt] = v; outs[++n_outs] = v }
	if (k == "resume") resume = v
	if (opt == "format" && p == "ocsdf-certify") fmt = v
}

function mutate_csv(    src, n, line, lines, r, c, f, a, k, nf, i, m, what) {
	src = pick(CSVS_MUT)
	n = 0
	while ((getline line < (fix "/" src)) > 0)
		lines[++n] = line
	close(fix "/" src)
	m = 1 + rnd(3)
	for (k = 0; k < m && n > 0; k++) {
		what = rnd(14)
		if (what >= 12)
			what = 7                   # huge values, twice as often
		if (what == 0 && n > 1) {          # a hostile value in a field
			r = 2 + rnd(n - 1)
			nf = split(lines[r], a, ",")
			a[1 + rnd(nf)] = pick(HOSTILE)
			lines[r] = join(a, nf)
		} else if (what == 1) {            # a header name changed
			nf = split(lines[1], a, ",")
			a[1 + rnd(nf)] = pick(HEADER_NAMES)
			lines[1] = join(a, nf)
		} else if (what == 2 && n > 1) {   # a ragged row
			r = 2 + rnd(n - 1)
			if (chance(0.5)) sub(/,[^,]*$/, "", lines[r])
			else lines[r] = lines[r] ",1"
		} else if (what == 3) {            # rows cut
			n = chance(0.5) ? 1 : 1 + rnd(n)
		} else if (what == 4) {            # CRLF or a byte order mark
			if (chance(0.5)) for (i = 1; i <= n; i++) lines[i] = lines[i] "\r"
			else lines[1] = "\357\273\277" lines[1]
		} else if (what == 5 && n > 1) {   # labels out of the two classes
			c = pick("2" SEP "" SEP "yes" SEP " 1" SEP "nan")
			for (i = 2; i <= n; i++)
				if (chance(0.3)) { sub(/[^,]*$/, c, lines[i]) }
		} else if (what == 6 && n > 1) {   # a single class
			c = pick("0" SEP "1")
			for (i = 2; i <= n; i++) sub(/[^,]*$/, c, lines[i])
		} else if (what == 7 && n > 1) {   # a column scaled to huge or tiny values
			f = pick("e300" SEP "e39" SEP "e-310" SEP "e308" SEP "e-45")
			for (i = 2; i <= n; i++) sub(/^[^,]*/, "&" f, lines[i])
		} else if (what == 8 && n > 1) {   # a constant column
			for (i = 2; i <= n; i++) sub(/^[^,]*/, "1", lines[i])
		} else if (what == 9) {            # a duplicated column
			for (i = 1; i <= n; i++) { nf = split(lines[i], a, ","); lines[i] = lines[i] "," a[nf] }
		} else if (what == 10 && n > 1) {  # a quoted or broken field
			r = 1 + rnd(n)
			lines[r] = lines[r] pick(",\"a" SEP ",\"1\"" SEP ",\"\"\"\"" SEP "\"" SEP ",,")
		} else {                           # repeated rows
			for (i = 2; i <= n && n < 4000; i++) if (chance(0.5)) lines[++n] = lines[i]
		}
	}
	for (i = 1; i <= n; i++)
		printf "%s%s", lines[i], (i < n || chance(0.9)) ? "\n" : "" > (dir "/mut.csv")
	close(dir "/mut.csv")
	if (n == 0)
		printf "" > (dir "/mut.csv")
}

function join(a, n,    s, i) {
	s = a[1]
	for (i = 2; i <= n; i++)
		s = s "," a[i]
	return s
}

BEGIN {
	SEP = "|"
	state = (seed * 7919 + casen * 104729) % 2147483646 + 1
	for (i = 0; i < 8; i++)
		rnd(2)
	hostile = chance(0.5)

	REALS = "0|-0|1|0.5|-1|2|5|100|0.05|0.1|0.95|0.001|1e-6|1e6|1e12|1e300|1e-300|1e-320|4.9e-324|" \
		"2.2250738585072014e-308|1e308|1.7976931348623157e308|1e309|-1e309|1e39|-1e39|3.4028235e38|" \
		"nan|NaN|-nan|inf|-inf|infinity||  |1e|0x10|0x1p-1074| 1|1 |0.999999999|1.0000000001|" \
		"99999999999999999999999|-0.0|1,2|.5|5.|+1|1e-7"
	REALS_OK = "0|0.5|1|0.05|0.1|0.95|2|1e-6|0.001|5|-1|100|0.25"
	INTS_OK = "0|1|2|3|7|42|123456"
	COLS_OK = "label|3|x|y|z|1|2"
	COLS_CERTIFY = "sdf|label|4|3|sdf_pgd_0.1|sdf_pgd_0|sdf|label"
	OUTS_OK = "out.csv|out2.csv|out.svg|out.ply|out.stl|out.obj|sub/out.csv|-|exists.out|out.json"
	INTS = "0|1|2|-1|3|8|15|64|100|2147483647|2147483648|-2147483649|9223372036854775807|" \
		"9223372036854775808|-9223372036854775808||1.5|1e3| 3|3 |08|0x10|+4|- 1|abc|4294967297"
	COLS = "x|y|z|label|sdf|1|2|3|4|0|-1|99||X| x|x |sdf_pgd|sdf_pgd_0.1|delta_x|a\"b|2147483648"
	LABELS = "0|1||  |2|yes|0.0|1 | 1|01|label|nan|sdf|x"
	NAMES = "sdf|x|y|label|score||a,b|a\"b| |sdf_pgd|" rep("c", 300)
	OUTS = "out.csv|out.csv|out2.csv|exists.out|./exists.out|sub/out.csv|nodir/out.csv|sub|.|-|-||" \
		"/dev/null|/dev/full|d2.csv|scored.csv|m2.model|link.csv|LONG200|LONG247|LONG255|LONG256|" \
		"out.csv/|a b.csv|.hidden|-o|out.svg|out.ply|out.obj|out.stl|out.json"
	CSVS = "d2.csv|d3.csv|d2.csv.gz|scored.csv|attack.csv|empty.csv|header.csv|link.csv|exists.out|" \
		"-|-||nofile.csv|sub|/dev/null|m2.model|mut.csv|mut.csv.gz"
	CSVS_MUT = "d2.csv|d3.csv|scored.csv|attack.csv|scored.csv"
	GOOD_MODELS = "m2.model|m3.model|disk.model|sphere.model|m2.model|ckpt.model"
	BAD_MODELS = "-||nofile.model|d2.csv|sub|/dev/null|empty.csv|mut.model"
	BAD_CHOICES = "|X|b|PLY|none |json,csv"
	HOSTILE = "nan|inf|-inf|1e39|-1e39|1e308|-1e309|1e-320|4e-324||  |\"1\"|\"\"|abc|0x10|" \
		"123456789012345678901234567890|1e400|-0|1e-45"
	HEADER_NAMES = "label|x|y|sdf||  |a\036b|\036|\"q\"\"q\"|" rep("h", 300) "|x y|é|sdf_pgd"

	# Value kinds; "" holds the defaults by option name.
	KIND["", "model"] = "model"; KIND["", "output"] = "out"; KIND["", "seed"] = "int"
	KIND["", "label"] = "col"; KIND["", "anomaly"] = "lab"; KIND["", "normal"] = "lab"
	KIND["", "radius"] = "reals"; KIND["", "level"] = "real"
	KIND["ocsdf-certify", "score"] = "col"
	KIND["ocsdf-certify", "lipschitz"] = "real"
	KIND["ocsdf-certify", "ci"] = "choice:none|delong|bootstrap"
	KIND["ocsdf-certify", "resamples"] = "bound:2|10|100|1000;1|0|-1|10000001|"
	KIND["ocsdf-certify", "threshold"] = "real"; KIND["ocsdf-certify", "fpr"] = "real"
	KIND["ocsdf-certify", "decisions"] = "out"; KIND["ocsdf-certify", "roc"] = "out"
	KIND["ocsdf-certify", "plot"] = "out"; KIND["ocsdf-certify", "plot-hist"] = "out"
	KIND["ocsdf-certify", "format"] = "choice:table|csv|json"
	KIND["ocsdf-certify", "bins"] = "bound:1|2|40|1000|100000;0|100001|"
	KIND["ocsdf-sample", "count"] = "bound:1|2|3|100|4096|4097;0|-1|100000001||1e3"
	KIND["ocsdf-sample", "from"] = "csv"
	KIND["ocsdf-sample", "mode"] = "choice:negative|boundary|inside"
	KIND["ocsdf-sample", "steps"] = "bound:0|1|2|64|200;-1|100001|"
	KIND["ocsdf-score", "column"] = "name"; KIND["ocsdf-score", "attack-column"] = "name"
	KIND["ocsdf-score", "units"] = "choice:model|raw"
	KIND["ocsdf-score", "attack"] = "choice:pgd"
	KIND["ocsdf-score", "attack-steps"] = "bound:1|2|20;0|-1|1000001|"
	KIND["ocsdf-score", "restarts"] = "bound:1|2|3;0|-1|1000001|"
	KIND["ocsdf-mesh", "format"] = "choice:ply|obj|stl|svg"
	KIND["ocsdf-mesh", "resolution"] = "bound:8|9|16|33;7|2049|0|-1|"
	KIND["ocsdf-mesh", "percentile"] = "bound:1|5|50|0|100;101|-1||2"
	KIND["ocsdf-mesh", "box"] = "box"; KIND["ocsdf-mesh", "points"] = "csv"
	KIND["ocsdf-mesh", "levels"] = "reals"
	KIND["ocsdf-train", "ignore"] = "cols"
	KIND["ocsdf-train", "scale"] = "choice:std|iso|none"
	KIND["ocsdf-train", "resume"] = "resume"
	KIND["ocsdf-train", "margin"] = "real"; KIND["ocsdf-train", "lambda"] = "real"
	KIND["ocsdf-train", "box"] = "real"; KIND["ocsdf-train", "lr"] = "real"
	KIND["ocsdf-train", "lr-final"] = "real"; KIND["ocsdf-train", "bjorck-tol"] = "real"
	KIND["ocsdf-train", "steps"] = "bound:0|1|4;10001|-1|"
	KIND["ocsdf-train", "init"] = "choice:uniform|gaussian"
	KIND["ocsdf-train", "newton"] = "choice:paper|authors"
	KIND["ocsdf-train", "epochs"] = "bound:1|2;0|-1|1000001|"
	KIND["ocsdf-train", "warmup"] = "bound:0|1|2|3;-1|"
	KIND["ocsdf-train", "min-steps"] = "bound:1|2|15;0|100000001"
	KIND["ocsdf-train", "max-steps"] = "bound:1|2|3;0|"
	KIND["ocsdf-train", "batch"] = "bound:1|2|7|128|1024;0|65537|"
	KIND["ocsdf-train", "lr-decay"] = "choice:none|linear"
	KIND["ocsdf-train", "ortho"] = "choice:bjorck|retract"
	KIND["ocsdf-train", "bjorck-iters"] = "bound:1|2|15;0|1001"
	KIND["ocsdf-train", "retract-iters"] = "bound:1|3;0|101"
	KIND["ocsdf-train", "width"] = "bound:2|3|8|16;1|0|"
	KIND["ocsdf-train", "depth"] = "bound:1|2;0|"
	KIND["ocsdf-train", "activation"] = "choice:fullsort|groupsort"
	KIND["ocsdf-train", "threads"] = "bound:1;0|-1|1025|"
}

{
	n_opts[$1]++
	OPT[$1, n_opts[$1]] = $2
	TAKES[$1, n_opts[$1]] = $3
	SHORT[$1, n_opts[$1]] = $4
}

END {
	# The programs in focus are drawn more often.
	np = split(progs, plist, ",")
	tot = 0
	for (i = 1; i <= np; i++) {
		w = plist[i] == "ocsdf-certify" || plist[i] == "ocsdf-sample" ? 3 : 1
		tot += w
		cum[i] = tot
	}
	r = rnd(tot)
	for (i = 1; i <= np && r >= cum[i]; i++)
		;
	p = plist[i]
	if (!n_opts[p]) {
		print "progfuzz.awk: no options known for " p > "/dev/stderr"
		exit 1
	}

	mutate_csv()
	if (chance(0.3)) {
		print "mutate gzip mut.csv"
		if (chance(0.3)) print "mutate trunc mut.csv.gz " rnd(1000) / 1000
	}
	print "mutate copy " pick(GOOD_MODELS) " mut.model"
	k = rnd(4)
	if (k == 0) print "mutate flip mut.model " rnd(1000) / 1000 " " rnd(256)
	else if (k == 1) print "mutate trunc mut.model " rnd(1000) / 1000
	else if (k == 2) print "mutate append mut.model " rnd(64)
	if (chance(0.3)) print "mutate chmod 600 exists.out"

	# The options every run of the program needs, most of the time.
	if (p == "ocsdf-train") {
		if (chance(0.12)) {
			add_option(p, "resume", 1, "-")
		} else {
			add("--width"); addw(chance(0.9) ? 8 : 4); add("--depth"); addw(1)
			add("--epochs"); addw(1); add("--threads"); addw(1)
		}
		pos = csv_in(chance(0.5) ? "d2.csv" : "d3.csv")
		if (chance(0.6)) { add("--label"); addw("label") }
	} else if (p == "ocsdf-certify") {
		pos = csv_in(chance(0.7) ? "scored.csv" : "attack.csv")
	} else {
		if (chance(0.95)) add_option(p, "model", 1, "m")
		if (p == "ocsdf-sample") {
			if (chance(0.6)) add_option(p, "count", 1, "n")
			else add_option(p, "from", 1, "-")
		}
		if (p == "ocsdf-mesh" && chance(0.7)) { add("-r"); addw(chance(0.8) ? 16 : 24) }
		pos = p == "ocsdf-score" ? csv_in(chance(0.5) ? "d2.csv" : "d3.csv") : ""
	}

	# Random options from --help, some repeated.
	m = rnd(hostile ? 9 : 6)
	if (m > 5) m = rnd(m)
	for (j = 0; j < m; j++) {
		if (j > 0 && chance(0.12)) o = last_o
		else o = 1 + rnd(n_opts[p])
		last_o = o
		if (OPT[p, o] == "help" || OPT[p, o] == "version") {
			if (!chance(0.05)) continue
		}
		add_option(p, OPT[p, o], TAKES[p, o], SHORT[p, o])
	}
	# Overwriting and two names for one file, more often than by chance.
	for (i = 1; i <= n_opts[p]; i++) {
		o = OPT[p, i]
		if ((o in eff_out) && eff_out[o] ~ /^(\.\/)?(exists\.out|out\.csv)$/ && chance(0.5)) {
			add(chance(0.5) ? "-f" : "--force")
			break
		}
	}
	if (p == "ocsdf-certify" && n_outs > 0 && chance(0.3)) {
		o = pick("roc|plot|plot-hist|decisions")
		v = outs[rnd(n_outs) + 1]
		if (v != "-" && v != "" && v !~ /^\//) v = "./" v
		add("--" o)
		addw(q(v))
		eff_out[o] = v
		if (o == "decisions") { add("--threshold"); addw(0) }
	}
	if (chance(0.03)) add(pick("--nope|-x|--|-|--=x|-mm"))

	# Positional input: the program's FILE, missing or doubled now and then.
	if (p == "ocsdf-certify" || p == "ocsdf-score" || p == "ocsdf-train") {
		if (chance(0.9)) { note_input(pos, "csv"); add(q(pos)) }
		else uses_stdin = 1
		if (chance(0.04)) { v = pick(CSVS); note_input(v, "csv"); add(q(v)) }
	} else if (chance(0.03)) {
		add(q(pick(CSVS)))
	}
	# In the order of --help: "for (o in ...)" differs between awks.
	for (i = 1; i <= n_opts[p]; i++) {
		o = OPT[p, i]
		if (o in eff_in) note_input(eff_in[o], in_kind[o])
		if (o in eff_out) note_output(eff_out[o])
	}
	if (p == "ocsdf-certify") {
		if ("decisions" in eff_out) csvouts[++n_csvouts] = eff_out["decisions"]
		if ("roc" in eff_out) csvouts[++n_csvouts] = eff_out["roc"]
	}
	# Outputs not named go to standard output (ocsdf-train: ocsdf.model).
	if (!("output" in eff_out)) {
		if (p == "ocsdf-train") note_output(resume != "" ? resume : "ocsdf.model")
		else uses_stdout = 1
	}
	if (p == "ocsdf-sample" || (p == "ocsdf-certify" && fmt == "csv"))
		csvouts[++n_csvouts] = ("output" in eff_out) ? eff_out["output"] : "-"

	# Arguments shuffled now and then: getopt_long permutes them.
	if (chance(0.03)) {
		line = ""
		for (i = 1; i <= n_args; i++)
			line = line (i > 1 ? " " : "") args[i]
		nw = split(line, words, " ")
		ok = 1
		for (i = 1; i <= nw; i++) {
			t = words[i]
			if (gsub(/'/, "", t) % 2) ok = 0
		}
		if (ok) {
			n_args = nw
			for (i = 1; i <= nw; i++) args[i] = words[i]
		}
	}
	if (chance(0.15))
		for (i = n_args; i > 1; i--) {
			j = 1 + rnd(i)
			t = args[i]; args[i] = args[j]; args[j] = t
		}

	print "prog " p
	for (i = 1; i <= n_args; i++)
		print "arg " args[i]

	# Descriptors: 0, 1 and 2 closed at random; stdin fed when read.
	closed = chance(0.35) ? 1 + rnd(7) : 0
	if (closed % 2 == 1) print "stdin <&-"
	else if (uses_stdin) print "stdin <" (stdin_kind == "model" ? pick(GOOD_MODELS) : chance(0.8) ? (p == "ocsdf-certify" ? "scored.csv" : "d2.csv") : "mut.csv")
	else print "stdin " pick("</dev/null|</dev/null|<d2.csv|<m2.model")
	if (int(closed / 2) % 2 == 1) print "stdout closed"
	else print "stdout " (chance(0.05) ? "full" : chance(0.05) ? "pipe" : "file")
	print "stderr " (int(closed / 4) % 2 == 1 ? "closed" : "file")
	if (chance(0.04)) print "ulimit 1"
	for (i = 1; i <= n_inputs; i++) print "input " inputs[i]
	for (i = 1; i <= n_final; i++) print "output " final_outs[i]
	for (i = 1; i <= n_csvouts; i++) print "csvout " csvouts[i]
	print "uses_stdin " uses_stdin + 0
	print "uses_stdout " uses_stdout + 0
	print "maxbase " maxbase + 0
}
