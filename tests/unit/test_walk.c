/* walk: order, symlinks, pruning, stopping, depth, deep trees, one-fs. */
#include "unit.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>

struct seen {
	struct ir_buf	 paths;		/* "depth path\n" per entry */
	const char	*prune;		/* relative path to prune, or NULL */
	const char	*stop_at;	/* relative path at which to stop */
	size_t		 rootlen;
	unsigned long	 n;
	int		 maxfds;
	volatile sig_atomic_t *flag;	/* set after the 3rd entry */
};

static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (d == NULL)
		return 0;
	while (readdir(d) != NULL)
		n++;
	(void)closedir(d);
	return n;
}

static enum ir_walk_act
collect(struct ir_walk_ent *ent, void *arg)
{
	struct seen *s = arg;
	const char *rel = ent->file->path + s->rootlen;
	int fds;

	s->n++;
	if (s->paths.max != 0) {
		assert_int_equal(ir_buf_addf(&s->paths, NULL, "%d %s\n",
		    ent->file->depth, *rel == '/' ? rel + 1 : rel), IR_OK);
	}
	if (s->n % 500 == 0 && (fds = count_fds()) > s->maxfds)
		s->maxfds = fds;
	if (s->flag != NULL && s->n == 3)
		*s->flag = 1;
	if (s->stop_at != NULL && strcmp(rel + (*rel == '/'), s->stop_at) == 0)
		return IR_WALK_STOP;
	if (s->prune != NULL && strcmp(rel + (*rel == '/'), s->prune) == 0)
		return IR_WALK_PRUNE;
	return IR_WALK_CONTINUE;
}

/*
 * tree/: a/ (x, y), b -> outside dir (symlink), c/ (d/ (e)), names with a
 * newline and an invalid UTF-8 byte, a FIFO.
 */
static void
make_tree(char *dir, size_t dsz, char *outside, size_t osz)
{
	char p[512];

	ut_tmpdir(dir, dsz);
	ut_tmpdir(outside, osz);
	ut_write(outside, "secret", "must not be seen", 16);
#define P(s)	((void)snprintf(p, sizeof(p), "%s/%s", dir, (s)), p)
	assert_int_equal(mkdir(P("a"), 0755), 0);
	ut_write(dir, "a/y", "y", 1);
	ut_write(dir, "a/x", "x", 1);
	assert_int_equal(symlink(outside, P("b")), 0);
	assert_int_equal(mkdir(P("c"), 0755), 0);
	assert_int_equal(mkdir(P("c/d"), 0755), 0);
	ut_write(dir, "c/d/e", "e", 1);
	ut_write(dir, "new\nline", "", 0);
	ut_write(dir, "bad\xffname", "", 0);
	assert_int_equal(mkfifo(P("fifo"), 0600), 0);
#undef P
}

static void
test_order_and_no_symlink_following(void **state)
{
	char dir[256], outside[256];
	struct seen s = { IR_BUF_INIT(IR_BUF_NOLIMIT), NULL, NULL, 0, 0, 0, NULL };
	unsigned long nerr;
	struct ir_err e;

	(void)state;
	make_tree(dir, sizeof(dir), outside, sizeof(outside));
	s.rootlen = strlen(dir);
	assert_int_equal(ir_walk_tree(dir, NULL, collect, &s, &nerr, &e), IR_OK);
	assert_int_equal(nerr, 0);
	/* Pre-order, byte order of names within each directory. */
	assert_string_equal(s.paths.buf,
	    "0 \n1 a\n2 a/x\n2 a/y\n1 b\n1 bad\xffname\n1 c\n2 c/d\n3 c/d/e\n"
	    "1 fifo\n1 new\nline\n");
	ir_buf_release(&s.paths);
	ut_rmtree(dir);
	ut_rmtree(outside);
}

/* A symlink as the root is recorded, not followed. */
static void
test_symlink_root(void **state)
{
	char dir[256], outside[256], root[300];
	struct seen s = { IR_BUF_INIT(0), NULL, NULL, 0, 0, 0, NULL };

	(void)state;
	make_tree(dir, sizeof(dir), outside, sizeof(outside));
	(void)snprintf(root, sizeof(root), "%s/b", dir);
	assert_int_equal(ir_walk_tree(root, NULL, collect, &s, NULL, NULL),
	    IR_OK);
	assert_int_equal(s.n, 1);
	ut_rmtree(dir);
	ut_rmtree(outside);
}

