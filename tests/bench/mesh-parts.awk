# Reads the stderr of `ocsdf-mesh -v` and sets, at the end of input,
# nparts (the parts reported) and parts (their Euler characteristics,
# comma-separated, "open" for a part cut by the box).  Used by meshnet.sh
# and meshseeds.sh, which add their own END rules.
/ part [0-9]+ of / {
	split($0, a, "Euler characteristic "); split(a[2], b, " ")
	e = (b[1] == "" ? "open" : b[1])
	parts = parts (parts == "" ? "" : ", ") e
	last = e
	nparts++
}
