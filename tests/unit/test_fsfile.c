/*
 * fsfile: single files of an image's file systems, by path and by inode,
 * their content compared with icat's; an XFS image named, not read.
 */
#include "unit.h"

#include <sys/stat.h>

static char dir[256];
static char disk[512];

static int
setup(void **state)
{
	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	(void)snprintf(disk, sizeof(disk), "%s/disk.img", dir);
	return ut_fixture("mkdisk-dos.sh", dir, NULL);
}

static int
teardown(void **state)
{
	(void)state;
	ut_rmtree(dir);
	return 0;
}

static const uint64_t starts[2] = { 2048, 18432 };

/* The image and the file system of partition i. */
static void
open_part(struct ir_img **img, struct ir_fs **fs, int i)
{
	struct ir_fs_part *parts;
	struct ir_err e;
	size_t n;

	assert_int_equal(ir_img_open(img, disk, "raw", &e), IR_OK);
	assert_int_equal(ir_fs_parts(*img, &parts, &n, &e), IR_OK);
	assert_int_equal(n, 2);
	assert_int_equal(ir_fs_open(fs, *img, &parts[i], &e), IR_OK);
	free(parts);
}

/* Everything icat -o START disk.img INODE prints. */
static void
icat(struct ir_buf *out, uint64_t start, uint64_t inode)
{
	char cmd[700], buf[4096];
	size_t n;
	FILE *fp;

	(void)snprintf(cmd, sizeof(cmd), "icat -o %llu '%s' %llu",
	    (unsigned long long)start, disk, (unsigned long long)inode);
	assert_non_null(fp = popen(cmd, "r"));
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		assert_int_equal(ir_buf_add(out, buf, n, NULL), IR_OK);
	assert_int_equal(pclose(fp), 0);
}

/* All of fh's content, in small reads so that chunking is exercised. */
static void
slurp(struct ir_buf *out, struct ir_fs_file *fh)
{
	char buf[3];
	uint64_t off = 0;
	struct ir_err e;
	size_t got;

	for (;;) {
		assert_int_equal(ir_fs_read(fh, off, buf, sizeof(buf), &got,
		    &e), IR_OK);
		assert_true(got <= sizeof(buf));
		if (got == 0)
			break;
		assert_int_equal(ir_buf_add(out, buf, got, NULL), IR_OK);
		off += got;
	}
	assert_int_equal(off, ir_fs_file_info(fh)->size);
}

static void
test_parts(void **state)
{
	struct ir_fs_part *parts;
	struct ir_img *img;
	struct ir_fs *fs;
	struct ir_err e;
	char type[64];
	size_t n, i;

	(void)state;
	assert_int_equal(ir_img_open(&img, disk, "raw", &e), IR_OK);
	assert_int_equal(ir_fs_parts(img, &parts, &n, &e), IR_OK);
	assert_int_equal(n, 2);
	for (i = 0; i < n; i++) {
		assert_int_equal(parts[i].index, (int)i);
		assert_int_equal(parts[i].start, starts[i]);
		assert_int_equal(parts[i].offset, starts[i] * 512);
		assert_int_equal(ir_fs_open(&fs, img, &parts[i], &e), IR_OK);
		/* As fsstat names it (mkfs.fat picks FAT16 for 20 MiB). */
		ut_sh_line(type, sizeof(type), "fsstat -o %llu '%s' | awk -F': ' "
		    "'/^File System Type/ { print tolower($2) }'",
		    (unsigned long long)starts[i], disk);
		assert_string_equal(ir_fs_type(fs), type);
		assert_string_equal(type, i == 0 ? "ext4" : "fat16");
		ir_fs_close(fs);
	}
	assert_int_equal(parts[0].length, 16384 * 512);
	assert_int_equal(parts[1].length, 40960 * 512);
	free(parts);
	ir_img_close(img);
}

