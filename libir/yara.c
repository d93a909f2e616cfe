#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <yara.h>

#include "ir/buf.h"
#include "ir/error.h"
#include "ir/io.h"
#include "ir/yara.h"

#define MAX_RULE_FILE	(64UL << 20)	/* a larger .yar is a mistake */
#define MAX_DEPTH	64		/* directory levels under a rule path */

/* What public rule sets expect the scanner to define (Loki, THOR). */
static const char *const externals[] = {
	"filename", "filepath", "extension", "filetype", "owner"
};
#define NEXTERNALS	(sizeof(externals) / sizeof(externals[0]))

/*
 * One rule source that compiled: kept so that the real compiler can be
 * rebuilt when a later add poisons it.
 */
struct src {
	char		*name;		/* file path, or the caller's name */
	char		*ns;		/* NULL: libyara's default */
	char		*text;		/* NUL-terminated */
	size_t		 len;
	int		 is_file;	/* includes resolve against name */
};

/* What the compiler callback does with a message. */
enum cb_mode {
	CB_TEST,	/* a file's own compile: warnings out, first error kept */
	CB_REAL,	/* into the real compiler: first error kept */
	CB_QUIET	/* a replay: everything was said before */
};

struct ir_rules_builder {
	YR_COMPILER	*yc;
	struct ir_rules_opts opts;
	struct src	*srcs;
	size_t		 nsrcs, asrcs;
	enum cb_mode	 mode;
	const char	*cur;		/* name when libyara has none */
	int		 nerr;
	int		 errline;
	char		 errfile[PATH_MAX];
	char		 errmsg[256];
};

struct ir_rules {
	YR_RULES	*yr;
};

struct ir_scanner {
	YR_SCANNER	*ys;
	ir_match_fn	 fn;
	void		*arg;
	int		 stopped;	/* fn said stop */
	int		 cancelled;	/* ir_scanner_cancel */
	int		 nomem;
	const char	**tags;
	size_t		 atags;
	struct ir_match_meta *meta;
	size_t		 ameta;
	struct ir_match_string strings[IR_MATCH_MAXSTRINGS];
};

/*
 * yr_initialize/yr_finalize are process-wide and not thread-safe: one
 * count for every builder and ruleset, under a lock.
 */
static pthread_mutex_t yr_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned yr_refs;

static int
yr_ref(struct ir_err *e)
{
	int rc = ERROR_SUCCESS;

	(void)pthread_mutex_lock(&yr_lock);
	if (yr_refs == 0)
		rc = yr_initialize();
	if (rc == ERROR_SUCCESS)
		yr_refs++;
	(void)pthread_mutex_unlock(&yr_lock);
	if (rc != ERROR_SUCCESS)
		return ir_err_set(e, IR_EDEP, 0, "libyara: cannot initialize "
		    "(error %d)", rc);
	return IR_OK;
}

static void
yr_unref(void)
{
	(void)pthread_mutex_lock(&yr_lock);
	if (yr_refs > 0 && --yr_refs == 0)
		(void)yr_finalize();
	(void)pthread_mutex_unlock(&yr_lock);
}

/* The few libyara errors a caller can do something about, in words. */
static const char *
yr_why(int rc)
{
	switch (rc) {
	case ERROR_INSUFFICIENT_MEMORY:
		return "out of memory";
	case ERROR_COULD_NOT_OPEN_FILE:
		return "cannot open file";
	case ERROR_INVALID_FILE:
		return "not a compiled ruleset";
	case ERROR_CORRUPT_FILE:
		return "corrupt compiled ruleset";
	case ERROR_UNSUPPORTED_FILE_VERSION:
		return "compiled by another libyara version";
	case ERROR_COULD_NOT_READ_FILE:
		return "read error";
	case ERROR_WRITING_FILE:
		return "write error";
	case ERROR_SCAN_TIMEOUT:
		return "timeout";
	case ERROR_EXEC_STACK_OVERFLOW:
		return "condition stack overflow";
	case ERROR_TOO_MANY_MATCHES:
		return "too many matches";
	case ERROR_TOO_MANY_RE_FIBERS:
		return "regular expression too complex";
	default:
		return "libyara error";
	}
}

/* Loading. */

