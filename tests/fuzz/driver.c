/*
 * driver.c: replays fuzz inputs without libFuzzer.
 *
 * Each argument is a file or a folder of files; every file is read whole and
 * passed once to LLVMFuzzerTestOneInput.  Linked with a fuzz target and
 * built by any C compiler (with or without the sanitizers), it turns the
 * committed seed and regression corpora into ordinary tests: a crash, a
 * sanitizer report or a failed check in the target fails the replay.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0;
	if (!fp) {
		perror(path);
		return -1;
	}
	for (;;) {
		if (len == cap) {
			unsigned char *nb = realloc(buf, cap ? 2 * cap : 4096);
			if (!nb) {
				fclose(fp);
				free(buf);
				fprintf(stderr, "%s: out of memory\n", path);
				return -1;
			}
			buf = nb;
			cap = cap ? 2 * cap : 4096;
		}
		size_t got = fread(buf + len, 1, cap - len, fp);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(fp)) {
		perror(path);
		fclose(fp);
		free(buf);
		return -1;
	}
	fclose(fp);
	/* A copy of exactly len bytes, so reading past the input is caught. */
	unsigned char *exact = malloc(len ? len : 1);
	if (!exact) {
		free(buf);
		return -1;
	}
	if (len)
		memcpy(exact, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	long count = 0;
	int bad = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			bad = 1;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			bad |= replay_file(argv[i]) != 0;
			count++;
			continue;
		}
		DIR *dir = opendir(argv[i]);
		struct dirent *de;
		char **names = NULL;
		size_t n = 0, cap = 0;
		if (!dir) {
			perror(argv[i]);
			bad = 1;
			continue;
		}
		while ((de = readdir(dir))) {
			if (de->d_name[0] == '.')
				continue;
			if (n == cap) {
				cap = cap ? 2 * cap : 64;
				names = realloc(names, cap * sizeof *names);
				if (!names)
					return 70;
			}
			size_t len = strlen(argv[i]) + strlen(de->d_name) + 2;
			names[n] = malloc(len);
			if (!names[n])
				return 70;
			snprintf(names[n++], len, "%s/%s", argv[i], de->d_name);
		}
		closedir(dir);
		if (n)
			qsort(names, n, sizeof *names, by_name);
		for (size_t k = 0; k < n; k++) {
			bad |= replay_file(names[k]) != 0;
			count++;
			free(names[k]);
		}
		free(names);
	}
	printf("%s: %ld inputs replayed\n", argc > 0 ? argv[0] : "replay", count);
	return bad;
}