/* path on partition part: by path, then by its inode, equal to icat. */
static void
check_file(int part, const char *path, const char *content)
{
	struct ir_buf want = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct ir_buf got = IR_BUF_INIT(IR_BUF_NOLIMIT);
	const struct ir_file *f;
	struct ir_fs_file *fh;
	struct ir_img *img;
	struct ir_fs *fs;
	struct ir_err e;
	uint64_t inode, size;

	open_part(&img, &fs, part);
	assert_int_equal(ir_fs_file_open(&fh, fs, path, 0, 0, 0, &e), IR_OK);
	f = ir_fs_file_info(fh);
	assert_string_equal(f->path, path);
	assert_int_equal(f->part, part);
	assert_int_equal(f->part_start, starts[part]);
	assert_int_equal(f->deleted, 0);
	assert_true(S_ISREG(f->mode));
	inode = f->inode;
	size = f->size;
	assert_int_equal(size, strlen(content));
	slurp(&got, fh);
	assert_int_equal(ir_fs_recoverable(fh), size);
	ir_fs_file_close(fh);

	icat(&want, starts[part], inode);
	assert_int_equal(got.len, want.len);
	assert_memory_equal(got.buf, want.buf, want.len);
	assert_memory_equal(got.buf, content, want.len);

	ir_buf_reset(&got);
	assert_int_equal(ir_fs_file_open(&fh, fs, NULL, inode, 0, 0, &e),
	    IR_OK);
	f = ir_fs_file_info(fh);
	assert_int_equal(f->inode, inode);
	assert_int_equal(f->size, size);
	slurp(&got, fh);
	assert_int_equal(ir_fs_recoverable(fh), size);
	assert_int_equal(got.len, want.len);
	assert_memory_equal(got.buf, want.buf, want.len);
	ir_fs_file_close(fh);

	ir_buf_release(&want);
	ir_buf_release(&got);
	ir_fs_close(fs);
	ir_img_close(img);
}

static void
test_by_path_and_inode(void **state)
{
	(void)state;
	check_file(0, "/a.txt", "hello\n");
	check_file(0, "/dir/b.bin", "deep\n");
	check_file(1, "/a.txt", "hello\n");
	check_file(1, "/sub/b.bin", "deep\n");
}

struct del {
	uint64_t	 inode;
	char		 path[256];
	int		 n;
};

static int
on_deleted(const struct ir_fs_ent *ent, void *arg)
{
	struct del *d = arg;

	assert_true(ent->file->deleted);
	if (S_ISREG(ent->file->mode) && !ent->file->virt) {
		d->inode = ent->file->inode;
		(void)snprintf(d->path, sizeof(d->path), "%s", ent->file->path);
		d->n++;
	}
	return IR_OK;
}

/* The one deleted file of a partition, found by a walk, read by inode. */
static void
check_deleted(int part, const char *path)
{
	struct ir_fs_opts o = { IR_FS_DELETED_ONLY, -1, NULL };
	struct ir_buf want = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct ir_buf got = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct del d = { 0, "", 0 };
	const struct ir_file *f;
	struct ir_fs_file *fh;
	struct ir_img *img;
	struct ir_fs *fs;
	struct ir_err e;

	open_part(&img, &fs, part);
	assert_int_equal(ir_fs_walk_fs(fs, &o, on_deleted, &d, &e), IR_OK);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.path, path);
	assert_int_equal(ir_fs_file_open(&fh, fs, NULL, d.inode, 0, 0, &e),
	    IR_OK);
	f = ir_fs_file_info(fh);
	assert_int_equal(f->deleted, 1);
	assert_int_equal(f->size, 4);
	slurp(&got, fh);
	icat(&want, starts[part], d.inode);
	assert_int_equal(got.len, want.len);
	assert_memory_equal(got.buf, want.buf, want.len);
	assert_memory_equal(got.buf, "bye\n", 4);
	assert_true(ir_fs_recoverable(fh) <= f->size);
	ir_fs_file_close(fh);
	ir_buf_release(&want);
	ir_buf_release(&got);
	ir_fs_close(fs);
	ir_img_close(img);
}