static enum ir_walk_act
check_link(struct ir_walk_ent *ent, void *arg)
{
	int *found = arg;

	if (strcmp(ent->file->name, "b") == 0) {
		assert_true(S_ISLNK(ent->file->mode));
		assert_non_null(ent->file->link);
		assert_int_equal(ent->file->linklen, strlen(ent->file->link));
		assert_int_equal(ent->file->size, ent->file->linklen);
		(*found)++;
	}
	assert_true(ent->file->mtime.valid && ent->file->ctime.valid);
	return IR_WALK_CONTINUE;
}

static void
test_link_target_in_record(void **state)
{
	char dir[256], outside[256];
	int found = 0;

	(void)state;
	make_tree(dir, sizeof(dir), outside, sizeof(outside));
	assert_int_equal(ir_walk_tree(dir, NULL, check_link, &found, NULL,
	    NULL), IR_OK);
	assert_int_equal(found, 1);
	ut_rmtree(dir);
	ut_rmtree(outside);
}

static void
test_prune_stop_depth(void **state)
{
	char dir[256], outside[256];
	struct seen s = { IR_BUF_INIT(IR_BUF_NOLIMIT), "c", NULL, 0, 0, 0, NULL };
	struct ir_walk_opts o = { 0, 1, NULL };
	volatile sig_atomic_t flag = 0;
	struct ir_err e;

	(void)state;
	make_tree(dir, sizeof(dir), outside, sizeof(outside));
	s.rootlen = strlen(dir);
	assert_int_equal(ir_walk_tree(dir, NULL, collect, &s, NULL, &e), IR_OK);
	assert_null(strstr(s.paths.buf, "c/d"));
	assert_non_null(strstr(s.paths.buf, "1 c\n"));

	ir_buf_reset(&s.paths);
	s.prune = NULL;
	s.stop_at = "a/x";
	assert_int_equal(ir_walk_tree(dir, NULL, collect, &s, NULL, &e),
	    IR_EINTR);
	assert_string_equal(s.paths.buf, "0 \n1 a\n2 a/x\n");

	ir_buf_reset(&s.paths);
	s.stop_at = NULL;
	assert_int_equal(ir_walk_tree(dir, &o, collect, &s, NULL, &e), IR_OK);
	assert_null(strstr(s.paths.buf, "2 "));	/* max_depth 1 */
	assert_non_null(strstr(s.paths.buf, "1 c\n"));

	/* The stop flag (a signal handler's) ends the walk. */
	ir_buf_reset(&s.paths);
	s.n = 0;
	s.flag = &flag;
	o.max_depth = 0;
	o.stop = &flag;
	assert_int_equal(ir_walk_tree(dir, &o, collect, &s, NULL, &e),
	    IR_EINTR);
	assert_int_equal(s.n, 3);
	ir_buf_release(&s.paths);
	ut_rmtree(dir);
	ut_rmtree(outside);
}

static void
test_roots(void **state)
{
	char dir[256], outside[256], file[300];
	struct seen s = { IR_BUF_INIT(0), NULL, NULL, 0, 0, 0, NULL };
	struct ir_err e;

	(void)state;
	make_tree(dir, sizeof(dir), outside, sizeof(outside));
	assert_int_equal(ir_walk_tree("/nonexistent/irkit", NULL, collect, &s,
	    NULL, &e), IR_EIO);
	assert_non_null(strstr(e.msg, "/nonexistent/irkit"));
	assert_int_equal(s.n, 0);
	(void)snprintf(file, sizeof(file), "%s/a/x", dir);
	assert_int_equal(ir_walk_tree(file, NULL, collect, &s, NULL, &e), IR_OK);
	assert_int_equal(s.n, 1);
	ut_rmtree(dir);
	ut_rmtree(outside);
}

