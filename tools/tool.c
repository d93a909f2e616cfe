#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tool.h"

volatile sig_atomic_t tool_stop;
static const char *progname = "irkit";
static char magic_path[PATH_MAX];

void
tool_setprogname(const char *argv0)
{
	struct ir_err e;
	const char *p;

	/* First of all, before any library reads host configuration. */
	if (ir_init(&e) != IR_OK)
		tool_die(IR_EXIT_USAGE, "%s", e.msg);
	if (argv0 == NULL)
		return;
	p = strrchr(argv0, '/');
	progname = p != NULL ? p + 1 : argv0;
	/* Keep the directory of argv[0]: the kit may run without /proc. */
	if (p != NULL && (size_t)(p - argv0) < sizeof(magic_path) - 32)
		(void)snprintf(magic_path, sizeof(magic_path), "%.*s",
		    (int)(p - argv0), argv0);
}

const char *
tool_progname(void)
{
	return progname;
}

static void
vwarn(const char *fmt, va_list ap)
{
	(void)fprintf(stderr, "%s: ", progname);
	(void)vfprintf(stderr, fmt, ap);
	(void)fputc('\n', stderr);
}

void
tool_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

void
tool_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	exit(status);
}

void
tool_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	(void)fprintf(stderr, "Try '%s --help' for more information.\n",
	    progname);
	exit(IR_EXIT_USAGE);
}

void
tool_version(void)
{
	char v[256];

	ir_versions(v, sizeof(v));
	(void)printf("%s (irkit) %s\n%s\n", progname, ir_version(), v);
	exit(fclose(stdout) == 0 ? IR_EXIT_OK : IR_EXIT_INCOMPLETE);
}

static void
on_signal(int sig)
{
	(void)sig;
	tool_stop = 1;
}

void
tool_setup(void)
{
	struct sigaction sa;
	struct rlimit rl;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	(void)sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int
tool_parse_size(const char *s, uint64_t *out)
{
	return ir_parse_size(s, out);
}

static int
have_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The directory of the running binary (of argv[0] if /proc is not there). */
static void
exe_dir(char exe[PATH_MAX])
{
	char *slash;
	ssize_t n;

	n = readlink("/proc/self/exe", exe, PATH_MAX - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
	} else
		(void)snprintf(exe, PATH_MAX, "%s",
		    magic_path[0] ? magic_path : ".");
}

/*
 * The kit keeps magic.mgc in share/ beside bin/; an installed or built
 * tool uses libmagic's own database.  IRKIT_MAGIC overrides both.
 */
const char *
tool_magic_db(void)
{
	static char buf[PATH_MAX + 32];
	char exe[PATH_MAX];
	const char *env = getenv("IRKIT_MAGIC");

	if (env != NULL && *env != '\0')
		return env;
	exe_dir(exe);
	(void)snprintf(buf, sizeof(buf), "%s/../share/magic.mgc", exe);
	if (have_file(buf))
		return buf;
	return NULL;
}

static int
have_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *
tool_catalog_dir(void)
{
	/* A build's tree only: an installed tool never looks above share/. */
	static const struct {
		const char *bindir, *rel;
	} dirs[] = {
		{ NULL, "../share/catalog" },
		{ NULL, "../share/irkit/catalog" },
		{ "/build/bin", "../../catalog" },
		{ "/build/asan/bin", "../../../catalog" },
	};
	static char buf[PATH_MAX + 32];
	char exe[PATH_MAX];
	const char *env = getenv("IRKIT_CATALOG");
	size_t i, el, bl;

	if (env != NULL && *env != '\0')
		return env;
	exe_dir(exe);
	el = strlen(exe);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (dirs[i].bindir != NULL && ((bl = strlen(dirs[i].bindir)) >
		    el || strcmp(exe + el - bl, dirs[i].bindir) != 0))
			continue;
		(void)snprintf(buf, sizeof(buf), "%s/%s", exe, dirs[i].rel);
		if (have_dir(buf))
			return buf;
	}
	return NULL;
}

void
tool_progress(const struct ir_progress *p, const char *unit, int done)
{
	char line[160];

	if (!isatty(STDERR_FILENO))
		return;
	ir_progress_format(p, unit, line, sizeof(line));
	(void)fprintf(stderr, "\r%s: %s\033[K%s", progname, line,
	    done ? "\n" : "");
}

