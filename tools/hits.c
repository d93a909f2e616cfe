/* hits: the (partition, inode) pairs that records name. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "hits.h"
#include "tool.h"

static int
cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->part != y->part)
		return x->part < y->part ? -1 : 1;
	return x->inode < y->inode ? -1 : x->inode > y->inode;
}

/* One record: 1 kept, 0 not a hit, -1 out of memory. */
static int
keep(struct hits *h, json_t *r, const char *want, const char *source,
    size_t *cap)
{
	json_t *inode, *part, *src;
	const char *type;
	struct hit *v;

	type = json_string_value(json_object_get(r, "type"));
	inode = json_object_get(r, "inode");
	if ((want != NULL && (type == NULL || strcmp(type, want) != 0)) ||
	    !json_is_integer(inode) || json_integer_value(inode) < 0)
		return 0;
	src = json_object_get(r, "source");
	if (source != NULL && json_is_string(src) &&
	    strcmp(json_string_value(src), source) != 0) {
		h->other++;
		return 0;
	}
	part = json_object_get(r, "part");
	if (h->n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		if ((v = reallocarray(h->v, *cap, sizeof(*v))) == NULL)
			return -1;
		h->v = v;
	}
	h->v[h->n].part = json_is_integer(part) &&
	    json_integer_value(part) >= 0 &&
	    json_integer_value(part) <= 10000 ?
	    (int)json_integer_value(part) : -1;
	h->v[h->n].inode = (uint64_t)json_integer_value(inode);
	h->v[h->n].found = 0;
	h->n++;
	return 1;
}

int
hits_load(struct hits *h, const char *path, const char *type,
    const char *source)
{
	FILE *fp;
	char *line = NULL;
	size_t sz = 0, cap = 0, lineno = 0, i, j;
	ssize_t len;
	json_error_t je;
	json_t *r;
	int rc = 0;

	memset(h, 0, sizeof(*h));
	fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
	if (fp == NULL) {
		tool_warnx("%s: %s", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && (len = getline(&line, &sz, fp)) > 0) {
		lineno++;
		if (len == 1 && line[0] == '\n')
			continue;
		if ((r = json_loadb(line, (size_t)len, 0, &je)) == NULL) {
			tool_warnx("%s: line %zu: not a JSON record: %s", path,
			    lineno, je.text);
			rc = -1;
			break;
		}
		if (keep(h, r, type, source, &cap) < 0) {
			tool_warnx("out of memory");
			rc = -1;
		}
		json_decref(r);
	}
	if (rc == 0 && ferror(fp)) {
		tool_warnx("%s: %s", path, strerror(errno));
		rc = -1;
	}
	free(line);
	if (fp != stdin)
		(void)fclose(fp);
	if (rc != 0) {
		hits_free(h);
		return -1;
	}
	if (h->n > 0) {
		qsort(h->v, h->n, sizeof(*h->v), cmp);
		for (i = j = 1; i < h->n; i++)
			if (cmp(&h->v[i], &h->v[j - 1]) != 0)
				h->v[j++] = h->v[i];
		h->n = j;
	}
	return 0;
}

struct hit *
hits_find(const struct hits *h, int part, uint64_t inode)
{
	struct hit key = { part, inode, 0 };

	if (h->n == 0)
		return NULL;
	return bsearch(&key, h->v, h->n, sizeof(*h->v), cmp);
}

void
hits_free(struct hits *h)
{
	free(h->v);
	memset(h, 0, sizeof(*h));
}
