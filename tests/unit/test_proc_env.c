/*
 * proc_env: this process's own /proc/self/environ against environ[] (as
 * it was at exec), /proc/self/cmdline against argv, /proc/self/cgroup
 * and each /proc/self/ns link against stat(2) of the namespace files; literal
 * buffers with what a process may leave there (no final NUL, empty
 * strings, "NAME" without '=', a longer name sharing the prefix); bad
 * cgroup lines and ns links refused as IR_EFORMAT.  Plus stat's flags:
 * kthreadd is a kernel thread, this process is not.
 */
#include "unit.h"

#include <sys/stat.h>

#include <fcntl.h>

#define S(x)	(x), sizeof(x) - 1

extern char **environ;
static char **saved_argv;
static int saved_argc;

static void
expect_format(int rc, const struct ir_err *e, const char *prefix)
{
	assert_int_equal(rc, IR_EFORMAT);
	assert_int_equal(e->code, IR_EFORMAT);
	if (strncmp(e->msg, prefix, strlen(prefix)) != 0)
		fail_msg("message '%s' not '%s...'", e->msg, prefix);
}

static void
slurp(const char *path, struct ir_buf *b)
{
	struct ir_err e;

	ir_buf_init(b, (size_t)16 << 20);
	assert_int_equal(ir_read_file(AT_FDCWD, path, b, &e), IR_OK);
}

static void
test_nulstr(void **state)
{
	static const char buf[] = "a\0bb\0\0c";	/* no final NUL */
	const char *s;
	size_t off = 0, sl;

	(void)state;
	assert_true(ir_nulstr_next(S(buf), &off, &s, &sl));
	assert_int_equal(sl, 1);
	assert_memory_equal(s, "a", 1);
	assert_true(ir_nulstr_next(S(buf), &off, &s, &sl));
	assert_int_equal(sl, 2);
	assert_memory_equal(s, "bb", 2);
	assert_true(ir_nulstr_next(S(buf), &off, &s, &sl));
	assert_int_equal(sl, 0);
	assert_true(ir_nulstr_next(S(buf), &off, &s, &sl));
	assert_int_equal(sl, 1);
	assert_memory_equal(s, "c", 1);
	assert_false(ir_nulstr_next(S(buf), &off, &s, &sl));
	off = 0;
	assert_false(ir_nulstr_next("", 0, &off, &s, &sl));
}

static void
test_environ_literal(void **state)
{
	static const char env[] = "LD_PRELOADX=no\0LD_PRELOAD\0"
	    "LD_PRELOAD=/tmp/a.so\0LD_PRELOAD=/second.so\0EMPTY=\0TAIL=t";
	const char *v;
	size_t vl;

	(void)state;
	assert_int_equal(ir_environ_get(S(env), "LD_PRELOAD", &v, &vl), 1);
	assert_int_equal(vl, 9);
	assert_memory_equal(v, "/tmp/a.so", 9);
	assert_int_equal(ir_environ_get(S(env), "EMPTY", &v, &vl), 1);
	assert_int_equal(vl, 0);
	assert_int_equal(ir_environ_get(S(env), "TAIL", &v, &vl), 1);
	assert_memory_equal(v, "t", 1);
	assert_int_equal(ir_environ_get(S(env), "LD_PRE", &v, &vl), 0);
	assert_null(v);
	assert_int_equal(ir_environ_get(S(env), "NONE", &v, &vl), 0);
}

static void
test_environ_self(void **state)
{
	struct ir_buf b;
	const char *v, *eq;
	size_t vl, i, n = 0, off = 0, sl;
	char name[256];

	(void)state;
	slurp("/proc/self/environ", &b);
	/* Every entry of environ[] (untouched since exec) is found. */
	for (i = 0; environ[i] != NULL; i++) {
		if ((eq = strchr(environ[i], '=')) == NULL ||
		    (size_t)(eq - environ[i]) >= sizeof(name))
			continue;
		memcpy(name, environ[i], (size_t)(eq - environ[i]));
		name[eq - environ[i]] = '\0';
		assert_int_equal(ir_environ_get(b.buf, b.len, name, &v, &vl),
		    1);
		/* The first of duplicate names is the one getenv finds. */
		if (strcmp(getenv(name), eq + 1) == 0) {
			assert_int_equal(vl, strlen(eq + 1));
			assert_memory_equal(v, eq + 1, vl);
		}
	}
	while (ir_nulstr_next(b.buf, b.len, &off, &v, &sl))
		n++;
	assert_int_equal(n, i);
	ir_buf_release(&b);
}

static void
test_cmdline_self(void **state)
{
	struct ir_buf b;
	const char *s;
	size_t off = 0, sl;
	int i = 0;

	(void)state;
	slurp("/proc/self/cmdline", &b);
	while (ir_nulstr_next(b.buf, b.len, &off, &s, &sl)) {
		assert_true(i < saved_argc);
		assert_int_equal(sl, strlen(saved_argv[i]));
		assert_memory_equal(s, saved_argv[i], sl);
		i++;
	}
	assert_int_equal(i, saved_argc);
	ir_buf_release(&b);
}

