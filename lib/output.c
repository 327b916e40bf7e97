/* output.c: atomic output files (see output.h). */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
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
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int ocsdf_output_open(ocsdf_output *o, const char *path, int force, ocsdf_error *e)
{
	struct stat st;
	const char *slash;
	size_t dirlen;
	int fd;

	memset(o, 0, sizeof *o);
	if (!path || strcmp(path, "-") == 0) {
		o->fp = stdout;
		o->is_stdout = 1;
		return 0;
	}
	if (stat(path, &st) == 0) {
		for (int i = 0; i < n_inputs; i++)
			if (inputs[i].dev == st.st_dev && inputs[i].ino == st.st_ino)
				return ocsdf_error_set(e, OCSDF_ECANTCREAT,
						       "%s: is also an input; refusing to overwrite it", path);
		if (S_ISDIR(st.st_mode))
			return ocsdf_error_set(e, OCSDF_ECANTCREAT, "%s: is a directory", path);
		if (!force)
			return ocsdf_error_set(e, OCSDF_ECANTCREAT,
					       "%s: already exists (use -f to overwrite)", path);
		if (!S_ISREG(st.st_mode)) {
			/* A device or fifo: write straight to it, nothing to rename. */
			o->fp = fopen(path, "w");
			if (!o->fp)
				return ocsdf_error_set(e, OCSDF_ECANTCREAT, "%s: %s", path, strerror(errno));
			o->path = strdup(path);
			return 0;
		}
	}
	slash = strrchr(path, '/');
	dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	o->path = strdup(path);
	o->tmp = malloc(strlen(path) + 32);
	if (!o->path || !o->tmp) {
		free(o->path);
		free(o->tmp);
		o->path = o->tmp = NULL;
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
	}
	memcpy(o->tmp, path, dirlen);
	snprintf(o->tmp + dirlen, strlen(path) - dirlen + 32, ".%s.XXXXXX", path + dirlen);
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		int err = errno;
		ocsdf_error_set(e, OCSDF_ECANTCREAT, "%s: cannot create: %s", path, strerror(err));
		free(o->path);
		free(o->tmp);
		o->path = o->tmp = NULL;
		return OCSDF_ECANTCREAT;
	}
	/* mkstemp creates 0600; give the file the usual umask-governed mode. */
	{
		mode_t um = umask(0);
		umask(um);
		fchmod(fd, 0666 & ~um);
	}
	register_temp(o->tmp);
	o->fp = fdopen(fd, "w");
	if (!o->fp) {
		close(fd);
		ocsdf_output_abort(o);
		return ocsdf_error_set(e, OCSDF_ESOFTWARE, "out of memory");
	}
	return 0;
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
	if (!err && o->tmp && rename(o->tmp, o->path) != 0)
		err = errno;
	if (err) {
		ocsdf_error_set(e, OCSDF_EIO, "write error on %s: %s", name, strerror(err));
		ocsdf_output_abort(o);
		return OCSDF_EIO;
	}
	if (o->tmp)
		unregister_temp(o->tmp);
	free(o->tmp);
	free(o->path);
	o->tmp = o->path = NULL;
	return 0;
}

void ocsdf_output_abort(ocsdf_output *o)
{
	if (o->fp && !o->is_stdout)
		fclose(o->fp);
	o->fp = NULL;
	if (o->tmp) {
		unlink(o->tmp);
		unregister_temp(o->tmp);
	}
	free(o->tmp);
	free(o->path);
	o->tmp = o->path = NULL;
}
