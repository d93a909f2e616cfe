/*
 * catalog: the artifact catalogue, JSON read with jansson.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "ir/buf.h"
#include "ir/catalog.h"
#include "ir/error.h"
#include "ir/io.h"

#define NAME_MAX_LEN	64
#define PATH_MAX_LEN	1024
#define DESC_MAX_LEN	4096
#define MAX_PATHS	256

int
ir_catalog_home(const char *p)
{
	size_t n = strlen(IR_CATALOG_HOME);

	return strncmp(p, IR_CATALOG_HOME, n) == 0 && p[n] == '/';
}

static void
artifact_free(struct ir_artifact *a)
{
	size_t i;

	free(a->name);
	free(a->category);
	free(a->description);
	for (i = 0; i < a->npaths; i++)
		free(a->paths[i]);
	free(a->paths);
}

void
ir_catalog_free(struct ir_catalog *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		artifact_free(&c->v[i]);
	free(c->v);
	for (i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
	memset(c, 0, sizeof(*c));
}

static int
good_name(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > NAME_MAX_LEN)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

/* "", "." or "..": components a glob must not have. */
static const char *
bad_path(const char *p)
{
	const char *c, *s;
	size_t n;

	if (strlen(p) > PATH_MAX_LEN)
		return "longer than 1024 bytes";
	if (p[0] != '/' && !ir_catalog_home(p))
		return "must start with '/', '{home}/' or '~/'";
	s = p[0] == '/' ? p + 1 : p + strlen(IR_CATALOG_HOME) + 1;
	if (*s == '\0')
		return "names no file (a bare root or home)";
	for (; ; s = c + 1) {
		c = strchr(s, '/');
		n = c != NULL ? (size_t)(c - s) : strlen(s);
		if (n == 0)
			return "has an empty component ('//' or a trailing '/')";
		if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' &&
		    s[1] == '.'))
			return "has a '.' or '..' component";
		if (memchr(s, '{', n) != NULL)
			return "has '{' (only a leading {home} is a placeholder)";
		if (c == NULL)
			break;
	}
	return NULL;
}

/* A size: a number, or "16M", "1G", "512k" ("Ki" and "B" allowed). */
static int
parse_size(const json_t *j, uint64_t *out)
{
	if (json_is_integer(j)) {
		if (json_integer_value(j) <= 0)
			return -1;
		*out = (uint64_t)json_integer_value(j);
		return 0;
	}
	if (!json_is_string(j))
		return -1;
	return ir_parse_size(json_string_value(j), out) != 0 || *out == 0 ?
	    -1 : 0;
}

/* A string member of at most max bytes, non-empty. */
static const char *
get_str(const json_t *o, const char *key, size_t max)
{
	const json_t *j = json_object_get(o, key);

	if (!json_is_string(j) || json_string_length(j) == 0 ||
	    json_string_length(j) > max ||
	    strlen(json_string_value(j)) != json_string_length(j))
		return NULL;
	return json_string_value(j);
}

/* The error about artifact k of file name: "FILE: artifact K ("N"): ". */
static int
art_err(struct ir_err *e, const char *file, size_t k, const json_t *a,
    const char *what)
{
	const json_t *nm = json_object_get(a, "name");

	if (json_is_string(nm) && good_name(json_string_value(nm)))
		return ir_err_set(e, IR_EFORMAT, 0, "%s: artifact %zu (\"%s\"): "
		    "%s", file, k + 1, json_string_value(nm), what);
	return ir_err_set(e, IR_EFORMAT, 0, "%s: artifact %zu: %s", file,
	    k + 1, what);
}