static void
test_cgroup(void **state)
{
	static const char v1[] = "12:cpu,cpuacct:/user.slice\n"
	    "1:name=systemd:/user.slice/session-3.scope\n"
	    "0::/user.slice/session-3.scope\n";
	struct ir_cgroup *c = (void *)1;
	struct ir_buf b;
	struct ir_err e;
	size_t n = 7;

	(void)state;
	assert_int_equal(ir_cgroup_parse(S(v1), &c, &n, &e), IR_OK);
	assert_int_equal(n, 3);
	assert_int_equal(c[0].hier, 12);
	assert_string_equal(c[0].controllers, "cpu,cpuacct");
	assert_string_equal(c[0].path, "/user.slice");
	assert_string_equal(c[1].controllers, "name=systemd");
	assert_int_equal(c[2].hier, 0);
	assert_string_equal(c[2].controllers, "");
	assert_string_equal(c[2].path, "/user.slice/session-3.scope");
	ir_cgroups_free(c, n);
	/* A path may hold ':' (it is the rest of the line). */
	assert_int_equal(ir_cgroup_parse(S("0::/a:b\n"), &c, &n, &e), IR_OK);
	assert_string_equal(c[0].path, "/a:b");
	ir_cgroups_free(c, n);
	expect_format(ir_cgroup_parse(S("0:/a\n"), &c, &n, &e), &e,
	    "cgroup line 1: not");
	assert_null(c);
	assert_int_equal(n, 0);
	expect_format(ir_cgroup_parse(S("0::/\n:a:/b\n"), &c, &n, &e), &e,
	    "cgroup line 2: not");
	expect_format(ir_cgroup_parse(S("x::/\n"), &c, &n, &e), &e,
	    "cgroup line 1: bad hierarchy");
	expect_format(ir_cgroup_parse(S("4294967296::/\n"), &c, &n, &e), &e,
	    "cgroup line 1: bad hierarchy");
	expect_format(ir_cgroup_parse(S("0::/a\0b\n"), &c, &n, &e), &e,
	    "cgroup line 1: not");

	slurp("/proc/self/cgroup", &b);
	assert_int_equal(ir_cgroup_parse(b.buf, b.len, &c, &n, &e), IR_OK);
	assert_true(n >= 1);
	assert_int_equal(c[n - 1].path[0], '/');
	ir_cgroups_free(c, n);
	ir_buf_release(&b);
}

static void
test_ns_link(void **state)
{
	static const char *const kinds[] = { "mnt", "net", "pid", "user",
	    "uts", "ipc", "cgroup" };
	char type[16], path[64], link[128];
	struct ir_err e;
	struct stat sb;
	uint64_t ino;
	ssize_t r;
	size_t i;

	(void)state;
	assert_int_equal(ir_ns_link_parse(S("mnt:[4026531841]"), type, &ino,
	    &e), IR_OK);
	assert_string_equal(type, "mnt");
	assert_int_equal(ino, 4026531841ULL);
	expect_format(ir_ns_link_parse(S("mnt:4026"), type, &ino, &e), &e,
	    "ns link line 1");
	expect_format(ir_ns_link_parse(S(":[1]"), type, &ino, &e), &e,
	    "ns link line 1");
	expect_format(ir_ns_link_parse(S("mnt:[]"), type, &ino, &e), &e,
	    "ns link line 1");
	expect_format(ir_ns_link_parse(S("mnt:[12a]"), type, &ino, &e), &e,
	    "ns link line 1");
	expect_format(ir_ns_link_parse(S("pid_for_children_x:[1]"), type, &ino,
	    &e), &e, "ns link line 1");
	expect_format(ir_ns_link_parse(S("mnt:[99999999999999999999]"), type,
	    &ino, &e), &e, "ns link line 1");
	assert_string_equal(type, "");
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		(void)snprintf(path, sizeof(path), "/proc/self/ns/%s",
		    kinds[i]);
		if ((r = readlink(path, link, sizeof(link))) < 0)
			continue;
		assert_int_equal(ir_ns_link_parse(link, (size_t)r, type, &ino,
		    &e), IR_OK);
		assert_string_equal(type, kinds[i]);
		assert_int_equal(stat(path, &sb), 0);
		assert_int_equal(ino, sb.st_ino);
	}
}

static void
test_stat_flags(void **state)
{
	struct ir_pstat st;
	struct ir_err e;

	(void)state;
	assert_int_equal(ir_pstat_read(getpid(), &st, &e), IR_OK);
	assert_int_equal(st.flags & IR_PF_KTHREAD, 0);
	/* kthreadd is pid 2 in the initial pid namespace. */
	if (ir_pstat_read(2, &st, &e) != IR_OK ||
	    strcmp(st.comm, "kthreadd") != 0)
		skip();
	assert_int_not_equal(st.flags & IR_PF_KTHREAD, 0);
}

int
main(int argc, char *argv[])
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nulstr),
		cmocka_unit_test(test_environ_literal),
		cmocka_unit_test(test_environ_self),
		cmocka_unit_test(test_cmdline_self),
		cmocka_unit_test(test_cgroup),
		cmocka_unit_test(test_ns_link),
		cmocka_unit_test(test_stat_flags),
	};

	saved_argc = argc;
	saved_argv = argv;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
