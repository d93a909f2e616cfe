/*
 * fsdir: the names of one directory of an ext4 image made by mkfs.ext4 -d
 * (regular files, a subdirectory, a symlink, a FIFO, a name that is not
 * UTF-8), each with the inode and type debugfs gives; a name removed with
 * debugfs is either gone or listed unallocated, never allocated; "." and
 * ".." never; the root; a missing directory is IR_ENOENT; the callback's
 * error stops the listing.
 */
#include "unit.h"

#include <sys/stat.h>

#include <errno.h>

static char dir[256], img_path[512];

static int
setup(void **state)
{
	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	(void)snprintf(img_path, sizeof(img_path), "%s/img", dir);
	ut_sh("cd '%s' && mkdir -p t/d/sub && printf a >t/d/a && printf bb >t/d/b "
	    "&& ln -s /etc/passwd t/d/lnk && mkfifo t/d/fifo && "
	    "printf x >\"t/d/bad$(printf '\\377')\" && "
	    "mkfs.ext4 -q -d t img 8M >/dev/null 2>&1 && debugfs -w -R 'rm /d/b' img "
	    ">/dev/null 2>&1", dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ut_rmtree(dir);
	return 0;
}

struct seen {
	char		 names[16][32];
	uint64_t	 inode[16];
	uint32_t	 type[16];
	int		 alloc[16];
	size_t		 n;
	size_t		 stop_after;	/* 0: never */
};

static int
collect(const struct ir_fs_dirent *d, void *arg)
{
	struct seen *s = arg;

	assert_true(s->n < 16);
	assert_true(d->namelen < sizeof(s->names[0]));
	assert_int_equal(strlen(d->name), d->namelen);
	memcpy(s->names[s->n], d->name, d->namelen + 1);
	s->inode[s->n] = d->inode;
	s->type[s->n] = d->type;
	s->alloc[s->n] = d->allocated;
	s->n++;
	if (s->stop_after != 0 && s->n == s->stop_after)
		return IR_EINTR;
	return IR_OK;
}

static void
open_fs(struct ir_img **img, struct ir_fs **fs)
{
	struct ir_fs_part *parts;
	struct ir_err e;
	size_t n;

	assert_int_equal(ir_img_open(img, img_path, "raw", &e), IR_OK);
	assert_int_equal(ir_fs_parts(*img, &parts, &n, &e), IR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ir_fs_open(fs, *img, &parts[0], &e), IR_OK);
	free(parts);
}

static ssize_t
find(const struct seen *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->names[i], name) == 0)
			return (ssize_t)i;
	return -1;
}

/* debugfs's inode number of /d/NAME. */
static uint64_t
debugfs_inode(const char *name)
{
	char out[64];

	ut_sh_line(out, sizeof(out), "debugfs -R 'stat \"/d/%s\"' '%s' "
	    "2>/dev/null | sed -n 's/^Inode: \\([0-9]*\\).*/\\1/p'", name,
	    img_path);
	return strtoull(out, NULL, 10);
}

static void
test_list(void **state)
{
	static const struct { const char *name; uint32_t type; } want[] = {
		{ "a", S_IFREG }, { "sub", S_IFDIR }, { "lnk", S_IFLNK },
		{ "fifo", S_IFIFO },
	};
	struct seen s;
	struct ir_img *img;
	struct ir_fs *fs;
	struct ir_err e;
	ssize_t k;
	size_t i, nalloc = 0;

	(void)state;
	memset(&s, 0, sizeof(s));
	open_fs(&img, &fs);
	assert_int_equal(ir_fs_dir_list(fs, "/d", collect, &s, &e), IR_OK);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		k = find(&s, want[i].name);
		if (k < 0)
			fail_msg("no %s", want[i].name);
		assert_true(s.alloc[k]);
		assert_int_equal(s.type[k], want[i].type);
		assert_int_equal(s.inode[k], debugfs_inode(want[i].name));
	}
	assert_true((k = find(&s, "bad\377")) >= 0);
	assert_true(s.alloc[k]);
	assert_int_equal(s.type[k], S_IFREG);
	/* Removed: gone, or a deleted name; never allocated. */
	if ((k = find(&s, "b")) >= 0)
		assert_false(s.alloc[k]);
	assert_true(find(&s, ".") < 0 && find(&s, "..") < 0);
	for (i = 0; i < s.n; i++)
		nalloc += s.alloc[i] != 0;
	assert_int_equal(nalloc, 5);

	/* The root; a missing directory; a file is no directory. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(ir_fs_dir_list(fs, "/", collect, &s, &e), IR_OK);
	assert_true(find(&s, "d") >= 0 && find(&s, "lost+found") >= 0);
	assert_int_equal(ir_fs_dir_list(fs, "/nope", collect, &s, &e),
	    IR_ENOENT);
	assert_non_null(strstr(e.msg, "/nope"));
	assert_int_equal(ir_fs_dir_list(fs, "/d/a", collect, &s, &e),
	    IR_EINVAL);
	assert_int_equal(e.sys_errno, ENOTDIR);
	assert_int_not_equal(ir_fs_dir_list(fs, "/d/a/x", collect, &s, &e),
	    IR_OK);
	assert_true(e.msg[0] != '\0');

	/* The callback stops it. */
	memset(&s, 0, sizeof(s));
	s.stop_after = 2;
	assert_int_equal(ir_fs_dir_list(fs, "/d", collect, &s, &e), IR_EINTR);
	assert_int_equal(s.n, 2);
	ir_fs_close(fs);
	ir_img_close(img);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