static void
compile_cb(int level, const char *file, int line, const YR_RULE *rule,
    const char *msg, void *arg)
{
	struct ir_rules_builder *b = arg;

	(void)rule;
	if (file == NULL)
		file = b->cur != NULL ? b->cur : "?";
	if (b->mode == CB_QUIET)
		return;
	if (level == YARA_ERROR_LEVEL_WARNING) {
		if (b->mode == CB_TEST && b->opts.on_problem != NULL)
			b->opts.on_problem(file, line, msg, 1, b->opts.arg);
		return;
	}
	if (b->nerr++ == 0) {
		(void)snprintf(b->errfile, sizeof(b->errfile), "%s", file);
		(void)snprintf(b->errmsg, sizeof(b->errmsg), "%s", msg);
		b->errline = line;
	}
}

/* A compiler with the externals defined, reporting to b. */
static int
compiler_new(struct ir_rules_builder *b, YR_COMPILER **cp, struct ir_err *e)
{
	YR_COMPILER *c;
	size_t i;
	int rc;

	if ((rc = yr_compiler_create(&c)) != ERROR_SUCCESS)
		return ir_err_set(e, rc == ERROR_INSUFFICIENT_MEMORY ?
		    IR_ENOMEM : IR_EDEP, 0, "libyara: cannot create a "
		    "compiler: %s", yr_why(rc));
	/* Before any rule: a rule naming an undefined external fails. */
	for (i = 0; i < NEXTERNALS; i++)
		if ((rc = yr_compiler_define_string_variable(c, externals[i],
		    "")) != ERROR_SUCCESS) {
			yr_compiler_destroy(c);
			return ir_err_set(e, IR_ENOMEM, 0, "libyara: cannot "
			    "define '%s': %s", externals[i], yr_why(rc));
		}
	yr_compiler_set_callback(c, compile_cb, b);
	*cp = c;
	return IR_OK;
}

/* Errors libyara counted while adding s to c, or -1 (out of memory). */
static int
compile_src(struct ir_rules_builder *b, YR_COMPILER *c, const struct src *s)
{
	YR_COMPILER_INCLUDE_CALLBACK_FUNC icb;
	YR_COMPILER_INCLUDE_FREE_FUNC ifree;
	void *iarg;
	FILE *fp;
	int n;

	b->cur = s->name;
	b->nerr = 0;
	if (s->is_file) {
		if (s->len == 0)
			return 0;
		/*
		 * From memory, under the file's name: both compiles see the
		 * same bytes, and includes resolve beside the file.
		 */
		if ((fp = fmemopen(s->text, s->len, "r")) == NULL)
			return -1;
		n = yr_compiler_add_file(c, fp, s->ns, s->name);
		(void)fclose(fp);
	} else {
		/*
		 * Text has no directory to be relative to, and resolving
		 * against the cwd would surprise: no includes.
		 */
		icb = c->include_callback;
		ifree = c->include_free;
		iarg = c->incl_clbk_user_data;
		yr_compiler_set_include_callback(c, NULL, NULL, NULL);
		n = yr_compiler_add_string(c, s->text, s->ns);
		yr_compiler_set_include_callback(c, icb, ifree, iarg);
	}
	if (n > 0 && b->nerr == 0) {	/* counted but not said */
		(void)snprintf(b->errfile, sizeof(b->errfile), "%s", s->name);
		(void)snprintf(b->errmsg, sizeof(b->errmsg), "%s",
		    "compile error");
		b->errline = 0;
		b->nerr = n;
	}
	return n;
}

static void
src_free(struct src *s)
{
	free(s->name);
	free(s->ns);
	free(s->text);
}

/* A source that cannot be used: said (skip_bad) or the error. */
static int
bad(struct ir_rules_builder *b, enum ir_code code, const char *file,
    int line, const char *msg, struct ir_err *e)
{
	if (b->opts.skip_bad) {
		if (b->opts.on_problem != NULL)
			b->opts.on_problem(file, line, msg, 0, b->opts.arg);
		return IR_OK;
	}
	if (line > 0)
		return ir_err_set(e, code, 0, "%s:%d: %s", file, line, msg);
	return ir_err_set(e, code, 0, "%s: %s", file, msg);
}

/*
 * The real compiler failed on a source that compiled alone (a rule name
 * already taken in the namespace): it is poisoned, so build a new one
 * from everything that went in before.
 */
static int
rebuild(struct ir_rules_builder *b, struct ir_err *e)
{
	YR_COMPILER *c;
	size_t i;
	int rc;

	yr_compiler_destroy(b->yc);
	b->yc = NULL;
	if ((rc = compiler_new(b, &c, e)) != IR_OK)
		return rc;
	b->mode = CB_QUIET;
	for (i = 0; i < b->nsrcs; i++)
		if ((rc = compile_src(b, c, &b->srcs[i])) != 0) {
			yr_compiler_destroy(c);
			return ir_err_set(e, rc < 0 ? IR_ENOMEM : IR_EDEP, 0,
			    "libyara: %s no longer compiles", b->srcs[i].name);
		}
	b->yc = c;
	return IR_OK;
}

