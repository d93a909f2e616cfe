/* walk: order, symlinks, pruning, stopping, depth, deep trees, errors. */
#include "unit.h"

#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>

struct seen {
	struct ir_buf	 paths;		/* "depth relpath\n" per entry */
	const char	*prune;		/* relative path to prune, or NULL */
	const char	*stop_at;	/* relative path at which to stop */
	size_t		 rootlen;
	unsigned long	 n;
	size_t		 maxpath;	/* longest path seen */
	int		 maxdepth;
	volatile sig_atomic_t *flag;	/* set at the 3rd entry */
};

#define SEEN_INIT	{ IR_BUF_INIT(IR_BUF_NOLIMIT), NULL, NULL, 0, 0, 0, 0, \
			    NULL }

/* Everything the walker hands over must hold together. */
static void
check_record(const struct ir_walk_ent *ent)
{
	const struct ir_file *f = ent->file;
	struct stat st;

	assert_int_equal(strlen(f->path), f->pathlen);
	if (f->depth > 0)
		assert_ptr_equal(f->name, strrchr(f->path, '/') + 1);
	assert_true(f->mtime.valid && f->atime.valid && f->ctime.valid);
	assert_int_equal(f->digest.algs, 0);
	/* The same object is reachable again through dirfd + relname. */
	assert_int_equal(fstatat(ent->dirfd, ent->relname, &st,
	    AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(st.st_ino, f->inode);
	assert_int_equal(st.st_mode, f->mode);
	assert_int_equal(st.st_uid, f->uid);
	assert_int_equal(st.st_nlink, f->nlink);
	assert_int_equal(st.st_mtim.tv_sec, f->mtime.sec);
	assert_int_equal(st.st_mtim.tv_nsec, f->mtime.nsec);
	if (!S_ISDIR(st.st_mode))
		assert_int_equal((uint64_t)st.st_size, f->size);
	if (S_ISLNK(f->mode)) {
		char target[PATH_MAX];
		ssize_t n;

		assert_true((n = readlinkat(ent->dirfd, ent->relname, target,
		    sizeof(target))) >= 0);
		assert_non_null(f->link);
		assert_int_equal(f->linklen, (size_t)n);
		assert_memory_equal(f->link, target, (size_t)n);
	} else
		assert_null(f->link);
}

static enum ir_walk_act
collect(struct ir_walk_ent *ent, void *arg)
{
	struct seen *s = arg;
	const char *rel = ent->file->path + s->rootlen;

	if (*rel == '/')
		rel++;
	s->n++;
	check_record(ent);
	if (ent->file->pathlen > s->maxpath)
		s->maxpath = ent->file->pathlen;
	if (ent->file->depth > s->maxdepth)
		s->maxdepth = ent->file->depth;
	assert_int_equal(ir_buf_addf(&s->paths, NULL, "%d %s\n",
	    ent->file->depth, rel), IR_OK);
	if (s->flag != NULL && s->n == 3)
		*s->flag = 1;
	if (s->stop_at != NULL && strcmp(rel, s->stop_at) == 0)
		return IR_WALK_STOP;
	if (s->prune != NULL && strcmp(rel, s->prune) == 0)
		return IR_WALK_PRUNE;
	return IR_WALK_CONTINUE;
}

/*
 * dir/: a/ (y, x), b -> a directory outside the tree (symlink), c/ (d/ (e)),
 * names with a newline, an invalid UTF-8 byte and a byte above 0x7f that
 * sorts after ASCII, a FIFO, a hidden file.
 */
static void
make_tree(char *dir, size_t dsz, char *outside, size_t osz)
{
	char p[512];

	ut_tmpdir(dir, dsz);
	ut_tmpdir(outside, osz);
	ut_write(outside, "secret", "must not be seen", 16);
	assert_int_equal(mkdir(ut_path(p, sizeof(p), dir, "a"), 0755), 0);
	ut_write(dir, "a/y", "y", 1);
	ut_write(dir, "a/x", "x", 1);
	assert_int_equal(symlink(outside, ut_path(p, sizeof(p), dir, "b")), 0);
	assert_int_equal(mkdir(ut_path(p, sizeof(p), dir, "c"), 0755), 0);
	assert_int_equal(mkdir(ut_path(p, sizeof(p), dir, "c/d"), 0755), 0);
	ut_write(dir, "c/d/e", "eee", 3);
	ut_write(dir, "new\nline", "", 0);
	ut_write(dir, "bad\xffname", "", 0);
	ut_write(dir, "B", "", 0);
	ut_write(dir, ".hidden", "", 0);
	ut_write(dir, "\xc3\xa9t\xc3\xa9", "", 0);
	assert_int_equal(mkfifo(ut_path(p, sizeof(p), dir, "fifo"), 0600), 0);
}

/* Pre-order, byte order of names (strcmp, not the locale) per directory. */
#define TREE_ALL \
	"0 \n1 .hidden\n1 B\n1 a\n2 a/x\n2 a/y\n1 b\n1 bad\xffname\n" \
	"1 c\n2 c/d\n3 c/d/e\n1 fifo\n1 new\nline\n1 \xc3\xa9t\xc3\xa9\n"

static void
test_order_and_no_symlink_following(void **state)
{
	char dir[256], outside[256];
	struct seen s = SEEN_INIT;
	unsigned long nerr = 99;
	struct ir_err e;

	(void)state;
	make_tree(dir, sizeof(dir), outside, sizeof(outside));
	s.rootlen = strlen(dir);
	assert_int_equal(ir_walk_tree(dir, NULL, collect, &s, &nerr, &e), IR_OK);
	assert_int_equal(nerr, 0);
	assert_string_equal(s.paths.buf, TREE_ALL);
	assert_null(strstr(s.paths.buf, "secret"));
	/* A second walk gives the very same sequence. */
	ir_buf_reset(&s.paths);
	assert_int_equal(ir_walk_tree(dir, NULL, collect, &s, &nerr, &e), IR_OK);
	assert_string_equal(s.paths.buf, TREE_ALL);
	ir_buf_release(&s.paths);
	ut_rmtree(dir);
	ut_rmtree(outside);
}

static enum ir_walk_act
kinds(struct ir_walk_ent *ent, void *arg)
{
	struct ir_buf *b = arg;

	check_record(ent);
	if (ent->file->depth > 0)
		assert_int_equal(ir_buf_addf(b, NULL, "%s:%s ",
		    ent->file->name, ir_file_kind(ent->file->mode)), IR_OK);
	assert_string_equal(ent->file->error, "");
	assert_int_equal(ent->pseudo_fs, 0);
	return IR_WALK_CONTINUE;
}

/* Each object's kind, its link target, and the source it came from. */
static void
test_records(void **state)
{
	struct ir_buf b = IR_BUF_INIT(IR_BUF_NOLIMIT);
	char dir[256], outside[256];

	(void)state;
	make_tree(dir, sizeof(dir), outside, sizeof(outside));
	assert_int_equal(ir_walk_tree(dir, NULL, kinds, &b, NULL, NULL), IR_OK);
	assert_string_equal(b.buf, ".hidden:reg B:reg a:dir x:reg y:reg "
	    "b:lnk bad\xffname:reg c:dir d:dir e:reg fifo:fifo new\nline:reg "
	    "\xc3\xa9t\xc3\xa9:reg ");
	ir_buf_release(&b);
	ut_rmtree(dir);
	ut_rmtree(outside);
}

static const char *source_seen;

static enum ir_walk_act
note_source(struct ir_walk_ent *ent, void *arg)
{
	(void)arg;
	source_seen = ent->file->source;
	assert_int_equal(ent->file->deleted, 0);
	return IR_WALK_CONTINUE;
}

/* Roots: a missing one fails, a file or a symlink is one record. */
static void
test_roots(void **state)
{
	char dir[256], outside[256], root[300];
	struct seen s = SEEN_INIT;
	struct ir_err e;

	(void)state;
	make_tree(dir, sizeof(dir), outside, sizeof(outside));
	assert_int_equal(ir_walk_tree("/nonexistent/irkit", NULL, collect, &s,
	    NULL, &e), IR_EIO);
	assert_int_equal(e.sys_errno, ENOENT);
	assert_non_null(strstr(e.msg, "/nonexistent/irkit"));
	assert_int_equal(s.n, 0);
	/* A symlink as the root is recorded, not followed. */
	ut_path(root, sizeof(root), dir, "b");
	s.rootlen = strlen(root);
	assert_int_equal(ir_walk_tree(root, NULL, collect, &s, NULL, NULL),
	    IR_OK);
	assert_string_equal(s.paths.buf, "0 \n");
	assert_int_equal(s.n, 1);
	ut_path(root, sizeof(root), dir, "a/x");
	s.n = 0;
	assert_int_equal(ir_walk_tree(root, NULL, collect, &s, NULL, NULL),
	    IR_OK);
	assert_int_equal(s.n, 1);
	/* A trailing slash does not double the separator. */
	(void)snprintf(root, sizeof(root), "%s/c/", dir);
	ir_buf_reset(&s.paths);
	s.rootlen = strlen(root);
	assert_int_equal(ir_walk_tree(root, NULL, collect, &s, NULL, NULL),
	    IR_OK);
	assert_string_equal(s.paths.buf, "0 \n1 d\n2 d/e\n");
	/* Every record names the operand the walk started from. */
	assert_int_equal(ir_walk_tree(dir, NULL, note_source, NULL, NULL, NULL),
	    IR_OK);
	assert_ptr_equal(source_seen, dir);
	ir_buf_release(&s.paths);
	ut_rmtree(dir);
	ut_rmtree(outside);
}

static void
test_prune_stop_depth(void **state)
{
	char dir[256], outside[256];
	struct seen s = SEEN_INIT;
	struct ir_walk_opts o = { 0, 1, NULL };
	volatile sig_atomic_t flag = 0;
	unsigned long nerr;
	struct ir_err e;

	(void)state;
	make_tree(dir, sizeof(dir), outside, sizeof(outside));
	s.rootlen = strlen(dir);
	/* IR_WALK_PRUNE: c is recorded, nothing below it. */
	s.prune = "c";
	assert_int_equal(ir_walk_tree(dir, NULL, collect, &s, NULL, &e), IR_OK);
	assert_string_equal(s.paths.buf,
	    "0 \n1 .hidden\n1 B\n1 a\n2 a/x\n2 a/y\n1 b\n1 bad\xffname\n1 c\n"
	    "1 fifo\n1 new\nline\n1 \xc3\xa9t\xc3\xa9\n");
	/* Pruning a file or a symlink changes nothing. */
	ir_buf_reset(&s.paths);
	s.prune = "b";
	assert_int_equal(ir_walk_tree(dir, NULL, collect, &s, NULL, &e), IR_OK);
	assert_string_equal(s.paths.buf, TREE_ALL);
	/* Pruning the root: the root alone. */
	ir_buf_reset(&s.paths);
	s.prune = "";
	assert_int_equal(ir_walk_tree(dir, NULL, collect, &s, NULL, &e), IR_OK);
	assert_string_equal(s.paths.buf, "0 \n");
	s.prune = NULL;

	/* IR_WALK_STOP: nothing after it, and IR_EINTR. */
	ir_buf_reset(&s.paths);
	s.stop_at = "a/x";
	assert_int_equal(ir_walk_tree(dir, NULL, collect, &s, &nerr, &e),
	    IR_EINTR);
	assert_int_equal(e.code, IR_EINTR);
	assert_string_equal(s.paths.buf, "0 \n1 .hidden\n1 B\n1 a\n2 a/x\n");
	assert_int_equal(nerr, 0);
	ir_buf_reset(&s.paths);
	s.stop_at = "";		/* on the root itself */
	assert_int_equal(ir_walk_tree(dir, NULL, collect, &s, NULL, &e),
	    IR_EINTR);
	assert_string_equal(s.paths.buf, "0 \n");
	s.stop_at = NULL;

	/* max_depth 1 and 2. */
	ir_buf_reset(&s.paths);
	assert_int_equal(ir_walk_tree(dir, &o, collect, &s, NULL, &e), IR_OK);
	assert_string_equal(s.paths.buf, "0 \n1 .hidden\n1 B\n1 a\n1 b\n"
	    "1 bad\xffname\n1 c\n1 fifo\n1 new\nline\n1 \xc3\xa9t\xc3\xa9\n");
	ir_buf_reset(&s.paths);
	o.max_depth = 2;
	assert_int_equal(ir_walk_tree(dir, &o, collect, &s, NULL, &e), IR_OK);
	assert_non_null(strstr(s.paths.buf, "\n1 c\n2 c/d\n1 fifo\n"));
	assert_null(strstr(s.paths.buf, "c/d/e"));
	o.max_depth = 3;
	ir_buf_reset(&s.paths);
	assert_int_equal(ir_walk_tree(dir, &o, collect, &s, NULL, &e), IR_OK);
	assert_string_equal(s.paths.buf, TREE_ALL);

	/* The stop flag (set by a signal handler in a tool) ends the walk. */
	ir_buf_reset(&s.paths);
	s.n = 0;
	s.flag = &flag;
	o.max_depth = 0;
	o.stop = &flag;
	assert_int_equal(ir_walk_tree(dir, &o, collect, &s, NULL, &e),
	    IR_EINTR);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.paths.buf, "0 \n1 .hidden\n1 B\n");
	/* Set before the walk: the root at most. */
	s.n = 0;
	s.flag = NULL;
	assert_int_equal(ir_walk_tree(dir, &o, collect, &s, NULL, &e),
	    IR_EINTR);
	assert_true(s.n <= 1);
	ir_buf_release(&s.paths);
	ut_rmtree(dir);
	ut_rmtree(outside);
}

/*
 * A directory that cannot be read is recorded with the reason and the
 * walk goes on with its siblings.  Root reads everything, so the walk
 * runs in a child as nobody then.
 */
static enum ir_walk_act
note_errors(struct ir_walk_ent *ent, void *arg)
{
	struct ir_buf *b = arg;

	(void)ir_buf_addf(b, NULL, "%d %s%s%s\n", ent->file->depth,
	    ent->file->name, ent->file->error[0] ? " !" : "",
	    ent->file->error);
	return IR_WALK_CONTINUE;
}

static void
test_unreadable_directory(void **state)
{
	char dir[256], p[300], out[4096], want[1024];
	ssize_t n;
	size_t got = 0;
	pid_t pid;
	int pfd[2], st;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(mkdir(ut_path(p, sizeof(p), dir, "a"), 0755), 0);
	ut_write(dir, "a/x", "x", 1);
	assert_int_equal(mkdir(ut_path(p, sizeof(p), dir, "locked"), 0755), 0);
	ut_write(dir, "locked/hidden", "h", 1);
	assert_int_equal(chmod(p, 0), 0);
	assert_int_equal(mkdir(ut_path(p, sizeof(p), dir, "noread"), 0755), 0);
	ut_write(dir, "noread/h2", "h", 1);
	assert_int_equal(chmod(p, 0311), 0);
	ut_write(dir, "z", "z", 1);
	assert_int_equal(pipe(pfd), 0);
	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		struct ir_buf b = IR_BUF_INIT(IR_BUF_NOLIMIT);
		unsigned long nerr = 0;
		int rc;

		(void)close(pfd[0]);
		if (geteuid() == 0 && (setgid(65534) != 0 ||
		    setuid(65534) != 0))
			_exit(2);
		rc = ir_walk_tree(dir, NULL, note_errors, &b, &nerr, NULL);
		(void)ir_buf_addf(&b, NULL, "rc=%d nerrors=%lu\n", rc, nerr);
		_exit(ir_write_full(pfd[1], b.buf, b.len) < 0 ? 3 : 0);
	}
	(void)close(pfd[1]);
	while ((n = read(pfd[0], out + got, sizeof(out) - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	(void)close(pfd[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	(void)snprintf(want, sizeof(want), "0 %s\n1 a\n2 x\n"
	    "1 locked !cannot open directory: %s\n"
	    "1 noread !cannot open directory: %s\n1 z\nrc=0 nerrors=2\n",
	    strrchr(dir, '/') + 1, strerror(EACCES), strerror(EACCES));
	assert_string_equal(out, want);
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
	} else
		assert_string_equal(ent->file->error, "");
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
	ut_path(v.victim, sizeof(v.victim), dir, "b");
	assert_int_equal(ir_walk_tree(dir, NULL, remove_sibling, &v, &nerr,
	    NULL), IR_OK);
	assert_int_equal(v.saw_error, 1);
	assert_int_equal(nerr, 1);
	assert_int_equal(v.n, 4);	/* root, a, b (with its error), c */
	ut_rmtree(dir);
}

/*
 * 3000 nested directories, built with mkdirat from the previous level's
 * fd: paths far past PATH_MAX.  The walk must see all of it under a
 * descriptor limit far below the depth, and climb back up in order.
 */
static void
test_deep_tree(void **state)
{
	enum { DEPTH = 3000 };
	struct seen s = SEEN_INIT;
	struct ir_buf want = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct rlimit rl, low;
	char dir[256];
	unsigned long nerr;
	int fd, nfd, i, rc;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	assert_true((fd = open(dir, O_RDONLY | O_DIRECTORY)) >= 0);
	for (i = 0; i < DEPTH; i++) {
		assert_int_equal(mkdirat(fd, "dd", 0755), 0);
		if (i % 100 == 0)
			assert_int_equal(close(openat(fd, "f",
			    O_CREAT | O_WRONLY, 0600)), 0);
		assert_true((nfd = openat(fd, "dd", O_RDONLY | O_DIRECTORY)) >= 0);
		(void)close(fd);
		fd = nfd;
	}
	(void)close(fd);
	/* Down the dd chain first ("dd" < "f"), then each f on the way up. */
	assert_int_equal(ir_buf_addstr(&want, "0 \n", NULL), IR_OK);
	for (i = 1; i <= DEPTH; i++)
		assert_int_equal(ir_buf_addf(&want, NULL, "%d dd\n", i), IR_OK);
	for (i = DEPTH - 100; i >= 0; i -= 100)
		assert_int_equal(ir_buf_addf(&want, NULL, "%d f\n", i + 1),
		    IR_OK);

	s.rootlen = strlen(dir);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	low = rl;
	low.rlim_cur = 128;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	rc = ir_walk_tree(dir, NULL, collect, &s, &nerr, NULL);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
	assert_int_equal(rc, IR_OK);
	assert_int_equal(nerr, 0);
	assert_int_equal(s.n, 1 + DEPTH + DEPTH / 100);
	assert_int_equal(s.maxdepth, DEPTH);
	assert_true(s.maxpath > PATH_MAX);
	/* Compare depth and last name of each entry, in order. */
	{
		struct ir_buf got = IR_BUF_INIT(IR_BUF_NOLIMIT);
		const char *p = s.paths.buf, *nl, *sl;

		while ((nl = strchr(p, '\n')) != NULL) {
			sl = memrchr(p, '/', (size_t)(nl - p));
			assert_int_equal(ir_buf_add(&got, p, (size_t)(strchr(p,
			    ' ') - p + 1), NULL), IR_OK);
			p = sl != NULL ? sl + 1 : strchr(p, ' ') + 1;
			assert_int_equal(ir_buf_add(&got, p, (size_t)(nl - p + 1),
			    NULL), IR_OK);
			p = nl + 1;
		}
		assert_string_equal(got.buf, want.buf);
		ir_buf_release(&got);
	}
	ir_buf_release(&s.paths);
	ir_buf_release(&want);
	ut_rmtree(dir);
}

static int
atime_sec(const char *path, time_t *t)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return -1;
	*t = st.st_atim.tv_sec;
	return 0;
}

static enum ir_walk_act
nothing(struct ir_walk_ent *ent, void *arg)
{
	(void)ent;
	(void)arg;
	return IR_WALK_CONTINUE;
}

/* Listing a directory does not update its atime (O_NOATIME). */
static void
test_no_atime_update(void **state)
{
	struct timespec old[2] = { { 946684800, 0 }, { 0, UTIME_OMIT } };
	char dir[256], sub[300];
	time_t t = 0;
	DIR *d;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	assert_int_equal(mkdir(ut_path(sub, sizeof(sub), dir, "s"), 0755), 0);
	ut_write(sub, "f", "x", 1);
	/* Control: a plain listing updates it on this file system. */
	assert_int_equal(utimensat(AT_FDCWD, sub, old, 0), 0);
	assert_non_null(d = opendir(sub));
	while (readdir(d) != NULL)
		;
	(void)closedir(d);
	assert_int_equal(atime_sec(sub, &t), 0);
	if (t == old[0].tv_sec) {
		ut_rmtree(dir);
		skip();		/* noatime: nothing to tell apart */
	}
	assert_int_equal(utimensat(AT_FDCWD, sub, old, 0), 0);
	assert_int_equal(ir_walk_tree(dir, NULL, nothing, NULL, NULL, NULL),
	    IR_OK);
	assert_int_equal(atime_sec(sub, &t), 0);
	assert_int_equal(t, old[0].tv_sec);
	ut_rmtree(dir);
}

static void
test_one_file_system(void **state)
{
	char dir[256], mnt[300];
	struct seen s = SEEN_INIT;
	struct ir_walk_opts o = { IR_WALK_ONE_FS, 0, NULL };
	char *one;
	int rc1, rc2;

	(void)state;
	if (geteuid() != 0)
		skip();
	ut_tmpdir(dir, sizeof(dir));
	ut_path(mnt, sizeof(mnt), dir, "m");
	assert_int_equal(mkdir(mnt, 0755), 0);
	if (mount("irkit-test", mnt, "tmpfs", 0, "size=1m") != 0) {
		ut_rmtree(dir);
		skip();		/* root without CAP_SYS_ADMIN (a container) */
	}
	ut_write(mnt, "inside", "x", 1);
	ut_write(dir, "z", "z", 1);
	s.rootlen = strlen(dir);
	/* Both walks first: the mount must go whatever they find. */
	rc1 = ir_walk_tree(dir, &o, collect, &s, NULL, NULL);
	one = ir_buf_detach(&s.paths, NULL);
	rc2 = ir_walk_tree(dir, NULL, collect, &s, NULL, NULL);
	assert_int_equal(umount(mnt), 0);
	assert_int_equal(rc1, IR_OK);
	assert_int_equal(rc2, IR_OK);
	assert_string_equal(one, "0 \n1 m\n1 z\n");	/* the mount point only */
	assert_string_equal(s.paths.buf, "0 \n1 m\n2 m/inside\n1 z\n");
	free(one);
	ir_buf_release(&s.paths);
	ut_rmtree(dir);
}

struct longlink {
	const char	*want;
	int		 found;
	int		 pseudo;
};

static enum ir_walk_act
find_long_link(struct ir_walk_ent *ent, void *arg)
{
	struct longlink *l = arg;

	if (ent->file->depth > 0 && ent->pseudo_fs)
		l->pseudo++;
	if (ent->file->link != NULL &&
	    ent->file->linklen == strlen(l->want) &&
	    memcmp(ent->file->link, l->want, ent->file->linklen) == 0)
		l->found++;
	return IR_WALK_CONTINUE;
}

/*
 * A link target longer than the size lstat reports (procfs says 64 for
 * every /proc/self/fd link) is read whole, not cut; entries of /proc are
 * marked as pseudo file system content.
 */
static void
test_long_link_target(void **state)
{
	char dir[256], path[2048], seg[201];
	struct longlink l = { path, 0, 0 };
	size_t len;
	int fd, i;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	memset(seg, 'n', sizeof(seg) - 1);
	seg[sizeof(seg) - 1] = '\0';
	len = (size_t)snprintf(path, sizeof(path), "%s", dir);
	for (i = 0; i < 7; i++) {
		len += (size_t)snprintf(path + len, sizeof(path) - len, "/%s",
		    seg);
		assert_int_equal(mkdir(path, 0700), 0);
	}
	(void)snprintf(path + len, sizeof(path) - len, "/evidence");
	assert_true(strlen(path) > 1400);
	assert_true((fd = open(path, O_CREAT | O_RDWR, 0600)) >= 0);
	assert_int_equal(ir_walk_tree("/proc/self/fd", NULL, find_long_link,
	    &l, NULL, NULL), IR_OK);
	(void)close(fd);
	assert_int_equal(l.found, 1);
	assert_true(l.pseudo > 0);
	ut_rmtree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_no_symlink_following),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_roots),
		cmocka_unit_test(test_prune_stop_depth),
		cmocka_unit_test(test_unreadable_directory),
		cmocka_unit_test(test_vanished_entry),
		cmocka_unit_test(test_deep_tree),
		cmocka_unit_test(test_no_atime_update),
		cmocka_unit_test(test_one_file_system),
		cmocka_unit_test(test_long_link_target),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
