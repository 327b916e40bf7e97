/*
 * test_output.c: atomic output files (lib/output.c) in the cases a program
 * cannot set up deterministically: a file created under the target name
 * between open and commit, a dangling symbolic link, one file under two
 * spellings, the mode of a replaced file, names at the length limit.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"

static char tmpdir[256];

static char *path_of(const char *name)
{
	static char path[4][PATH_MAX + 1024];
	static int k;
	k = (k + 1) % 4;
	snprintf(path[k], sizeof path[k], "%s/%s", tmpdir, name);
	return path[k];
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* The whole content of a small file, in a static buffer. */
static const char *get(const char *path)
{
	static char buf[256];
	FILE *f = fopen(path, "r");
	size_t n;
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Entries of tmpdir whose name starts with a dot: temporaries. */
static int hidden_entries(void)
{
	DIR *dp = opendir(tmpdir);
	struct dirent *de;
	int n = 0;
	ck_assert_ptr_nonnull(dp);
	while ((de = readdir(dp)))
		if (de->d_name[0] == '.' && strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(dp);
	return n;
}

static void write_new(const char *path, int force, const char *text)
{
	ocsdf_output o;
	ocsdf_error e;
	ck_assert_msg(ocsdf_output_open(&o, path, force, &e) == 0, "%s", e.msg);
	fputs(text, o.fp);
	ck_assert_msg(ocsdf_output_commit(&o, &e) == 0, "%s", e.msg);
}

/* A file that appears under the target name while the output is written
 * is kept, and the commit fails (73) with no temporary left; with force
 * it is replaced. */
START_TEST(test_created_meanwhile)
{
	const char *p = path_of("race.csv");
	ocsdf_output o;
	ocsdf_error e;
	for (int force = 0; force <= 1; force++) {
		unlink(p);
		ck_assert_int_eq(ocsdf_output_open(&o, p, force, &e), 0);
		fputs("ours\n", o.fp);
		put(p, "theirs\n");
		if (force) {
			ck_assert_msg(ocsdf_output_commit(&o, &e) == 0, "%s", e.msg);
			ck_assert_str_eq(get(p), "ours\n");
		} else {
			ck_assert_int_eq(ocsdf_output_commit(&o, &e), OCSDF_ECANTCREAT);
			ck_assert_ptr_nonnull(strstr(e.msg, "use -f"));
			ck_assert_str_eq(get(p), "theirs\n");
		}
		ck_assert_int_eq(hidden_entries(), 0);
	}
}
END_TEST

/* A dangling symbolic link is an existing name: refused without force
 * (at open and at commit), replaced by the file with it. */
START_TEST(test_dangling_link)
{
	const char *p = path_of("dangling.csv"), *target = path_of("nowhere");
	char buf[PATH_MAX];
	ocsdf_output o;
	ocsdf_error e;
	struct stat st;
	unlink(p);
	ck_assert_int_eq(symlink(target, p), 0);
	ck_assert_int_eq(ocsdf_output_check(p, 0, &e), OCSDF_ECANTCREAT);
	ck_assert_int_eq(ocsdf_output_open(&o, p, 0, &e), OCSDF_ECANTCREAT);
	ck_assert_ptr_nonnull(strstr(e.msg, "already exists"));
	ck_assert_int_gt(readlink(p, buf, sizeof buf), 0);
	ck_assert_int_ne(access(target, F_OK), 0);

	unlink(p);
	ck_assert_int_eq(ocsdf_output_open(&o, p, 0, &e), 0);
	fputs("x\n", o.fp);
	ck_assert_int_eq(symlink(target, p), 0);
	ck_assert_int_eq(ocsdf_output_commit(&o, &e), OCSDF_ECANTCREAT);
	ck_assert_int_gt(readlink(p, buf, sizeof buf), 0);
	ck_assert_int_ne(access(target, F_OK), 0);

	write_new(p, 1, "y\n");
	ck_assert_int_eq(lstat(p, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_str_eq(get(p), "y\n");
	ck_assert_int_eq(hidden_entries(), 0);
	unlink(p);
}
END_TEST

START_TEST(test_same_file)
{
	char a[PATH_MAX], b[PATH_MAX], sub[PATH_MAX];
	const char *base = strrchr(tmpdir, '/') + 1;
	snprintf(sub, sizeof sub, "%s/sub", tmpdir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	/* Files that do not exist yet: the folder and the name decide. */
	snprintf(a, sizeof a, "%s/same.txt", tmpdir);
	snprintf(b, sizeof b, "%s/./same.txt", tmpdir);
	ck_assert_int_eq(ocsdf_output_same_file(a, b), 1);
	snprintf(b, sizeof b, "%s/sub/../same.txt", tmpdir);
	ck_assert_int_eq(ocsdf_output_same_file(a, b), 1);
	snprintf(b, sizeof b, "%s/../%s/same.txt", tmpdir, base);
	ck_assert_int_eq(ocsdf_output_same_file(a, b), 1);
	snprintf(b, sizeof b, "%s/sub/same.txt", tmpdir);
	ck_assert_int_eq(ocsdf_output_same_file(a, b), 0);
	snprintf(b, sizeof b, "%s/other.txt", tmpdir);
	ck_assert_int_eq(ocsdf_output_same_file(a, b), 0);
	/* Existing files: a hard link or a symbolic link is the same file. */
	put(a, "a\n");
	snprintf(b, sizeof b, "%s/sub/hard", tmpdir);
	ck_assert_int_eq(link(a, b), 0);
	ck_assert_int_eq(ocsdf_output_same_file(a, b), 1);
	unlink(b);
	snprintf(b, sizeof b, "%s/sub/soft", tmpdir);
	ck_assert_int_eq(symlink(a, b), 0);
	ck_assert_int_eq(ocsdf_output_same_file(b, a), 1);
	unlink(b);
	put(b, "b\n");
	ck_assert_int_eq(ocsdf_output_same_file(a, b), 0);
	unlink(b);
	unlink(a);
	rmdir(sub);
}
END_TEST

/* -f keeps the mode of the file it replaces; a new file gets 0666 less
 * the umask. */
START_TEST(test_modes)
{
	const char *p = path_of("mode.csv");
	struct stat st;
	mode_t old = umask(027);
	unlink(p);
	write_new(p, 0, "a\n");
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0640);
	ck_assert_int_eq(chmod(p, 0600), 0);
	umask(022);
	write_new(p, 1, "b\n");
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(chmod(p, 0664), 0);
	write_new(p, 1, "c\n");
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0664);
	umask(old);
	unlink(p);
}
END_TEST

/* Names as long as the folder allows are written; one longer is refused
 * with the system's own reason. */
START_TEST(test_long_names)
{
	long max = pathconf(tmpdir, _PC_NAME_MAX);
	char name[1024];
	ocsdf_output o;
	ocsdf_error e;
	if (max <= 0 || max > 1000)
		max = NAME_MAX;
	for (long len = max - 9; len <= max; len++) {
		memset(name, 'n', (size_t)len);
		name[len] = '\0';
		write_new(path_of(name), 0, "long\n");
		ck_assert_str_eq(get(path_of(name)), "long\n");
		unlink(path_of(name));
	}
	memset(name, 'n', (size_t)max + 1);
	name[max + 1] = '\0';
	ck_assert_int_eq(ocsdf_output_open(&o, path_of(name), 0, &e), OCSDF_ECANTCREAT);
	ck_assert_ptr_nonnull(strstr(e.msg, strerror(ENAMETOOLONG)));
	ck_assert_int_eq(hidden_entries(), 0);
}
END_TEST

/* The checks a long run makes before it starts. */
START_TEST(test_check)
{
	const char *p = path_of("exists"), *missing = path_of("no/such/folder/x");
	ocsdf_error e;
	put(p, "x\n");
	ck_assert_int_eq(ocsdf_output_check(p, 0, &e), OCSDF_ECANTCREAT);
	ck_assert_int_eq(ocsdf_output_check(p, 1, &e), 0);
	ck_assert_int_eq(ocsdf_output_check(missing, 1, &e), OCSDF_ECANTCREAT);
	ck_assert_ptr_nonnull(strstr(e.msg, "does not exist"));
	ck_assert_int_eq(ocsdf_output_check(tmpdir, 1, &e), OCSDF_ECANTCREAT);
	ck_assert_ptr_nonnull(strstr(e.msg, "is a directory"));
	ck_assert_int_eq(ocsdf_output_check("-", 0, &e), 0);
	ocsdf_output_protect_input(p);
	ck_assert_int_eq(ocsdf_output_check(p, 1, &e), OCSDF_ECANTCREAT);
	ck_assert_ptr_nonnull(strstr(e.msg, "is also an input"));
	unlink(p);
}
END_TEST

/* Outputs opened and committed as one: all in place, or none.  A file
 * that cannot be opened drops the ones opened before it; a file that
 * cannot be written (a full disk) fails the commit before any is renamed. */
START_TEST(test_all)
{
	const char *a = path_of("all-a.csv"), *b = path_of("all-b.svg"), *taken = path_of("all-taken");
	const char *paths[3] = {a, NULL, b};
	ocsdf_output outs[3];
	ocsdf_error e;
	ck_assert_msg(ocsdf_output_open_all(outs, paths, 3, 0, &e) == 0, "%s", e.msg);
	ck_assert_ptr_null(outs[1].fp);
	fputs("a\n", outs[0].fp);
	fputs("b\n", outs[2].fp);
	ck_assert_msg(ocsdf_output_commit_all(outs, 3, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(get(a), "a\n");
	ck_assert_str_eq(get(b), "b\n");
	ck_assert_int_eq(hidden_entries(), 0);
	unlink(a);
	unlink(b);

	put(taken, "old\n");
	paths[1] = taken;
	ck_assert_int_eq(ocsdf_output_open_all(outs, paths, 3, 0, &e), 73);
	ck_assert(outs[0].fp == NULL && outs[1].fp == NULL && outs[2].fp == NULL);
	ck_assert_int_eq(hidden_entries(), 0);
	ck_assert_int_eq(access(a, F_OK), -1);
	ck_assert_str_eq(get(taken), "old\n");
	unlink(taken);

	if (access("/dev/full", W_OK) == 0) {
		paths[1] = "/dev/full";
		ck_assert_msg(ocsdf_output_open_all(outs, paths, 3, 1, &e) == 0, "%s", e.msg);
		for (int i = 0; i < 1000; i++)
			fputs("0123456789", outs[1].fp);
		ck_assert_int_eq(ocsdf_output_commit_all(outs, 3, &e), 74);
		ck_assert_str_eq(e.msg, "write error on /dev/full: No space left on device");
		ck_assert_int_eq(access(a, F_OK), -1);
		ck_assert_int_eq(access(b, F_OK), -1);
		ck_assert_int_eq(hidden_entries(), 0);
	}
}
END_TEST

static Suite *output_suite(void)
{
	Suite *s = suite_create("output");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_created_meanwhile);
	tcase_add_test(tc, test_dangling_link);
	tcase_add_test(tc, test_same_file);
	tcase_add_test(tc, test_modes);
	tcase_add_test(tc, test_long_names);
	tcase_add_test(tc, test_check);
	tcase_add_test(tc, test_all);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(output_suite());
	int failed;
	snprintf(tmpdir, sizeof tmpdir, "%s/ocsdf-output-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	rmdir(tmpdir);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