/* Test-compile s alone, then add it; s is consumed either way. */
static int
add_src(struct ir_rules_builder *b, struct src *s, struct ir_err *e)
{
	char file[PATH_MAX], msg[256];
	YR_COMPILER *tc;
	struct src *ns;
	int n, rc, line;

	if (b->yc == NULL) {
		src_free(s);
		return ir_err_set(e, IR_EINVAL, 0, "yara: rule builder is "
		    "broken by an earlier failure");
	}
	if ((rc = compiler_new(b, &tc, e)) != IR_OK) {
		src_free(s);
		return rc;
	}
	b->mode = CB_TEST;
	n = compile_src(b, tc, s);
	yr_compiler_destroy(tc);
	if (n != 0) {
		if (n < 0)
			rc = ir_err_set(e, IR_ENOMEM, 0, "out of memory");
		else
			rc = bad(b, IR_EFORMAT, b->errfile, b->errline,
			    b->errmsg, e);
		src_free(s);
		return rc;
	}
	if (b->nsrcs == b->asrcs) {
		size_t na = b->asrcs ? b->asrcs * 2 : 64;

		if ((ns = realloc(b->srcs, na * sizeof(*ns))) == NULL) {
			src_free(s);
			return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
		}
		b->srcs = ns;
		b->asrcs = na;
	}
	b->mode = CB_REAL;
	if ((n = compile_src(b, b->yc, s)) == 0) {
		b->srcs[b->nsrcs++] = *s;
		return IR_OK;
	}
	(void)snprintf(file, sizeof(file), "%s", b->errfile);
	(void)snprintf(msg, sizeof(msg), "%s", b->errmsg);
	line = b->errline;
	src_free(s);
	if ((rc = rebuild(b, e)) != IR_OK)
		return rc;
	if (n < 0)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	return bad(b, IR_EFORMAT, file, line, msg, e);
}

int
ir_rules_builder_new(struct ir_rules_builder **bp,
    const struct ir_rules_opts *opts, struct ir_err *e)
{
	struct ir_rules_builder *b;
	int rc;

	*bp = NULL;
	if ((rc = yr_ref(e)) != IR_OK)
		return rc;
	if ((b = calloc(1, sizeof(*b))) == NULL) {
		yr_unref();
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	}
	if (opts != NULL)
		b->opts = *opts;
	if ((rc = compiler_new(b, &b->yc, e)) != IR_OK) {
		free(b);
		yr_unref();
		return rc;
	}
	*bp = b;
	return IR_OK;
}

void
ir_rules_builder_free(struct ir_rules_builder *b)
{
	size_t i;

	if (b == NULL)
		return;
	if (b->yc != NULL)
		yr_compiler_destroy(b->yc);
	for (i = 0; i < b->nsrcs; i++)
		src_free(&b->srcs[i]);
	free(b->srcs);
	free(b);
	yr_unref();
}

static char *
dup_or_null(const char *s, int *nomem)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		*nomem = 1;
	return d;
}

/* Read one rule file and add it; unreadable is bad like a syntax error. */
static int
add_file(struct ir_rules_builder *b, const char *path, const char *ns,
    struct ir_err *e)
{
	struct ir_buf buf = IR_BUF_INIT(MAX_RULE_FILE);
	struct ir_err re;
	struct stat st;
	struct src s;
	int fd, nomem = 0, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
		return bad(b, errno == ENOENT ? IR_ENOENT : IR_EIO, path, 0,
		    strerror(errno), e);
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		(void)close(fd);
		return bad(b, IR_EINVAL, path, 0, "not a regular file", e);
	}
	rc = ir_read_fd(fd, path, &buf, &re);
	(void)close(fd);
	if (rc != IR_OK) {
		ir_buf_release(&buf);
		if (rc == IR_ENOMEM)
			return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
		if (rc == IR_ELIMIT)
			return bad(b, IR_ELIMIT, path, 0, "larger than 64 MiB",
			    e);
		return bad(b, IR_EIO, path, 0, re.sys_errno != 0 ?
		    strerror(re.sys_errno) : re.msg, e);
	}
	memset(&s, 0, sizeof(s));
	s.is_file = 1;
	s.len = buf.len;
	s.name = dup_or_null(path, &nomem);
	s.ns = dup_or_null(ns, &nomem);
	if (buf.alloc == 0)		/* empty: the shared slop */
		s.text = dup_or_null("", &nomem);
	else
		s.text = buf.buf;	/* taken over */
	if (nomem) {
		if (buf.alloc != 0)
			s.text = NULL;
		src_free(&s);
		ir_buf_release(&buf);
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	}
	return add_src(b, &s, e);
}