static int
parse_artifact(const char *file, size_t k, const json_t *a,
    const char *category, struct ir_artifact *out, struct ir_err *e)
{
	static const char *const keys[] = { "name", "category", "description",
	    "paths", "max_size", "recursive", NULL };
	const char *key, *s, *why;
	const json_t *v, *paths;
	char msg[200];
	size_t i, j;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(a))
		return art_err(e, file, k, a, "not an object");
	json_object_foreach((json_t *)a, key, v) {
		for (i = 0; keys[i] != NULL; i++)
			if (strcmp(key, keys[i]) == 0)
				break;
		if (keys[i] == NULL) {
			(void)snprintf(msg, sizeof(msg), "unknown key \"%.64s\" "
			    "(name, category, description, paths, max_size, "
			    "recursive)", key);
			return art_err(e, file, k, a, msg);
		}
	}
	if ((s = get_str(a, "name", NAME_MAX_LEN)) == NULL || !good_name(s))
		return art_err(e, file, k, a, "\"name\" must be 1-64 of "
		    "A-Z a-z 0-9 . _ -");
	if ((out->name = strdup(s)) == NULL)
		goto nomem;
	if (json_object_get(a, "category") != NULL) {
		if ((s = get_str(a, "category", NAME_MAX_LEN)) == NULL ||
		    !good_name(s)) {
			artifact_free(out);
			return art_err(e, file, k, a, "\"category\" must be "
			    "1-64 of A-Z a-z 0-9 . _ -");
		}
		category = s;
	}
	if ((out->category = strdup(category)) == NULL)
		goto nomem;
	if ((s = get_str(a, "description", DESC_MAX_LEN)) == NULL) {
		artifact_free(out);
		return art_err(e, file, k, a, "\"description\" must be a "
		    "non-empty string (without NUL)");
	}
	if ((out->description = strdup(s)) == NULL)
		goto nomem;
	paths = json_object_get(a, "paths");
	if (!json_is_array(paths) || json_array_size(paths) == 0 ||
	    json_array_size(paths) > MAX_PATHS) {
		artifact_free(out);
		return art_err(e, file, k, a, "\"paths\" must be a list of 1 "
		    "to 256 strings");
	}
	if ((out->paths = calloc(json_array_size(paths), sizeof(char *))) ==
	    NULL)
		goto nomem;
	json_array_foreach(paths, i, v) {
		if (!json_is_string(v) || strlen(json_string_value(v)) !=
		    json_string_length(v)) {
			(void)snprintf(msg, sizeof(msg), "paths[%zu]: not a "
			    "string (or holds NUL)", i);
			artifact_free(out);
			return art_err(e, file, k, a, msg);
		}
		s = json_string_value(v);
		if (s[0] == '~' && s[1] == '/') {
			if (asprintf(&out->paths[i], "%s%s", IR_CATALOG_HOME,
			    s + 1) < 0) {
				out->paths[i] = NULL;
				goto nomem;
			}
		} else if ((out->paths[i] = strdup(s)) == NULL)
			goto nomem;
		out->npaths = i + 1;
		if ((why = bad_path(out->paths[i])) != NULL) {
			(void)snprintf(msg, sizeof(msg), "paths[%zu] \"%.100s\": "
			    "%s", i, s, why);
			artifact_free(out);
			return art_err(e, file, k, a, msg);
		}
		for (j = 0; j < i; j++)
			if (strcmp(out->paths[j], out->paths[i]) == 0) {
				(void)snprintf(msg, sizeof(msg), "paths[%zu] "
				    "\"%.100s\": given twice", i, s);
				artifact_free(out);
				return art_err(e, file, k, a, msg);
			}
	}
	out->max_size = IR_CATALOG_MAX_SIZE;
	if ((v = json_object_get(a, "max_size")) != NULL &&
	    parse_size(v, &out->max_size) != 0) {
		artifact_free(out);
		return art_err(e, file, k, a, "\"max_size\" must be a positive "
		    "number of bytes or a string such as \"64M\"");
	}
	if ((v = json_object_get(a, "recursive")) != NULL) {
		if (!json_is_boolean(v)) {
			artifact_free(out);
			return art_err(e, file, k, a, "\"recursive\" must be "
			    "true or false");
		}
		out->recursive = json_is_true(v);
	}
	return IR_OK;
nomem:
	artifact_free(out);
	return ir_err_set(e, IR_ENOMEM, ENOMEM, "%s: out of memory", file);
}

