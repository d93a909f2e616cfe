/*
 * collect_plan: patterns, homes and the matching step of ir-collect.
 */
#include <sys/stat.h>
#include <sys/syscall.h>

#include <linux/openat2.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect_plan.h"

#define PASSWD_MAX	(16U << 20)

static int
add_home(struct cplan *pl, const char *h, struct ir_err *e)
{
	char *c, **nh, *p, *q;
	size_t i, n;

	if (h[0] != '/')
		return IR_OK;		/* not a usable home */
	if ((c = strdup(h)) == NULL)
		return ir_err_set(e, IR_ENOMEM, ENOMEM, "out of memory");
	/* Squeeze "//", drop a trailing "/"; refuse "." and "..". */
	for (p = q = c; *p != '\0'; p++)
		if (!(p[0] == '/' && (p[1] == '/' || p[1] == '\0')) || q == c)
			*q++ = *p;
	*q = '\0';
	if (strstr(c, "/./") != NULL || strstr(c, "/../") != NULL ||
	    ((n = strlen(c)) >= 2 && strcmp(c + n - 2, "/.") == 0) ||
	    (n >= 3 && strcmp(c + n - 3, "/..") == 0)) {
		free(c);
		return IR_OK;
	}
	for (i = 0; i < pl->nhomes; i++)
		if (strcmp(pl->homes[i], c) == 0) {
			free(c);
			return IR_OK;
		}
	if ((nh = reallocarray(pl->homes, pl->nhomes + 1, sizeof(*nh))) ==
	    NULL) {
		free(c);
		return ir_err_set(e, IR_ENOMEM, ENOMEM, "out of memory");
	}
	pl->homes = nh;
	pl->homes[pl->nhomes++] = c;
	return IR_OK;
}

/* Open a path under the root without following any symlink. */
static int
open_beneath(int rootfd, const char *rel, int flags)
{
	struct open_how how;

	memset(&how, 0, sizeof(how));
	how.flags = (uint64_t)(flags | O_CLOEXEC | O_NOFOLLOW);
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
	    RESOLVE_NO_MAGICLINKS;
	return (int)syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
}

static int
read_passwd(struct cplan *pl, int rootfd, struct ir_err *e)
{
	struct ir_pwent *pw;
	struct ir_buf b;
	struct ir_err e2;
	size_t n, i, bad, first;
	int fd, rc;

	if ((fd = open_beneath(rootfd, "etc/passwd", O_RDONLY | O_NONBLOCK)) <
	    0) {
		(void)snprintf(pl->passwd_note, sizeof(pl->passwd_note),
		    "etc/passwd: %s: homes are those under /home and /root "
		    "only", strerror(errno));
		return IR_OK;
	}
	ir_buf_init(&b, PASSWD_MAX);
	rc = ir_read_fd(fd, "etc/passwd", &b, &e2);
	(void)close(fd);
	if (rc != IR_OK) {
		(void)snprintf(pl->passwd_note, sizeof(pl->passwd_note),
		    "%s: homes are those under /home and /root only", e2.msg);
		ir_buf_release(&b);
		return IR_OK;
	}
	rc = ir_passwd_parse(b.buf, b.len, &pw, &n, &bad, &first, e);
	ir_buf_release(&b);
	if (rc != IR_OK)
		return rc;
	if (bad > 0)
		(void)snprintf(pl->passwd_note, sizeof(pl->passwd_note),
		    "etc/passwd: %zu malformed line(s) skipped, the first is "
		    "line %zu", bad, first);
	for (i = 0; i < n && rc == IR_OK; i++)
		rc = add_home(pl, pw[i].home, e);
	ir_passwd_free(pw, n);
	return rc;
}

