/*
 * meshio.c: PLY, OBJ and STL writers (see meshio.h).
 */
#include "meshio.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "bytes.h"

int ocsdf_meshio_format(const char *name)
{
	static const char *const names[] = {"ply", "obj", "stl"};
	for (int f = 0; name && f < 3; f++)
		if (strcasecmp(name, names[f]) == 0)
			return f;
	return -1;
}

int ocsdf_meshio_format_of_path(const char *path)
{
	const char *dot = path ? strrchr(path, '.') : NULL;
	if (!dot || strchr(dot, '/'))
		return -1;
	return ocsdf_meshio_format(dot + 1);
}

/* Unit normal of triangle t, by the right-hand rule; zero if degenerate. */
static void face_normal(const ocsdf_mesh *m, size_t t, float n[3])
{
	double c[3];
	ocsdf_mesh_triangle_normal(m, t, c);
	double len = sqrt(c[0] * c[0] + c[1] * c[1] + c[2] * c[2]);
	if (!(len > 0))
		len = 1, c[0] = c[1] = c[2] = 0;
	for (int q = 0; q < 3; q++)
		n[q] = (float)(c[q] / len);
}

static void write_ply(FILE *fp, const ocsdf_mesh *m, int ascii)
{
	int withn = m->normal != NULL;
	fprintf(fp, "ply\nformat %s 1.0\ncomment written by ocsdf\n",
		ascii ? "ascii" : "binary_little_endian");
	fprintf(fp, "element vertex %zu\nproperty float x\nproperty float y\nproperty float z\n",
		m->nv);
	if (withn)
		fputs("property float nx\nproperty float ny\nproperty float nz\n", fp);
	fprintf(fp, "element face %zu\nproperty list uchar uint vertex_indices\nend_header\n", m->nt);
	for (size_t v = 0; v < m->nv; v++) {
		const float *p = m->v + 3 * v, *n = withn ? m->normal + 3 * v : NULL;
		if (ascii) {
			fprintf(fp, "%.9g %.9g %.9g", (double)p[0], (double)p[1], (double)p[2]);
			if (n)
				fprintf(fp, " %.9g %.9g %.9g", (double)n[0], (double)n[1],
					(double)n[2]);
			fputc('\n', fp);
		} else {
			unsigned char b[24];
			for (int q = 0; q < 3; q++) {
				ocsdf_bytes_put_f32(b + 4 * q, p[q]);
				if (n)
					ocsdf_bytes_put_f32(b + 12 + 4 * q, n[q]);
			}
			fwrite(b, 1, n ? 24 : 12, fp);
		}
	}
	for (size_t t = 0; t < m->nt; t++) {
		const uint32_t *tr = m->tri + 3 * t;
		if (ascii) {
			fprintf(fp, "3 %lu %lu %lu\n", (unsigned long)tr[0], (unsigned long)tr[1],
				(unsigned long)tr[2]);
		} else {
			unsigned char b[13];
			b[0] = 3;
			for (int q = 0; q < 3; q++)
				ocsdf_bytes_put_u32(b + 1 + 4 * q, tr[q]);
			fwrite(b, 1, sizeof b, fp);
		}
	}
}

static void write_obj(FILE *fp, const ocsdf_mesh *m)
{
	fprintf(fp, "# written by ocsdf: %zu vertices, %zu triangles\n", m->nv, m->nt);
	for (size_t v = 0; v < m->nv; v++) {
		const float *p = m->v + 3 * v;
		fprintf(fp, "v %.9g %.9g %.9g\n", (double)p[0], (double)p[1], (double)p[2]);
	}
	if (m->normal)
		for (size_t v = 0; v < m->nv; v++) {
			const float *n = m->normal + 3 * v;
			fprintf(fp, "vn %.9g %.9g %.9g\n", (double)n[0], (double)n[1], (double)n[2]);
		}
	for (size_t t = 0; t < m->nt; t++) {
		/* OBJ counts from 1. */
		unsigned long a = (unsigned long)m->tri[3 * t] + 1, b = (unsigned long)m->tri[3 * t + 1] + 1,
			      c = (unsigned long)m->tri[3 * t + 2] + 1;
		if (m->normal)
			fprintf(fp, "f %lu//%lu %lu//%lu %lu//%lu\n", a, a, b, b, c, c);
		else
			fprintf(fp, "f %lu %lu %lu\n", a, b, c);
	}
}

static void write_stl(FILE *fp, const ocsdf_mesh *m, int ascii)
{
	if (ascii)
		fputs("solid ocsdf\n", fp);
	else {
		/* The header must not start with "solid", or readers take the
		 * file for text. */
		unsigned char h[84];
		memset(h, 0, sizeof h);
		memcpy(h, "binary STL written by ocsdf", 27);
		ocsdf_bytes_put_u32(h + 80, (uint32_t)m->nt);
		fwrite(h, 1, sizeof h, fp);
	}
	for (size_t t = 0; t < m->nt; t++) {
		float n[3];
		face_normal(m, t, n);
		const uint32_t *tr = m->tri + 3 * t;
		if (ascii) {
			fprintf(fp, "facet normal %.9g %.9g %.9g\n outer loop\n", (double)n[0],
				(double)n[1], (double)n[2]);
			for (int q = 0; q < 3; q++) {
				const float *p = m->v + 3 * (size_t)tr[q];
				fprintf(fp, "  vertex %.9g %.9g %.9g\n", (double)p[0], (double)p[1],
					(double)p[2]);
			}
			fputs(" endloop\nendfacet\n", fp);
		} else {
			unsigned char b[50];
			for (int q = 0; q < 3; q++)
				ocsdf_bytes_put_f32(b + 4 * q, n[q]);
			for (int k = 0; k < 3; k++)
				for (int q = 0; q < 3; q++)
					ocsdf_bytes_put_f32(b + 12 + 12 * k + 4 * q, m->v[3 * (size_t)tr[k] + (size_t)q]);
			b[48] = b[49] = 0;
			fwrite(b, 1, sizeof b, fp);
		}
	}
	if (ascii)
		fputs("endsolid ocsdf\n", fp);
}

int ocsdf_meshio_write(FILE *fp, const ocsdf_mesh *m, int format, int ascii, const char *name,
		       ocsdf_error *e)
{
	if (!name)
		name = "(output)";
	if (format == OCSDF_MESHIO_STL && m->nt > UINT32_MAX)
		return ocsdf_error_set(e, OCSDF_EUSAGE,
				       "%s: %zu triangles is more than an STL file can hold", name,
				       m->nt);
	errno = 0;
	switch (format) {
	case OCSDF_MESHIO_PLY:
		write_ply(fp, m, ascii);
		break;
	case OCSDF_MESHIO_OBJ:
		write_obj(fp, m);
		break;
	case OCSDF_MESHIO_STL:
		write_stl(fp, m, ascii);
		break;
	default:
		return ocsdf_error_set(e, OCSDF_EUSAGE, "%s: unknown mesh format %d", name, format);
	}
	if (fflush(fp) != 0 || ferror(fp))
		return ocsdf_error_set(e, OCSDF_EIO, "%s: write error: %s", name,
				       errno ? strerror(errno) : "unknown error");
	return 0;
}