struct paths {
	char		**v;
	size_t		 n, a;
};

static void
paths_free(struct paths *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
}

static int
paths_add(struct paths *p, const char *dir, const char *name)
{
	char **nv, *s;

	if (p->n == p->a) {
		size_t na = p->a ? p->a * 2 : 256;

		if ((nv = realloc(p->v, na * sizeof(*nv))) == NULL)
			return -1;
		p->v = nv;
		p->a = na;
	}
	if (asprintf(&s, "%s/%s", dir, name) < 0)
		return -1;
	p->v[p->n++] = s;
	return 0;
}

static int
is_rule_name(const char *name)
{
	const char *dot = strrchr(name, '.');

	return dot != NULL && dot != name && (strcasecmp(dot, ".yar") == 0 ||
	    strcasecmp(dot, ".yara") == 0);
}

/*
 * Every *.yar / *.yara under dir.  Directories are entered only when they
 * are real ones (no symlink loops); a symlink to a rule file is a rule
 * file, and one that leads nowhere is reported when it is opened.
 */
static int
collect(struct ir_rules_builder *b, const char *dir, int depth,
    struct paths *p, struct ir_err *e)
{
	struct dirent *d;
	struct stat st;
	char *sub;
	DIR *dp;
	int rc = IR_OK;

	if (depth > MAX_DEPTH)
		return bad(b, IR_ELIMIT, dir, 0, "directories nested too deep",
		    e);
	if ((dp = opendir(dir)) == NULL)
		return bad(b, IR_EIO, dir, 0, strerror(errno), e);
	while (rc == IR_OK && (errno = 0, d = readdir(dp)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		if (asprintf(&sub, "%s/%s", dir, d->d_name) < 0) {
			rc = ir_err_set(e, IR_ENOMEM, 0, "out of memory");
			break;
		}
		if (lstat(sub, &st) != 0)
			rc = bad(b, IR_EIO, sub, 0, strerror(errno), e);
		else if (S_ISDIR(st.st_mode))
			rc = collect(b, sub, depth + 1, p, e);
		else if ((S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) &&
		    is_rule_name(d->d_name) && paths_add(p, dir, d->d_name) != 0)
			rc = ir_err_set(e, IR_ENOMEM, 0, "out of memory");
		free(sub);
	}
	if (rc == IR_OK && d == NULL && errno != 0)
		rc = bad(b, IR_EIO, dir, 0, strerror(errno), e);
	(void)closedir(dp);
	return rc;
}

static int
cmp_path(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

int
ir_rules_builder_add_path(struct ir_rules_builder *b, const char *path,
    const char *ns, struct ir_err *e)
{
	struct paths p = { NULL, 0, 0 };
	struct stat st;
	size_t i;
	int rc;

	if (stat(path, &st) != 0)
		return ir_err_set(e, errno == ENOENT ? IR_ENOENT : IR_EIO,
		    errno, "cannot open '%s'", path);
	if (!S_ISDIR(st.st_mode))
		return add_file(b, path, ns, e);
	if ((rc = collect(b, path, 0, &p, e)) == IR_OK) {
		/* Sorted: the same ruleset from the same tree, every time. */
		qsort(p.v, p.n, sizeof(*p.v), cmp_path);
		for (i = 0; i < p.n && rc == IR_OK; i++)
			rc = add_file(b, p.v[i], ns, e);
	}
	paths_free(&p);
	return rc;
}

int
ir_rules_builder_add_string(struct ir_rules_builder *b, const char *text,
    const char *name, const char *ns, struct ir_err *e)
{
	struct src s;
	int nomem = 0;

	memset(&s, 0, sizeof(s));
	s.name = dup_or_null(name != NULL ? name : "<string>", &nomem);
	s.ns = dup_or_null(ns, &nomem);
	s.text = dup_or_null(text, &nomem);
	s.len = text != NULL ? strlen(text) : 0;
	if (nomem || s.text == NULL) {
		src_free(&s);
		if (nomem)
			return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
		return ir_err_set(e, IR_EINVAL, 0, "yara: no rule text");
	}
	return add_src(b, &s, e);
}

int
ir_rules_builder_finish(struct ir_rules_builder *b, struct ir_rules **rp,
    struct ir_err *e)
{
	struct ir_rules *r;
	YR_RULES *yr;
	int rc;

	*rp = NULL;
	if (b->yc == NULL) {
		ir_rules_builder_free(b);
		return ir_err_set(e, IR_EINVAL, 0, "yara: rule builder is "
		    "broken by an earlier failure");
	}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		ir_rules_builder_free(b);
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	}
	if ((rc = yr_compiler_get_rules(b->yc, &yr)) != ERROR_SUCCESS) {
		free(r);
		ir_rules_builder_free(b);
		return ir_err_set(e, rc == ERROR_INSUFFICIENT_MEMORY ?
		    IR_ENOMEM : IR_EDEP, 0, "libyara: cannot build the "
		    "ruleset: %s", yr_why(rc));
	}
	r->yr = yr;
	/* The builder's reference on libyara passes to the ruleset. */
	yr_compiler_destroy(b->yc);
	b->yc = NULL;
	while (b->nsrcs > 0)
		src_free(&b->srcs[--b->nsrcs]);
	free(b->srcs);
	free(b);
	*rp = r;
	return IR_OK;
}

static size_t
stream_read(void *p, size_t size, size_t count, void *arg)
{
	return fread(p, size, count, arg);
}

static size_t
stream_write(const void *p, size_t size, size_t count, void *arg)
{
	return fwrite(p, size, count, arg);
}

/*
 * Compiled rules are code for libyara's virtual machine and it trusts
 * them: load only rulesets made by a trusted yarac or ir_rules_save.
 * Read through our own stream so that an open failure has its errno.
 */
int
ir_rules_load(struct ir_rules **rp, const char *path, struct ir_err *e)
{
	struct ir_rules *r;
	YR_STREAM st;
	FILE *fp;
	int rc;

	*rp = NULL;
	if ((fp = fopen(path, "rbe")) == NULL)
		return ir_err_set(e, errno == ENOENT ? IR_ENOENT : IR_EIO,
		    errno, "cannot open '%s'", path);
	if ((rc = yr_ref(e)) != IR_OK) {
		(void)fclose(fp);
		return rc;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		(void)fclose(fp);
		yr_unref();
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	}
	st.user_data = fp;
	st.read = stream_read;
	st.write = NULL;
	rc = yr_rules_load_stream(&st, &r->yr);
	if (rc == ERROR_SUCCESS && ferror(fp))
		rc = ERROR_COULD_NOT_READ_FILE;
	(void)fclose(fp);
	if (rc != ERROR_SUCCESS) {
		if (r->yr != NULL)
			(void)yr_rules_destroy(r->yr);
		free(r);
		yr_unref();
		return ir_err_set(e, rc == ERROR_INSUFFICIENT_MEMORY ?
		    IR_ENOMEM : rc == ERROR_UNSUPPORTED_FILE_VERSION ?
		    IR_EUNSUPP : rc == ERROR_COULD_NOT_READ_FILE ? IR_EIO :
		    IR_EFORMAT, 0, "cannot load rules from '%s': %s", path,
		    yr_why(rc));
	}
	*rp = r;
	return IR_OK;
}

/*
 * Written beside path and renamed over it: never half a ruleset.  Mode
 * 0600 (mkostemp): a case's own rules can say what it is about.
 */
int
ir_rules_save(const struct ir_rules *r, const char *path, struct ir_err *e)
{
	char *tmp;
	YR_STREAM st;
	FILE *fp;
	int fd, rc, serr;

	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		rc = ir_err_set(e, IR_EIO, errno, "cannot create '%s'", tmp);
		free(tmp);
		return rc;
	}
	if ((fp = fdopen(fd, "wb")) == NULL) {
		serr = errno;
		(void)close(fd);
		goto fail;
	}
	st.user_data = fp;
	st.read = NULL;
	st.write = stream_write;
	rc = yr_rules_save_stream(r->yr, &st);
	serr = ferror(fp) ? EIO : 0;
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0)
		serr = errno;
	if (fclose(fp) != 0 && serr == 0)
		serr = errno;
	if (rc == ERROR_INSUFFICIENT_MEMORY) {
		(void)unlink(tmp);
		free(tmp);
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	}
	if (rc != ERROR_SUCCESS && serr == 0)
		serr = EIO;
	if (serr != 0)
		goto fail;
	if (rename(tmp, path) != 0) {
		serr = errno;
		goto fail;
	}
	free(tmp);
	return IR_OK;