int
ir_catalog_parse(struct ir_catalog *c, const char *name, const char *buf,
    size_t n, struct ir_err *e)
{
	json_error_t jerr;
	json_t *root, *arts, *a, *v;
	struct ir_artifact *nv = NULL;
	const char *category, *key;
	char **nf, *fname = NULL;
	size_t i, j, cnt = 0;
	int rc = IR_OK;

	root = json_loadb(buf, n, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		return ir_err_set(e, IR_EFORMAT, 0, "%s: line %d column %d: %s",
		    name, jerr.line, jerr.column, jerr.text);
	if (!json_is_object(root)) {
		rc = ir_err_set(e, IR_EFORMAT, 0, "%s: line 1: not a JSON "
		    "object with \"category\" and \"artifacts\"", name);
		goto out;
	}
	json_object_foreach(root, key, v)
		if (strcmp(key, "category") != 0 && strcmp(key, "artifacts") !=
		    0 && strcmp(key, "description") != 0) {
			rc = ir_err_set(e, IR_EFORMAT, 0, "%s: unknown key "
			    "\"%.64s\" (category, description, artifacts)",
			    name, key);
			goto out;
		}
	if ((category = get_str(root, "category", NAME_MAX_LEN)) == NULL ||
	    !good_name(category)) {
		rc = ir_err_set(e, IR_EFORMAT, 0, "%s: \"category\" must be 1-64 "
		    "of A-Z a-z 0-9 . _ -", name);
		goto out;
	}
	arts = json_object_get(root, "artifacts");
	if (!json_is_array(arts) || json_array_size(arts) == 0) {
		rc = ir_err_set(e, IR_EFORMAT, 0, "%s: \"artifacts\" must be a "
		    "non-empty list", name);
		goto out;
	}
	if ((fname = strdup(name)) == NULL ||
	    (nv = reallocarray(c->v, c->n + json_array_size(arts),
	    sizeof(*nv))) == NULL) {
		rc = ir_err_set(e, IR_ENOMEM, ENOMEM, "%s: out of memory", name);
		goto out;
	}
	c->v = nv;
	json_array_foreach(arts, i, a) {
		if ((rc = parse_artifact(name, i, a, category, &c->v[c->n + i],
		    e)) != IR_OK)
			break;
		cnt = i + 1;
		c->v[c->n + i].file = fname;
		for (j = 0; j < c->n + i; j++)
			if (strcmp(c->v[j].name, c->v[c->n + i].name) == 0) {
				rc = ir_err_set(e, IR_EFORMAT, 0, "%s: artifact "
				    "%zu (\"%s\"): the name is taken already "
				    "(%s)", name, i + 1, c->v[j].name,
				    c->v[j].file);
				break;
			}
		if (rc != IR_OK)
			break;
	}
	if (rc == IR_OK) {
		nf = reallocarray(c->files, c->nfiles + 1, sizeof(*nf));
		if (nf == NULL)
			rc = ir_err_set(e, IR_ENOMEM, ENOMEM, "%s: out of memory",
			    name);
		else {
			c->files = nf;
			c->files[c->nfiles++] = fname;
			fname = NULL;
			c->n += json_array_size(arts);
		}
	}
	if (rc != IR_OK)
		for (i = 0; i < cnt; i++)
			artifact_free(&c->v[c->n + i]);
out:
	free(fname);
	json_decref(root);
	return rc;
}

static int
load_file(struct ir_catalog *c, int dirfd, const char *rel, const char *name,
    struct ir_err *e)
{
	struct ir_buf b;
	int rc;

	ir_buf_init(&b, IR_CATALOG_FILE_MAX);
	rc = ir_read_file(dirfd, rel, &b, e);
	if (rc == IR_ELIMIT)
		rc = ir_err_set(e, IR_EFORMAT, 0, "%s: larger than %u bytes",
		    name, IR_CATALOG_FILE_MAX);
	else if (rc != IR_OK)
		ir_err_prefix(e, "catalogue");
	else
		rc = ir_catalog_parse(c, name, b.buf, b.len, e);
	ir_buf_release(&b);
	return rc;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
ir_catalog_load(struct ir_catalog *c, const char *path, struct ir_err *e)
{
	struct stat st;
	struct dirent *d;
	char **names = NULL, **nn, *full;
	size_t n = 0, i, len;
	DIR *dir;
	int rc = IR_OK;

	if (stat(path, &st) != 0)
		return ir_err_set(e, errno == ENOENT ? IR_ENOENT : IR_EIO, errno,
		    "catalogue '%s'", path);
	if (!S_ISDIR(st.st_mode))
		return load_file(c, AT_FDCWD, path, path, e);
	if ((dir = opendir(path)) == NULL)
		return ir_err_set(e, IR_EIO, errno, "catalogue '%s'", path);
	while ((d = readdir(dir)) != NULL) {
		len = strlen(d->d_name);
		if (d->d_name[0] == '.' || len < 6 ||
		    strcmp(d->d_name + len - 5, ".json") != 0)
			continue;
		if ((nn = reallocarray(names, n + 1, sizeof(*nn))) == NULL ||
		    (nn[n] = strdup(d->d_name)) == NULL) {
			if (nn != NULL)
				names = nn;
			rc = ir_err_set(e, IR_ENOMEM, ENOMEM, "out of memory");
			goto out;
		}
		names = nn;
		n++;
	}
	if (n == 0) {
		rc = ir_err_set(e, IR_ENOENT, 0, "catalogue '%s': no *.json "
		    "file in the directory", path);
		goto out;
	}
	qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n && rc == IR_OK; i++) {
		if (asprintf(&full, "%s/%s", path, names[i]) < 0) {
			rc = ir_err_set(e, IR_ENOMEM, ENOMEM, "out of memory");
			break;
		}
		rc = load_file(c, AT_FDCWD, full, full, e);
		free(full);
	}
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	(void)closedir(dir);
	return rc;
}