int
tool_status(int a, int b)
{
	if (a == IR_EXIT_INCOMPLETE || b == IR_EXIT_INCOMPLETE)
		return IR_EXIT_INCOMPLETE;
	if (a == IR_EXIT_USAGE || b == IR_EXIT_USAGE)
		return IR_EXIT_USAGE;
	return a > b ? a : b;
}

int
tool_case_opt(struct tool_case_opts *o, int ch, const char *arg)
{
	switch (ch) {
	case TOOL_OPT_CASE:
		o->dir = arg;
		return 1;
	case TOOL_OPT_CASE_ID:
		o->id = arg;
		return 1;
	case TOOL_OPT_EXAMINER:
		o->examiner = arg;
		return 1;
	}
	return 0;
}

/* Open (creating) the case; the custody entry's start is now. */
static void
case_begin(struct tool_case *tc, const struct tool_case_opts *o, int argc,
    char **argv)
{
	struct ir_case_meta m;
	struct ir_err e;

	memset(tc, 0, sizeof(*tc));
	tc->started = ir_time_now();
	tc->argc = argc;
	tc->argv = argv;
	m.case_id = o->id;
	m.examiner = o->examiner;
	m.tool = progname;
	m.version = ir_version();
	if (ir_case_open(&tc->c, o->dir, &m, &e) != IR_OK)
		tool_die(IR_EXIT_USAGE, "%s", e.msg);
}

FILE *
tool_case_open(struct tool_case *tc, const struct tool_case_opts *o,
    const char *ext, int argc, char **argv)
{
	struct ir_err e;
	FILE *fp;
	int fd;

	case_begin(tc, o, argc, argv);
	if (ir_case_output(tc->c, progname, ext, &fd, &tc->out, &e) != IR_OK)
		tool_die(IR_EXIT_USAGE, "%s", e.msg);
	if ((fp = fdopen(fd, "w")) == NULL)
		tool_die(IR_EXIT_USAGE, "%s/%s: %s", o->dir, tc->out,
		    strerror(errno));
	return fp;
}

int
tool_case_close(struct tool_case *tc, int status, int complete)
{
	return tool_case_close_with(tc, status, complete, NULL);
}

char *
tool_case_open_dir(struct tool_case *tc, const struct tool_case_opts *o,
    const char *sub, int argc, char **argv)
{
	const char *dir = o->dir;
	char *full, *top, *in = NULL, *up, *base, *rel;
	size_t n;

	case_begin(tc, o, argc, argv);
	if (sub[0] == '/')
		full = strdup(sub);
	else if (asprintf(&full, "%s/%s", dir, sub) < 0)
		full = NULL;
	if (full == NULL)
		tool_die(IR_EXIT_INCOMPLETE, "out of memory");
	if ((top = realpath(dir, NULL)) == NULL)
		tool_die(IR_EXIT_USAGE, "%s: %s", dir, strerror(errno));
	/* sub is made later: its parent must exist, sub itself need not. */
	if ((up = realpath(full, NULL)) == NULL && errno == ENOENT) {
		n = strlen(full);
		while (n > 1 && full[n - 1] == '/')
			full[--n] = '\0';
		base = strrchr(full, '/');
		*base++ = '\0';
		if ((up = realpath(full[0] != '\0' ? full : "/", NULL)) != NULL &&
		    asprintf(&in, "%s/%s", strcmp(up, "/") != 0 ? up : "",
		    base) < 0)
			tool_die(IR_EXIT_INCOMPLETE, "out of memory");
		free(up);
	} else
		in = up;
	if (in == NULL)
		tool_die(IR_EXIT_USAGE, "cannot create '%s': %s", sub,
		    strerror(errno));
	n = strcmp(top, "/") != 0 ? strlen(top) : 0;
	if (strncmp(in, top, n) != 0 || in[n] != '/' || in[n + 1] == '\0')
		tool_die(IR_EXIT_USAGE, "'%s' is not inside the case directory "
		    "'%s' (a relative directory is taken in the case)", sub,
		    dir);
	if ((rel = strdup(in + n + 1)) == NULL)
		tool_die(IR_EXIT_INCOMPLETE, "out of memory");
	free(full);
	free(top);
	free(in);
	return rel;
}