fail:
	(void)unlink(tmp);
	free(tmp);
	return ir_err_set(e, IR_EIO, serr, "cannot write rules to '%s'", path);
}

int
ir_rules_open(struct ir_rules **rp, const char *path,
    const struct ir_rules_opts *opts, struct ir_err *e)
{
	struct ir_rules_builder *b;
	unsigned char magic[4];
	struct stat st;
	FILE *fp;
	size_t n;
	int rc;

	*rp = NULL;
	if (stat(path, &st) != 0)
		return ir_err_set(e, errno == ENOENT ? IR_ENOENT : IR_EIO,
		    errno, "cannot open '%s'", path);
	if (S_ISREG(st.st_mode)) {
		if ((fp = fopen(path, "rbe")) == NULL)
			return ir_err_set(e, IR_EIO, errno, "cannot open '%s'",
			    path);
		n = fread(magic, 1, sizeof(magic), fp);
		(void)fclose(fp);
		/* yarac and yr_rules_save files start "YARA"; source can't. */
		if (n == sizeof(magic) && memcmp(magic, "YARA", 4) == 0)
			return ir_rules_load(rp, path, e);
	}
	if ((rc = ir_rules_builder_new(&b, opts, e)) != IR_OK)
		return rc;
	if ((rc = ir_rules_builder_add_path(b, path, NULL, e)) != IR_OK) {
		ir_rules_builder_free(b);
		return rc;
	}
	return ir_rules_builder_finish(b, rp, e);
}

