/* output.c: atomic output files (see output.h). */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Temporaries open now, for removal from a signal handler.  Small fixed
 * table: a program has one or two outputs at a time. */
#define MAX_TEMPS 8
static char *volatile temps[MAX_TEMPS];

#define MAX_INPUTS 8
static struct { dev_t dev; ino_t ino; } inputs[MAX_INPUTS];
static int n_inputs;

void ocsdf_output_protect_input(const char *path)
{
	struct stat st;
	if (!path || strcmp(path, "-") == 0 || n_inputs == MAX_INPUTS || stat(path, &st) != 0)
		return;
	inputs[n_inputs].dev = st.st_dev;
	inputs[n_inputs].ino = st.st_ino;
	n_inputs++;
}

static void remove_at_exit(void)
{
	ocsdf_output_remove_temporaries();
}

/* A program that exits on an error after opening an output (without
 * aborting it) leaves no temporary behind either. */
static void register_temp(char *t)
{
	static int at_exit_set;
	if (!at_exit_set && atexit(remove_at_exit) == 0)
		at_exit_set = 1;
	for (int i = 0; i < MAX_TEMPS; i++)
		if (!temps[i]) {
			temps[i] = t;
			return;
		}
}

static void unregister_temp(const char *t)
{
	for (int i = 0; i < MAX_TEMPS; i++)
		if (temps[i] == t)
			temps[i] = NULL;
}

void ocsdf_output_remove_temporaries(void)
{
	for (int i = 0; i < MAX_TEMPS; i++)
		if (temps[i])
			unlink(temps[i]);
}

static void on_signal(int sig)
{
	ocsdf_output_remove_temporaries();
	signal(sig, SIG_DFL);
	raise(sig);
}

void ocsdf_output_cleanup_on_signals(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGXCPU, SIGALRM, SIGUSR1, SIGUSR2};
	struct sigaction sa, old;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
}

/* The folder a path is in: its name copied into buf (".", "/" or the
 * part before the last slash), then stat'ed.  Returns stat's result, or
 * -1 with ENAMETOOLONG if it does not fit. */
static int folder_of(const char *path, char *buf, size_t len, struct stat *st)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (slash == path ? 1 : (size_t)(slash - path)) : 0;
	if (n + 2 > len) {
		buf[0] = '\0';
		errno = ENAMETOOLONG;
		return -1;
	}
	if (n)
		memcpy(buf, path, n);
	else
		buf[n++] = '.';
	buf[n] = '\0';
	return stat(buf, st);
}

static const char *last_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

int ocsdf_output_same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	char buf[PATH_MAX];
	if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	if (strcmp(last_name(a), last_name(b)) != 0)
		return 0;
	if (folder_of(a, buf, sizeof buf, &sa) != 0 || folder_of(b, buf, sizeof buf, &sb) != 0)
		return strcmp(a, b) == 0;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int ocsdf_output_check(const char *path, int force, ocsdf_error *e)
{
	struct stat st;
	char dir[PATH_MAX];

	if (!path || strcmp(path, "-") == 0)
		return 0;
	if (lstat(path, &st) != 0) {
		if (errno != ENOENT)
			return ocsdf_error_set(e, OCSDF_ECANTCREAT, "%s: cannot create: %s", path, strerror(errno));
		int err = folder_of(path, dir, sizeof dir, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
		if (err)
			return ocsdf_error_set(e, OCSDF_ECANTCREAT, "%s: cannot create: folder %s does not exist (%s)",
					       path, dir, strerror(err));
		if (access(dir, W_OK) != 0)
			return ocsdf_error_set(e, OCSDF_ECANTCREAT, "%s: cannot create: folder %s is not writable",
					       path, dir);
		return 0;
	}
	if (stat(path, &st) == 0) {
		for (int i = 0; i < n_inputs; i++)
			if (inputs[i].dev == st.st_dev && inputs[i].ino == st.st_ino)
				return ocsdf_error_set(e, OCSDF_ECANTCREAT,
						       "%s: is also an input; refusing to overwrite it", path);
		if (S_ISDIR(st.st_mode))
			return ocsdf_error_set(e, OCSDF_ECANTCREAT, "%s: is a directory", path);
		/* A device or fifo (/dev/null, a pipe to a reader) is written
		 * straight to: there is no file to keep or replace. */
		if (!S_ISREG(st.st_mode))
			return 0;
	}
	if (!force)
		return ocsdf_error_set(e, OCSDF_ECANTCREAT, "%s: already exists (use -f to overwrite)", path);
	return 0;
}

/* The temporary's name: ".NAME.XXXXXX" beside the target, NAME cut short
 * if the whole would exceed the folder's longest name. */
static char *temp_name(const char *path)
{
	const char *name = last_name(path);
	size_t dirlen = (size_t)(name - path), len = strlen(name), size = strlen(path) + 9;
	long name_max;
	char *t = malloc(size);
	if (!t)
		return NULL;
	memcpy(t, path, dirlen);
	t[dirlen] = '\0';
	name_max = pathconf(dirlen ? t : ".", _PC_NAME_MAX);
	if (name_max <= 0)
		name_max = NAME_MAX;
	if (len + 8 > (size_t)name_max)
		len = name_max > 9 ? (size_t)name_max - 8 : 1;
	snprintf(t + dirlen, size - dirlen, ".%.*s.XXXXXX", (int)len, name);
	return t;
}

/* Done with o's temporary name (renamed or removed): no longer removed at
 * exit, and freed with the path. */
static void forget_temp(ocsdf_output *o)
{
	if (o->tmp)
		unregister_temp(o->tmp);
	free(o->tmp);
	free(o->path);
	o->tmp = o->path = NULL;
}

int ocsdf_output_open(ocsdf_output *o, const char *path, int force, ocsdf_error *e)
{
	struct stat st;
	mode_t mode;
	int fd, rc;

	memset(o, 0, sizeof *o);
	if (!path || strcmp(path, "-") == 0) {
		o->fp = stdout;
		o->is_stdout = 1;
		return 0;
	}
	if ((rc = ocsdf_output_check(path, force, e)))
		return rc;
	o->replace = force;
	if (stat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			/* A device or fifo: write straight to it, nothing to rename. */
			o->fp = fopen(path, "w");
			if (!o->fp)
				return ocsdf_error_set(e, OCSDF_ECANTCREAT, "%s: %s", path, strerror(errno));
			o->path = strdup(path);
			return 0;
		}
		mode = st.st_mode & 0777;
	} else {
		mode_t um = umask(0);
		umask(um);
		mode = 0666 & ~um;
	}
	o->path = strdup(path);
	o->tmp = temp_name(path);
	if (!o->path || !o->tmp) {
		free(o->path);
		free(o->tmp);
		o->path = o->tmp = NULL;
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
	}
	/* The name is registered before the file exists: a signal that comes
	 * once mkstemp has created it, in this thread or another, removes it
	 * (registered after, a signal in between left it behind).  One that
	 * comes before unlinks a name that is not there yet, unless another
	 * file has the same random name (one chance in 62^6). */
	register_temp(o->tmp);
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		int err = errno;
		ocsdf_error_set(e, OCSDF_ECANTCREAT, "%s: cannot create: %s", path, strerror(err));
		forget_temp(o);
		return OCSDF_ECANTCREAT;
	}
	/* mkstemp creates 0600: give the file the mode of the one it replaces,
	 * or the usual umask-governed mode. */
	fchmod(fd, mode);
	o->fp = fdopen(fd, "w");
	if (!o->fp) {
		close(fd);
		ocsdf_output_abort(o);
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
	}
	return 0;
}