/* 3000 levels: paths far past PATH_MAX, a bounded number of open fds. */
static void
test_deep_tree(void **state)
{
	struct seen s = { IR_BUF_INIT(0), NULL, NULL, 0, 0, 0, NULL };
	char dir[256];
	unsigned long nerr;
	int fd, nfd, i, before;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	assert_true((fd = open(dir, O_RDONLY | O_DIRECTORY)) >= 0);
	for (i = 0; i < 3000; i++) {
		assert_int_equal(mkdirat(fd, "dd", 0755), 0);
		if (i % 100 == 0)
			assert_int_equal(close(openat(fd, "f",
			    O_CREAT | O_WRONLY, 0600)), 0);
		assert_true((nfd = openat(fd, "dd", O_RDONLY | O_DIRECTORY)) >= 0);
		(void)close(fd);
		fd = nfd;
	}
	(void)close(fd);
	before = count_fds();
	assert_int_equal(ir_walk_tree(dir, NULL, collect, &s, &nerr, NULL),
	    IR_OK);
	assert_int_equal(nerr, 0);
	assert_int_equal(s.n, 1 + 3000 + 30);
	assert_true(s.maxfds - before < 80);
	ut_rmtree(dir);
}

static void
test_one_file_system(void **state)
{
	char dir[256], mnt[300];
	struct seen s = { IR_BUF_INIT(IR_BUF_NOLIMIT), NULL, NULL, 0, 0, 0, NULL };
	struct ir_walk_opts o = { IR_WALK_ONE_FS, 0, NULL };

	(void)state;
	if (geteuid() != 0)
		skip();
	ut_tmpdir(dir, sizeof(dir));
	(void)snprintf(mnt, sizeof(mnt), "%s/m", dir);
	assert_int_equal(mkdir(mnt, 0755), 0);
	assert_int_equal(mount("irkit-test", mnt, "tmpfs", 0, "size=1m"), 0);
	ut_write(mnt, "inside", "x", 1);
	s.rootlen = strlen(dir);
	assert_int_equal(ir_walk_tree(dir, &o, collect, &s, NULL, NULL), IR_OK);
	assert_string_equal(s.paths.buf, "0 \n1 m\n");	/* mount point only */
	ir_buf_reset(&s.paths);
	assert_int_equal(ir_walk_tree(dir, NULL, collect, &s, NULL, NULL), IR_OK);
	assert_string_equal(s.paths.buf, "0 \n1 m\n2 m/inside\n");
	assert_int_equal(umount(mnt), 0);
	ir_buf_release(&s.paths);
	ut_rmtree(dir);
}

struct vanish {
	char		 victim[512];
	int		 saw_error;
	unsigned long	 n;
};

/* While "a" is visited, "b" (already listed) is removed behind the walk. */
static enum ir_walk_act
remove_sibling(struct ir_walk_ent *ent, void *arg)
{
	struct vanish *v = arg;

	v->n++;
	if (strcmp(ent->file->name, "a") == 0)
		assert_int_equal(unlink(v->victim), 0);
	if (strcmp(ent->file->name, "b") == 0) {
		assert_non_null(strstr(ent->file->error, "vanished"));
		v->saw_error = 1;
	}
	return IR_WALK_CONTINUE;
}

static void
test_vanished_entry(void **state)
{
	struct vanish v;
	unsigned long nerr;
	char dir[256];

	(void)state;
	memset(&v, 0, sizeof(v));
	ut_tmpdir(dir, sizeof(dir));
	ut_write(dir, "a", "1", 1);
	ut_write(dir, "b", "2", 1);
	ut_write(dir, "c", "3", 1);
	(void)snprintf(v.victim, sizeof(v.victim), "%s/b", dir);
	assert_int_equal(ir_walk_tree(dir, NULL, remove_sibling, &v, &nerr,
	    NULL), IR_OK);
	assert_int_equal(v.saw_error, 1);
	assert_int_equal(nerr, 1);
	assert_int_equal(v.n, 4);	/* root, a, b (with its error), c */
	ut_rmtree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_no_symlink_following),
		cmocka_unit_test(test_symlink_root),
		cmocka_unit_test(test_link_target_in_record),
		cmocka_unit_test(test_prune_stop_depth),
		cmocka_unit_test(test_roots),
		cmocka_unit_test(test_deep_tree),
		cmocka_unit_test(test_one_file_system),
		cmocka_unit_test(test_vanished_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