void
tool_outputs_add(struct tool_outputs *o, const char *dir, const char *name,
    const char *sha256)
{
	struct ir_err e;

	if ((dir != NULL ? ir_buf_addf(&o->b, &e, "%s/%s", dir, name) :
	    ir_buf_addstr(&o->b, name, &e)) != IR_OK ||
	    ir_buf_add(&o->b, "", 1, &e) != IR_OK ||
	    ir_buf_addstr(&o->b, sha256 != NULL ? sha256 : "", &e) != IR_OK ||
	    ir_buf_add(&o->b, "", 1, &e) != IR_OK)
		tool_die(IR_EXIT_INCOMPLETE, "out of memory");
	o->n++;
}

int
tool_case_close_with(struct tool_case *tc, int status, int complete,
    struct tool_outputs *o)
{
	struct ir_custody_entry en;
	struct ir_err e;
	const char **outs, **sums, *p;
	size_t i, n = 0, extra = o != NULL ? o->n : 0;

	if ((outs = calloc(extra + 1, sizeof(*outs))) == NULL ||
	    (sums = calloc(extra + 1, sizeof(*sums))) == NULL)
		tool_die(IR_EXIT_INCOMPLETE, "out of memory");
	if (tc->out != NULL)
		outs[n++] = tc->out;
	for (i = 0, p = extra > 0 ? o->b.buf : NULL; i < extra; i++, n++) {
		outs[n] = p;
		p += strlen(p) + 1;
		sums[n] = *p != '\0' ? p : NULL;
		p += strlen(p) + 1;
	}
	memset(&en, 0, sizeof(en));
	en.tool = progname;
	en.version = ir_version();
	en.argc = tc->argc;
	en.argv = tc->argv;
	en.started = tc->started;
	en.ended = ir_time_now();
	en.status = status;
	en.complete = complete;
	en.outputs = outs;
	en.sha256 = sums;
	en.noutputs = n;
	if (ir_case_log(tc->c, &en, &e) != IR_OK) {
		tool_warnx("custody log: %s", e.msg);
		status = IR_EXIT_INCOMPLETE;
	}
	free(outs);
	free(sums);
	if (o != NULL) {
		ir_buf_release(&o->b);
		o->n = 0;
	}
	free(tc->out);
	ir_case_close(tc->c);
	memset(tc, 0, sizeof(*tc));
	return status;
}

char *
tool_utf8_name(char *s)
{
	struct ir_buf b = IR_BUF_INIT(IR_BUF_NOLIMIT);
	size_t i, k, n = strlen(s);

	if (ir_utf8_valid(s, n))
		return s;
	for (i = 0; i < n; i += k) {
		for (k = 1; k <= 4 && i + k <= n; k++)
			if (ir_utf8_valid(s + i, k))
				break;
		if (k <= 4 && i + k <= n) {
			if (ir_buf_add(&b, s + i, k, NULL) != IR_OK)
				break;
			continue;
		}
		k = 1;
		if (ir_buf_addf(&b, NULL, "%%%02X", (unsigned char)s[i]) !=
		    IR_OK)
			break;
	}
	free(s);
	if (i < n) {
		ir_buf_release(&b);
		return NULL;
	}
	return ir_buf_detach(&b, NULL);
}

int
tool_create_output(const char *path, int *created)
{
	struct stat st;
	int fd, made = 1;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST && stat(path, &st) == 0 &&
	    !S_ISREG(st.st_mode)) {
		fd = open(path, O_WRONLY | O_CLOEXEC);
		made = 0;
	} else if (fd < 0 && errno == EEXIST)
		tool_die(IR_EXIT_USAGE, "'%s' exists; not overwriting it", path);
	if (fd < 0)
		tool_die(IR_EXIT_USAGE, "cannot create '%s': %s", path,
		    strerror(errno));
	if (created != NULL)
		*created = made;
	return fd;
}

FILE *
tool_open_output(const char *path)
{
	FILE *fp;
	int fd;

	fd = tool_create_output(path, NULL);
	if ((fp = fdopen(fd, "w")) == NULL)
		tool_die(IR_EXIT_USAGE, "cannot create '%s': %s", path,
		    strerror(errno));
	return fp;
}
