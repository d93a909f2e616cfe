/* fs: file systems in a partitioned image, compared with fls. */
#include "unit.h"

static char dir[256];

static int
setup(void **state)
{
	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	return ut_fixture("mkdisk-dos.sh", dir, NULL);
}

static int
teardown(void **state)
{
	(void)state;
	ut_rmtree(dir);
	return 0;
}

struct seen {
	struct ir_buf	 lines;		/* "part|path|inode|deleted\n" */
	int		 problems;
	int		 stop_after;
	int		 n;
};

static int
collect(const struct ir_fs_ent *ent, void *arg)
{
	struct seen *s = arg;

	if (s->stop_after > 0 && ++s->n > s->stop_after)
		return IR_EINTR;
	assert_non_null(ent->fstype);
	return ir_buf_addf(&s->lines, NULL, "%d|%s|%llu|%d\n", ent->part,
	    ent->file->path, (unsigned long long)ent->file->inode,
	    ent->file->deleted);
}

static void
problem(const struct ir_fs_problem *p, void *arg)
{
	(void)p;
	((struct seen *)arg)->problems++;
}

/* fls -r -m of one partition as "part|path|inode|deleted" lines. */
static void
fls_lines(struct ir_buf *out, int part, unsigned long start)
{
	char cmd[700], line[1024], *name, *inode, *end;
	FILE *fp;
	int deleted;

	(void)snprintf(cmd, sizeof(cmd), "fls -r -m / -o %lu '%s/disk.img'",
	    start, dir);
	assert_non_null(fp = popen(cmd, "r"));
	while (fgets(line, sizeof(line), fp) != NULL) {
		name = strchr(line, '|') + 1;
		inode = strchr(name, '|');
		*inode++ = '\0';
		*strchr(inode, '|') = '\0';
		if ((end = strstr(name, " -> ")) != NULL)
			*end = '\0';
		deleted = (end = strstr(name, " (deleted)")) != NULL;
		if (deleted)
			*end = '\0';
		assert_int_equal(ir_buf_addf(out, NULL, "%d|%s|%s|%d\n", part,
		    name, inode, deleted), IR_OK);
	}
	assert_int_equal(pclose(fp), 0);
}

static void
test_same_as_fls(void **state)
{
	struct seen s = { IR_BUF_INIT(IR_BUF_NOLIMIT), 0, 0, 0 };
	struct ir_buf want = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct ir_img *img;
	struct ir_err e;
	char path[512];

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/disk.img", dir);
	assert_int_equal(ir_img_open(&img, path, NULL, &e), IR_OK);
	assert_int_equal(ir_fs_walk(img, NULL, collect, problem, &s, &e), IR_OK);
	fls_lines(&want, 0, 2048);
	fls_lines(&want, 1, 18432);
	assert_string_equal(s.lines.buf, want.buf);
	/* Both deleted files are there, by name. */
	assert_non_null(strstr(s.lines.buf, "0|/gone.txt|"));
	assert_non_null(strstr(s.lines.buf, "1|/_one.txt|"));
	assert_int_equal(s.problems, 0);
	ir_buf_release(&want);
	ir_buf_release(&s.lines);
	ir_img_close(img);
}

static void
test_deleted_only_and_partition(void **state)
{
	struct seen s = { IR_BUF_INIT(IR_BUF_NOLIMIT), 0, 0, 0 };
	struct ir_fs_opts o = { IR_FS_DELETED_ONLY, -1, NULL };
	struct ir_img *img;
	char path[512];

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/disk.img", dir);
	assert_int_equal(ir_img_open(&img, path, NULL, NULL), IR_OK);
	assert_int_equal(ir_fs_walk(img, &o, collect, problem, &s, NULL), IR_OK);
	assert_string_equal(s.lines.buf, "0|/gone.txt|15|1\n1|/_one.txt|4|1\n");
	ir_buf_reset(&s.lines);
	o.flags = 0;
	o.partition = 1;
	assert_int_equal(ir_fs_walk(img, &o, collect, problem, &s, NULL), IR_OK);
	assert_int_equal(s.lines.buf[0], '1');	/* every line from part 1 */
	assert_null(strstr(s.lines.buf, "\n0|"));
	assert_non_null(strstr(s.lines.buf, "1|/sub/b.bin|"));
	/* A callback error stops the walk and comes back. */
	ir_buf_reset(&s.lines);
	s.stop_after = 2;
	o.partition = -1;
	assert_int_equal(ir_fs_walk(img, &o, collect, problem, &s, NULL),
	    IR_EINTR);
	ir_buf_release(&s.lines);
	ir_img_close(img);
}

static void
test_no_file_system(void **state)
{
	struct seen s = { IR_BUF_INIT(IR_BUF_NOLIMIT), 0, 0, 0 };
	struct ir_img *img;
	struct ir_err e;
	char path[512];

	(void)state;
	/* Wipe the FAT partition's boot sector: one problem, ext4 still walked. */
	(void)snprintf(path, sizeof(path), "dd if=/dev/zero of='%s/disk.img' "
	    "bs=512 seek=18432 count=1 conv=notrunc status=none", dir);
	assert_int_equal(system(path), 0);
	(void)snprintf(path, sizeof(path), "%s/disk.img", dir);
	assert_int_equal(ir_img_open(&img, path, NULL, NULL), IR_OK);
	assert_int_equal(ir_fs_walk(img, NULL, collect, problem, &s, &e), IR_OK);
	assert_int_equal(s.problems, 1);
	assert_non_null(strstr(s.lines.buf, "0|/a.txt|"));
	ir_img_close(img);
	/* Random data: nothing at all, and the error says so. */
	ut_write(dir, "noise", "", 0);
	(void)snprintf(path, sizeof(path), "head -c 1048576 /dev/urandom > "
	    "'%s/noise'", dir);
	assert_int_equal(system(path), 0);
	(void)snprintf(path, sizeof(path), "%s/noise", dir);
	assert_int_equal(ir_img_open(&img, path, "raw", NULL), IR_OK);
	assert_int_equal(ir_fs_walk(img, NULL, collect, problem, &s, &e),
	    IR_EUNSUPP);
	assert_non_null(strstr(e.msg, "no file system"));
	ir_img_close(img);
	ir_buf_release(&s.lines);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_same_as_fls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deleted_only_and_partition,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_file_system, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
