/*
 * meshio.h: writing triangle meshes (mesh.h) as PLY, OBJ or STL.
 *
 * PLY keeps shared vertices, their normals and the faces (binary little
 * endian by default, or ASCII); OBJ is text with "v", "vn" and "f v//vn"
 * lines; STL is a triangle soup with one facet normal per triangle (binary
 * by default, or ASCII).  Binary files are written byte by byte in little
 * endian whatever the host, floats as IEEE-754 single precision; text
 * numbers with 9 significant digits, enough to read back the same float.
 * Triangles keep the mesh's counter-clockwise-from-outside winding.
 */
#ifndef OCSDF_MESHIO_H
#define OCSDF_MESHIO_H

#include <stdio.h>

#include "errors.h"
#include "mesh.h"

enum { OCSDF_MESHIO_PLY = 0, OCSDF_MESHIO_OBJ = 1, OCSDF_MESHIO_STL = 2 };

/* The format named by "ply", "obj" or "stl" (any case), or -1. */
int ocsdf_meshio_format(const char *name);
/* The format given by a file name's extension (.ply, .obj, .stl, any
 * case), or -1. */
int ocsdf_meshio_format_of_path(const char *path);

/* Writes m to fp in format (OCSDF_MESHIO_*), as text if ascii (OBJ is
 * always text).  m->normal may be NULL (no normals written, STL facet
 * normals are computed from the triangles anyway).  name is used in
 * messages.  Returns 0, 64 (bad format, or too many triangles for STL) or
 * 74 (write error) with e set. */
int ocsdf_meshio_write(FILE *fp, const ocsdf_mesh *m, int format, int ascii, const char *name,
		       ocsdf_error *e);

#endif