void
ir_rules_free(struct ir_rules *r)
{
	if (r == NULL)
		return;
	(void)yr_rules_destroy(r->yr);
	free(r);
	yr_unref();
}

unsigned
ir_rules_count(const struct ir_rules *r)
{
	return r != NULL ? r->yr->num_rules : 0;
}

/* Scanning. */

static int
grow(void *pp, size_t *alloc, size_t want, size_t size)
{
	void *np;
	size_t na;

	if (want <= *alloc)
		return 0;
	for (na = *alloc ? *alloc : 8; na < want; na *= 2)
		;
	if ((np = realloc(*(void **)pp, na * size)) == NULL)
		return -1;
	*(void **)pp = np;
	*alloc = na;
	return 0;
}

/* One matching rule as a struct ir_match; valid during the callback. */
static int
report(struct ir_scanner *s, YR_SCAN_CONTEXT *ctx, YR_RULE *rule)
{
	struct ir_match m;
	const char *tag;
	YR_STRING *str;
	const YR_MATCH *p;
	YR_MATCH ym;
	YR_META *meta;
	size_t nt = 0, nm = 0, i;

	yr_rule_tags_foreach(rule, tag)
		nt++;
	yr_rule_metas_foreach(rule, meta)
		nm++;
	if (grow(&s->tags, &s->atags, nt + 1, sizeof(*s->tags)) != 0 ||
	    grow(&s->meta, &s->ameta, nm, sizeof(*s->meta)) != 0) {
		s->nomem = 1;
		return CALLBACK_ERROR;
	}
	memset(&m, 0, sizeof(m));
	m.rule = rule->identifier;
	m.ns = rule->ns->name;
	i = 0;
	yr_rule_tags_foreach(rule, tag)
		s->tags[i++] = tag;
	s->tags[i] = NULL;
	m.tags = s->tags;
	i = 0;
	yr_rule_metas_foreach(rule, meta) {
		struct ir_match_meta *mm = &s->meta[i++];

		mm->key = meta->identifier;
		mm->str = meta->type == META_TYPE_STRING ? meta->string : NULL;
		mm->num = meta->type == META_TYPE_STRING ? 0 : meta->integer;
		mm->is_bool = meta->type == META_TYPE_BOOLEAN;
	}
	m.meta = s->meta;
	m.nmeta = nm;
	m.strings = s->strings;
	/*
	 * Not yr_string_matches_foreach: libyara 4.2's notebook places
	 * YR_MATCH records at any address (aligned upstream after 4.2.3,
	 * VirusTotal/yara#1930), so each is copied out before it is read.
	 */
	yr_rule_strings_foreach(rule, str) {
		for (p = ctx->matches[str->idx].head; p != NULL; p = ym.next) {
			struct ir_match_string *ms;

			memcpy(&ym, p, sizeof(ym));
			if (ym.is_private)
				continue;
			if (m.nstrings_total++ >= IR_MATCH_MAXSTRINGS)
				continue;
			ms = &s->strings[m.nstrings++];
			ms->id = str->identifier;
			ms->offset = (uint64_t)(ym.base + ym.offset);
			ms->data = ym.data;
			ms->len = ym.data_length < 0 ? 0 :
			    (size_t)ym.data_length;
			if (ms->len > IR_MATCH_EXCERPT)
				ms->len = IR_MATCH_EXCERPT;
		}
	}
	if (s->fn(&m, s->arg) != 0) {
		s->stopped = 1;
		return CALLBACK_ABORT;
	}
	return CALLBACK_CONTINUE;
}