/* Moves the temporary to the target name.  Without replace, an existing
 * name fails with EEXIST: renameat2(RENAME_NOREPLACE) where the file
 * system has it, else link + unlink, else (a file system without hard
 * links either) a last look before the rename. */
static int put_in_place(const char *tmp, const char *path, int replace)
{
	struct stat st;
	if (replace)
		return rename(tmp, path) == 0 ? 0 : errno;
#ifdef RENAME_NOREPLACE
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return errno;
#endif
	if (link(tmp, path) == 0) {
		unlink(tmp);
		return 0;
	}
	if (errno != EPERM && errno != EOPNOTSUPP)
		return errno;
	if (lstat(path, &st) == 0)
		return EEXIST;
	return rename(tmp, path) == 0 ? 0 : errno;
}

int ocsdf_output_commit(ocsdf_output *o, ocsdf_error *e)
{
	const char *name = o->path ? o->path : "standard output";
	int err = 0;

	if (fflush(o->fp) != 0 || ferror(o->fp))
		err = errno ? errno : EIO;
	if (!err && o->tmp && fsync(fileno(o->fp)) != 0)
		err = errno;
	if (o->is_stdout) {
		o->fp = NULL;
		if (err)
			return ocsdf_error_set(e, OCSDF_EIO, "write error on %s: %s", name, strerror(err));
		return 0;
	}
	if (fclose(o->fp) != 0 && !err)
		err = errno ? errno : EIO;
	o->fp = NULL;
	if (!err && o->tmp && (err = put_in_place(o->tmp, o->path, o->replace)) == EEXIST) {
		ocsdf_error_set(e, OCSDF_ECANTCREAT, "%s: was created meanwhile by another program; "
				"not overwritten (use -f to overwrite)", name);
		ocsdf_output_abort(o);
		return OCSDF_ECANTCREAT;
	}
	if (err) {
		ocsdf_error_set(e, OCSDF_EIO, "write error on %s: %s", name, strerror(err));
		ocsdf_output_abort(o);
		return OCSDF_EIO;
	}
	forget_temp(o);
	return 0;
}

void ocsdf_output_abort(ocsdf_output *o)
{
	if (o->fp && !o->is_stdout)
		fclose(o->fp);
	o->fp = NULL;
	if (o->tmp)
		unlink(o->tmp);
	forget_temp(o);
}

void ocsdf_output_abort_all(ocsdf_output *outs, int n)
{
	for (int i = 0; i < n; i++)
		ocsdf_output_abort(&outs[i]);
}

int ocsdf_output_open_all(ocsdf_output *outs, const char *const *paths, int n, int force, ocsdf_error *e)
{
	int rc = 0;
	memset(outs, 0, (size_t)n * sizeof *outs);
	for (int i = 0; i < n && !rc; i++)
		if (paths[i])
			rc = ocsdf_output_open(&outs[i], paths[i], force, e);
	if (rc)
		ocsdf_output_abort_all(outs, n);
	return rc;
}

int ocsdf_output_commit_all(ocsdf_output *outs, int n, ocsdf_error *e)
{
	int rc = 0;
	for (int i = 0; i < n && !rc; i++) {
		errno = 0;
		if (outs[i].fp && (fflush(outs[i].fp) != 0 || ferror(outs[i].fp)))
			rc = ocsdf_error_set(e, OCSDF_EIO, "write error on %s: %s",
					     outs[i].path ? outs[i].path : "standard output",
					     errno ? strerror(errno) : "I/O error");
	}
	for (int i = 0; i < n && !rc; i++)
		if (outs[i].fp)
			rc = ocsdf_output_commit(&outs[i], e);
	if (rc)
		ocsdf_output_abort_all(outs, n);
	return rc;
}