static int
list_home_dir(struct cplan *pl, int rootfd, struct ir_err *e)
{
	struct dirent *d;
	char path[NAME_MAX + 8];
	DIR *dir;
	int fd, rc = IR_OK;

	if ((fd = open_beneath(rootfd, "home", O_RDONLY | O_DIRECTORY)) < 0)
		return IR_OK;
	if ((dir = fdopendir(fd)) == NULL) {
		(void)close(fd);
		return IR_OK;
	}
	while (rc == IR_OK && (d = readdir(dir)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		if (d->d_type != DT_DIR && d->d_type != DT_UNKNOWN)
			continue;
		(void)snprintf(path, sizeof(path), "/home/%s", d->d_name);
		rc = add_home(pl, path, e);
	}
	(void)closedir(dir);
	return rc;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Split "/a/b/c*" (relative to the root) into a pattern. */
static int
add_pat(struct cplan *pl, const char *path, size_t art, int recursive,
    struct ir_err *e)
{
	struct cpat *np, *p;
	const char *s, *c;
	size_t n = 0, k;

	if ((np = reallocarray(pl->p, pl->n + 1, sizeof(*np))) == NULL)
		return ir_err_set(e, IR_ENOMEM, ENOMEM, "out of memory");
	pl->p = np;
	p = &pl->p[pl->n];
	memset(p, 0, sizeof(*p));
	for (s = path; *s != '\0'; s++)
		if (*s == '/')
			n++;
	if ((p->comp = calloc(n + 1, sizeof(char *))) == NULL)
		return ir_err_set(e, IR_ENOMEM, ENOMEM, "out of memory");
	for (s = path; *s == '/'; s++)
		;
	for (k = 0; *s != '\0'; k++) {
		c = strchr(s, '/');
		if ((p->comp[k] = strndup(s, c != NULL ? (size_t)(c - s) :
		    strlen(s))) == NULL) {
			p->ncomp = k;
			pl->n++;
			return ir_err_set(e, IR_ENOMEM, ENOMEM, "out of memory");
		}
		if (c == NULL)
			break;
		for (s = c; *s == '/'; s++)
			;
		if (*s == '\0') {
			k++;
			break;
		}
	}
	p->ncomp = *s == '\0' ? k : k + 1;
	for (p->nfixed = 0; p->nfixed < p->ncomp; p->nfixed++)
		if (strpbrk(p->comp[p->nfixed], "*?[\\") != NULL)
			break;
	p->art = art;
	p->recursive = recursive;
	pl->n++;
	return IR_OK;
}

int
cplan_build(struct cplan *pl, const struct ir_catalog *cat, int rootfd,
    struct ir_err *e)
{
	const struct ir_artifact *a;
	char *path;
	size_t i, j, h, hl = strlen(IR_CATALOG_HOME);
	int rc;

	memset(pl, 0, sizeof(*pl));
	if ((rc = read_passwd(pl, rootfd, e)) != IR_OK ||
	    (rc = list_home_dir(pl, rootfd, e)) != IR_OK ||
	    (rc = add_home(pl, "/root", e)) != IR_OK)
		return rc;
	qsort(pl->homes, pl->nhomes, sizeof(*pl->homes), cmp_str);
	for (i = 0; i < cat->n; i++) {
		a = &cat->v[i];
		for (j = 0; j < a->npaths; j++) {
			if (!ir_catalog_home(a->paths[j])) {
				if ((rc = add_pat(pl, a->paths[j], i,
				    a->recursive, e)) != IR_OK)
					return rc;
				continue;
			}
			for (h = 0; h < pl->nhomes; h++) {
				if (asprintf(&path, "%s%s", strcmp(pl->homes[h],
				    "/") == 0 ? "" : pl->homes[h],
				    a->paths[j] + hl) < 0)
					return ir_err_set(e, IR_ENOMEM, ENOMEM,
					    "out of memory");
				rc = add_pat(pl, path, i, a->recursive, e);
				free(path);
				if (rc != IR_OK)
					return rc;
			}
		}
	}
	return IR_OK;
}

void
cplan_free(struct cplan *pl)
{
	size_t i, k;

	for (i = 0; i < pl->n; i++) {
		for (k = 0; k < pl->p[i].ncomp; k++)
			free(pl->p[i].comp[k]);
		free(pl->p[i].comp);
	}
	free(pl->p);
	for (i = 0; i < pl->nhomes; i++)
		free(pl->homes[i]);
	free(pl->homes);
	memset(pl, 0, sizeof(*pl));
}

static void
add_art(size_t *arts, size_t *narts, size_t art)
{
	size_t i;

	for (i = 0; i < *narts; i++)
		if (arts[i] == art)
			return;
	arts[(*narts)++] = art;
}

size_t
cplan_step(const struct cplan *pl, const struct calive *in, size_t n,
    const char *name, size_t depth, int isdir, struct calive *out,
    size_t *arts, size_t *narts)
{
	const struct cpat *p;
	size_t i, k = 0, ci = depth - 1;

	for (i = 0; i < n; i++) {
		p = &pl->p[in[i].pat];
		if (in[i].inside) {
			add_art(arts, narts, p->art);
			if (isdir)
				out[k++] = in[i];
			continue;
		}
		if (ci >= p->ncomp || fnmatch(p->comp[ci], name, 0) != 0)
			continue;
		if (ci + 1 == p->ncomp) {
			add_art(arts, narts, p->art);
			if (isdir && p->recursive) {
				out[k].pat = in[i].pat;
				out[k++].inside = 1;
			}
		} else if (isdir) {
			out[k].pat = in[i].pat;
			out[k++].inside = 0;
		}
	}
	return k;
}

int
cplan_done_before(const struct cpat *p, const char *stop)
{
	const char *s = stop, *c;
	size_t i, n;
	int d;

	for (i = 0; i < p->nfixed; i++) {
		while (*s == '/')
			s++;
		if (*s == '\0')
			return 0;	/* the prefix is below stop */
		c = strchr(s, '/');
		n = c != NULL ? (size_t)(c - s) : strlen(s);
		d = strncmp(p->comp[i], s, n);
		if (d == 0 && p->comp[i][n] != '\0')
			d = 1;		/* longer: after s's name */
		if (d != 0)
			return d < 0;
		s += n;
	}
	return 0;			/* an ancestor of stop, or stop */
}