/*
 * Only matching rules concern us.  Module imports, too many matches of
 * one string (libyara drops the string and goes on), console.log, the end
 * of the scan: CALLBACK_CONTINUE, as anything else would end the scan.
 */
static int
scan_cb(YR_SCAN_CONTEXT *ctx, int msg, void *data, void *arg)
{
	struct ir_scanner *s = arg;

	if (msg != CALLBACK_MSG_RULE_MATCHING || s->fn == NULL)
		return CALLBACK_CONTINUE;
	return report(s, ctx, data);
}

int
ir_scanner_new(struct ir_scanner **sp, const struct ir_rules *r,
    struct ir_err *e)
{
	struct ir_scanner *s;
	int rc;

	*sp = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	if ((rc = yr_scanner_create(r->yr, &s->ys)) != ERROR_SUCCESS) {
		free(s);
		return ir_err_set(e, rc == ERROR_INSUFFICIENT_MEMORY ?
		    IR_ENOMEM : IR_EDEP, 0, "libyara: cannot create a "
		    "scanner: %s", yr_why(rc));
	}
	/*
	 * No fast mode: every match of every string, for the excerpts.  No
	 * try/catch: we scan our own buffers, never a mapping that can
	 * fault, and libyara's handler swaps process-wide signal actions.
	 */
	yr_scanner_set_flags(s->ys, SCAN_FLAGS_NO_TRYCATCH |
	    SCAN_FLAGS_REPORT_RULES_MATCHING);
	yr_scanner_set_callback(s->ys, scan_cb, s);
	*sp = s;
	return IR_OK;
}

void
ir_scanner_free(struct ir_scanner *s)
{
	if (s == NULL)
		return;
	yr_scanner_destroy(s->ys);
	free(s->tags);
	free(s->meta);
	free(s);
}

void
ir_scanner_set_timeout(struct ir_scanner *s, int seconds)
{
	yr_scanner_set_timeout(s->ys, seconds > 0 ? seconds : 0);
}

/*
 * libyara 4.2 cannot cancel a scan; it only checks its timeout, every 4 KiB
 * of data and every 100 steps of a condition.  A timeout of 1 ns ends the
 * scan at the next check.  The field is public (types.h); the stores are
 * atomic, the scanning thread only reads it.
 */
void
ir_scanner_cancel(struct ir_scanner *s)
{
	if (s == NULL)
		return;
	__atomic_store_n(&s->cancelled, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&s->ys->timeout, 1, __ATOMIC_RELAXED);
}

int
ir_scanner_scan(struct ir_scanner *s, const void *buf, size_t n,
    const struct ir_scan_vars *v, ir_match_fn fn, void *arg,
    struct ir_err *e)
{
	static const uint8_t none[1];
	const char *val[NEXTERNALS];
	size_t i;
	int rc;

	if (__atomic_load_n(&s->cancelled, __ATOMIC_RELAXED))
		return ir_err_set(e, IR_EINTR, 0, "yara: scan stopped");
	memset(val, 0, sizeof(val));
	if (v != NULL) {
		val[0] = v->filename;
		val[1] = v->filepath;
		val[2] = v->extension;
		val[3] = v->filetype;
		val[4] = v->owner;
	}
	for (i = 0; i < NEXTERNALS; i++) {
		rc = yr_scanner_define_string_variable(s->ys, externals[i],
		    val[i] != NULL ? val[i] : "");
		/* A yarac ruleset may lack some: nothing to set then. */
		if (rc == ERROR_INSUFFICIENT_MEMORY)
			return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	}
	s->fn = fn;
	s->arg = arg;
	s->stopped = s->nomem = 0;
	rc = yr_scanner_scan_mem(s->ys, buf != NULL ? buf : none,
	    buf != NULL ? n : 0);
	s->fn = NULL;
	s->arg = NULL;
	if (s->nomem || rc == ERROR_INSUFFICIENT_MEMORY)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	if (s->stopped || (rc == ERROR_SCAN_TIMEOUT &&
	    __atomic_load_n(&s->cancelled, __ATOMIC_RELAXED)))
		return ir_err_set(e, IR_EINTR, 0, "yara: scan stopped");
	switch (rc) {
	case ERROR_SUCCESS:
		return IR_OK;
	case ERROR_SCAN_TIMEOUT:
		return ir_err_set(e, IR_ELIMIT, 0, "yara: scan timed out");
	case ERROR_TOO_MANY_MATCHES:
	case ERROR_EXEC_STACK_OVERFLOW:
	case ERROR_TOO_MANY_RE_FIBERS:
		return ir_err_set(e, IR_ELIMIT, 0, "yara: scan failed: %s",
		    yr_why(rc));
	default:
		return ir_err_set(e, IR_EDEP, 0, "libyara: scan failed: %s "
		    "(error %d)", yr_why(rc), rc);
	}
}

