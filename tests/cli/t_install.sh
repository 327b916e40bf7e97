# make install into a temporary DESTDIR: the installed programs run, their
# man pages open with man -M, pkg-config finds ocsdf.pc and a small C
# program builds against the installed library and scores like
# ocsdf-score; make uninstall then removes every installed file.
. "$(dirname "$0")/lib.sh"
top=$(cd "$DATA/.." && pwd)
build=$(cd "$BIN/.." && pwd)
stage=$T/stage
prefix=/usr/local
root=$stage$prefix

# The variables of a calling make (BUILD, CFLAGS of a sanitizer build) carry
# over, so nothing is rebuilt with other flags; its job server does not.
case ${MAKEFLAGS:-} in
*" -- "*) MAKEFLAGS=" -- ${MAKEFLAGS#* -- }" ;;
*) MAKEFLAGS= ;;
esac
export MAKEFLAGS
unset MFLAGS MAKELEVEL
mk() {
	make -s --no-print-directory -C "$top" BUILD="$build" PREFIX="$prefix" DESTDIR="$stage" "$@"
}

mk install >"$T/install.log" 2>&1 || { cat "$T/install.log"; fail "make install failed"; }
for f in bin/ocsdf-train bin/ocsdf-score bin/ocsdf-certify bin/ocsdf-sample bin/ocsdf-mesh \
	lib/libocsdf.a lib/pkgconfig/ocsdf.pc include/ocsdf/ocsdf.h include/ocsdf/model.h include/ocsdf/score.h \
	share/man/man1/ocsdf-train.1 share/man/man1/ocsdf-score.1 share/man/man1/ocsdf-certify.1 \
	share/man/man1/ocsdf-sample.1 share/man/man1/ocsdf-mesh.1 share/man/man5/ocsdf-model.5 \
	share/man/man7/ocsdf.7; do
	[ -f "$root/$f" ] || fail "make install did not install $prefix/$f"
done
[ -x "$root/bin/ocsdf-train" ] || fail "installed ocsdf-train is not executable"
# The programs' own support code prints and exits, which the library never
# does: neither its header nor its functions are part of what is installed.
[ ! -e "$root/include/ocsdf/cli.h" ] || fail "make install installed cli.h, the programs' support header"
! grep -q 'cli\.h' "$root/include/ocsdf/ocsdf.h" || fail "the installed ocsdf.h includes cli.h"
if nm -g --defined-only "$root/lib/libocsdf.a" 2>/dev/null | grep -Eq ' (ocsdf_die|ocsdf_usage_error|ocsdf_opt_[a-z_]+)$'; then
	fail "libocsdf.a defines the programs' exiting helpers (ocsdf_die, ...)"
fi

# The installed programs, end to end on a tiny model.
ib=$root/bin
expect 0 '' -- "$ib/ocsdf-train" -q --width 8 --depth 1 --epochs 2 --label label \
	-o "$T/disk.model" "$DATA/disk.csv"
expect 0 '' -- "$ib/ocsdf-score" -m "$T/disk.model" -o "$T/scored.csv" "$DATA/disk.csv"
expect 0 '' -- "$ib/ocsdf-certify" --format csv -o "$T/report.csv" "$T/scored.csv"
grep -q '^0,0,1,score,2000,100,' "$T/report.csv" || fail "installed ocsdf-certify: $(cat "$T/report.csv")"
expect 0 '' -- "$ib/ocsdf-sample" -m "$T/disk.model" -n 5 -o "$T/points.csv"
[ "$(wc -l <"$T/points.csv")" -eq 6 ] || fail "installed ocsdf-sample wrote $(wc -l <"$T/points.csv") lines"
expect 0 '' -- "$ib/ocsdf-mesh" -m "$T/disk.model" -r 16 -o "$T/disk.svg"
grep -q '<svg' "$T/disk.svg" || fail "installed ocsdf-mesh wrote no SVG"

# The installed man pages, found through the man path alone.
for page in "1 ocsdf-train" "1 ocsdf-score" "1 ocsdf-certify" "1 ocsdf-sample" "1 ocsdf-mesh" \
	"5 ocsdf-model" "7 ocsdf"; do
	set -- $page
	MANPAGER=cat MANWIDTH=80 man -M "$root/share/man" "$1" "$2" >"$T/page" 2>"$T/err" ||
		fail "man -M ... $1 $2 failed: $(cat "$T/err")"
	grep -q "^NAME" "$T/page" || fail "man -M ... $1 $2: no NAME section"
	grep -q "^ *$2 " "$T/page" || fail "man -M ... $1 $2: NAME does not name $2"
done

# pkg-config and a C program against the installed headers and library.
export PKG_CONFIG_PATH="$root/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$stage"
version=$(sed -n 's/^VERSION *:= *//p' "$top/Makefile")
[ "$(pkg-config --modversion ocsdf)" = "$version" ] || fail "ocsdf.pc version is not $version"
cflags=$(pkg-config --cflags ocsdf) || fail "pkg-config --cflags ocsdf failed"
libs=$(pkg-config --libs ocsdf) || fail "pkg-config --libs ocsdf failed"
case $cflags in *"$root/include"*) ;; *) fail "pkg-config --cflags: $cflags" ;; esac
case $libs in *"-L$root/lib"*-locsdf*) ;; *) fail "pkg-config --libs: $libs" ;; esac
# A library built with sanitizers needs their runtimes at link time.
san=
nm "$root/lib/libocsdf.a" 2>/dev/null | grep -q '__asan_' && san="$san -fsanitize=address"
nm "$root/lib/libocsdf.a" 2>/dev/null | grep -q '__ubsan_' && san="$san -fsanitize=undefined"
cat >"$T/prog.c" <<'EOF'
#include <stdio.h>
#include <ocsdf/ocsdf.h>

int main(int argc, char **argv)
{
	ocsdf_model *m;
	ocsdf_scorer *s;
	ocsdf_error e;
	double x[2] = {0.25, -0.5};
	float f;

	if (argc != 2)
		return 64;
	if (ocsdf_model_load(argv[1], &m, &e)) {
		fprintf(stderr, "%s\n", e.msg);
		return e.code;
	}
	if (m->arch.d != 2 || !(s = ocsdf_scorer_new(m, 1)))
		return 70;
	ocsdf_scorer_run(s, x, 1, &f);
	printf("%.9g\n", f);
	ocsdf_scorer_free(s);
	ocsdf_model_free(m);
	return 0;
}
EOF
cc -std=c11 -Wall -Wextra -Werror $san -o "$T/prog" "$T/prog.c" $cflags $libs 2>"$T/cc.log" ||
	{ cat "$T/cc.log"; fail "a C program does not build with pkg-config --cflags --libs ocsdf"; }
expect 0 '' -- "$T/prog" "$T/disk.model"
mine=$(cat "$T/out")
printf 'x,y\n0.25,-0.5\n' | "$ib/ocsdf-score" -m "$T/disk.model" --only >"$T/ref" || fail "ocsdf-score failed"
theirs=$(sed -n 2p "$T/ref")
awk -v a="$mine" -v b="$theirs" 'BEGIN { d = a - b; exit !(a != "" && d < 1e-6 && d > -1e-6) }' ||
	fail "library score $mine differs from ocsdf-score $theirs"

# make uninstall leaves no installed file behind.
mk uninstall >"$T/uninstall.log" 2>&1 || { cat "$T/uninstall.log"; fail "make uninstall failed"; }
left=$(find "$stage" ! -type d)
[ -z "$left" ] || fail "make uninstall left: $left"