static void
test_deleted(void **state)
{
	(void)state;
	check_deleted(0, "/gone.txt");		/* ext4 */
	check_deleted(1, "/_one.txt");		/* FAT: first letter lost */
}

static void
test_missing(void **state)
{
	struct ir_fs_file *fh;
	struct ir_img *img;
	struct ir_fs *fs;
	struct ir_err e;

	(void)state;
	open_part(&img, &fs, 0);
	assert_int_equal(ir_fs_file_open(&fh, fs, "/no/such.txt", 0, 0, 0, &e),
	    IR_ENOENT);
	assert_null(fh);
	assert_non_null(strstr(e.msg, "/no/such.txt"));
	assert_int_equal(ir_fs_file_open(&fh, fs, NULL, 999999, 0, 0, &e),
	    IR_ENOENT);
	assert_null(fh);
	assert_non_null(strstr(e.msg, "999999"));
	ir_fs_close(fs);
	ir_img_close(img);
}

static void
test_past_eof(void **state)
{
	struct ir_fs_file *fh;
	struct ir_img *img;
	struct ir_fs *fs;
	struct ir_err e;
	char buf[16];
	size_t got;
	int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		open_part(&img, &fs, i);
		assert_int_equal(ir_fs_file_open(&fh, fs, "/a.txt", 0, 0, 0,
		    &e), IR_OK);
		got = 99;
		assert_int_equal(ir_fs_read(fh, 6, buf, sizeof(buf), &got, &e),
		    IR_OK);
		assert_int_equal(got, 0);
		got = 99;
		assert_int_equal(ir_fs_read(fh, 1000000, buf, sizeof(buf),
		    &got, &e), IR_OK);
		assert_int_equal(got, 0);
		/* Across the end: short, only what is there. */
		assert_int_equal(ir_fs_read(fh, 4, buf, sizeof(buf), &got, &e),
		    IR_OK);
		assert_int_equal(got, 2);
		assert_memory_equal(buf, "o\n", 2);
		ir_fs_file_close(fh);
		ir_fs_close(fs);
		ir_img_close(img);
	}
}

/* mkfs.xfs makes nothing under 300 MiB; the file is sparse. */
static void
test_xfs(void **state)
{
	struct ir_fs_part *parts;
	struct ir_img *img;
	struct ir_fs *fs;
	struct ir_err e;
	char path[512];
	size_t n;

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/xfs.img", dir);
	ut_sh("truncate -s 300M '%s' && mkfs.xfs -f -q '%s' >/dev/null 2>&1",
	    path, path);
	assert_int_equal(ir_img_open(&img, path, "raw", &e), IR_OK);
	assert_int_equal(ir_fs_parts(img, &parts, &n, &e), IR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(parts[0].index, -1);
	assert_non_null(ir_fs_sniff(img, &parts[0]));
	assert_string_equal(ir_fs_sniff(img, &parts[0]), "xfs");
	assert_int_equal(ir_fs_open(&fs, img, &parts[0], &e), IR_EUNSUPP);
	assert_null(fs);
	assert_non_null(strstr(e.msg, "xfs"));
	/* The DOS disk's partitions look like nothing libtsk cannot read. */
	free(parts);
	ir_img_close(img);
	assert_int_equal(ir_img_open(&img, disk, "raw", &e), IR_OK);
	assert_int_equal(ir_fs_parts(img, &parts, &n, &e), IR_OK);
	assert_null(ir_fs_sniff(img, &parts[0]));
	assert_null(ir_fs_sniff(img, &parts[1]));
	free(parts);
	ir_img_close(img);
	(void)unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parts),
		cmocka_unit_test(test_by_path_and_inode),
		cmocka_unit_test(test_deleted),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_past_eof),
		cmocka_unit_test(test_xfs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