/*
 * Loki's file-type-signatures.txt (Neo23x0/Loki), in its order: Loki
 * keeps the first entry whose bytes start the file, and a signature
 * listed twice keeps its first place with its last name.  After it, what
 * THOR also names and public rules test: ELF and Mach-O.
 */
static const struct {
	const char	*sig;
	unsigned char	 len;
	const char	*type;
} filetypes[] = {
#define FT(s, t)	{ s, sizeof(s) - 1, t }
	FT("\x1f\x8b\x08", "GZIP"),
	FT("%PDF", "PDF"),
	FT("0\0\0\0LfLe", "EVT"),
	FT("PK\x03\x04\x14\0\x06\0", "Office"),
	FT("PK\x03\x04\x14\0\x08\0", "JAR"),
	FT("PKSpX", "PKSFX"),
	FT("7z\xbc\xaf\x27\x1c", "7Zip"),
	FT("Function", "VBS"),
	FT("BZh", "BZip2"),
	FT("_'\xa8\x89", "JAR"),
	FT("\xff\xd8\xff", "JPEG"),
	FT("PK\x05\x06", "PKZIP"),
	FT("Rar!\x1a\x07", "RAR"),
	FT("WinZip", "WinZIP"),
	FT("regf", "Registry Hive"),
	FT("{\\rtf1", "RTF"),
	FT("ustar", "TAR"),
	FT("\xd4\xc3\xb2\xa1", "WINPCAP"),
	FT("\xa1\xb2\xc3\xd4", "LIBPCAP"),
	FT("\xa1\xb2\xcd\x34", "LIBPCAP"),
	FT("\xca\xfe\xba\xbe", "Class"),
	FT("\xffKEYB   ", "SYS Keyboard Driver"),
	FT("\xff\xfe", "Windows Registry File"),
	FT("<?php", "PHP"),
	FT("\rDOC", "DOC"),
	FT("# Disk D", "VMDK"),
	FT("ElfFil", "EVTX"),
	FT("AES", "AESCrypt"),
	FT("COWD", "VMDK"),
	FT("CWS", "CWS"),
	FT("ZWS", "ZWS"),
	FT("<?xml", "XML"),
	FT("FILE", "NTFS MFT"),
	FT("JARCS\0", "JARCS"),
	FT("KDM", "VMDK"),
	FT("L\0\0\0\x01\x14\x02\0", "LNK"),
	FT("MSCF", "CAB"),
	FT("PK\x03\x04", "ZIP"),
	FT("_CASE_", "Encase File"),
	FT("conectix", "VHD"),
	FT("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE"),
	FT("\xff\xff\xff\xff", "SYS"),
	FT("#!/", "UNIX SCRIPT"),
	FT("MDMP", "MDMP"),
	FT("FWS", "FWS (Flash)"),
	FT("\x60\xea", "ARJ"),
	FT("\x1f\x9d", "TARZ"),
	FT("\x1f\xa0", "TARZ"),
	FT("<%", "JSP"),
	FT("MZ", "EXE"),
	FT("\xe8", "SYS"),
	FT("\xe9", "SYS"),
	FT("\xeb", "SYS"),
	FT("\x7f" "ELF", "ELF"),
	FT("\xfe\xed\xfa\xce", "MACH-O"),
	FT("\xfe\xed\xfa\xcf", "MACH-O"),
	FT("\xce\xfa\xed\xfe", "MACH-O"),
	FT("\xcf\xfa\xed\xfe", "MACH-O"),
#undef FT
};

const char *
ir_yara_filetype(const void *buf, size_t n)
{
	size_t i;

	if (buf == NULL)
		return "";
	for (i = 0; i < sizeof(filetypes) / sizeof(filetypes[0]); i++)
		if (n >= filetypes[i].len &&
		    memcmp(buf, filetypes[i].sig, filetypes[i].len) == 0)
			return filetypes[i].type;
	return "";
}
