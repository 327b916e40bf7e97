# Sourced by the ODDS benchmark scripts.
# auroc BIN FILE [OPTION...]: the AUROC of ocsdf-certify on the CSV FILE
# (label column "label", 1 = anomaly), in percent with two decimals; the
# options choose the score column and its direction.
auroc() {
	_b=$1
	_f=$2
	shift 2
	"$_b/ocsdf-certify" --label label --format csv "$@" "$_f" |
		awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "auroc") c = i; next }
			c { printf "%.2f", 100 * $c; exit }'
}
