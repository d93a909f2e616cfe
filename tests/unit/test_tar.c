/*
 * tar: archives written here read back by libarchive and extracted by
 * GNU tar with every byte of every name, link target, mode and time:
 * names over 100 and over 255 bytes, ones with CR, LF, '%', UTF-8 and
 * bytes that are not UTF-8, sub-second and pre-1970 times, large ids;
 * the writer refuses member data that does not match the header.
 */
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <archive.h>
#include <archive_entry.h>

static int
to_fd(void *arg, const void *p, size_t n, struct ir_err *e)
{
	if (ir_write_full(*(int *)arg, p, n) < 0)
		return ir_err_set(e, IR_EIO, errno, "write");
	return IR_OK;
}

struct mem {
	struct ir_buf	 b;
};

static int
to_mem(void *arg, const void *p, size_t n, struct ir_err *e)
{
	return ir_buf_add(&((struct mem *)arg)->b, p, n, e);
}

#define NENT	9

static char long150[151], long300[301], longlink[201];
static struct ir_tar_entry ents[NENT];
static const char *datas[NENT];

static void
make_entries(void)
{
	size_t i;

	/* 150 bytes: fits ustar's prefix + name split at a '/'. */
	memset(long150, 'a', 150);
	long150[70] = '/';
	long150[150] = '\0';
	/* 300 bytes ending in a component of 138: only pax can say it. */
	memset(long300, 'b', 300);
	long300[10] = '/';
	long300[161] = '/';
	long300[300] = '\0';
	memset(longlink, 'c', 200);
	longlink[200] = '\0';
	memset(ents, 0, sizeof(ents));
	for (i = 0; i < NENT; i++) {
		ents[i].type = IR_TAR_REG;
		ents[i].mode = 0640;
		ents[i].uid = 1000;
		ents[i].gid = 1000;
		ents[i].mtime = 1700000000;
	}
	ents[0].name = "top/";
	ents[0].type = IR_TAR_DIR;
	ents[0].mode = 0750;
	ents[1].name = "top/plain.txt";
	datas[1] = "hello\n";
	ents[1].mtime_nsec = 123456789;
	ents[2].name = long150;
	datas[2] = "long 150";
	ents[3].name = long300;
	datas[3] = "long 300";
	ents[4].name = "top/new\nline\rcr%25pct";
	datas[4] = "odd name";
	ents[5].name = "top/caf\xc3\xa9";
	datas[5] = "utf-8";
	ents[6].name = "top/bad\xff\xfe";
	datas[6] = "not utf-8";
	ents[6].mtime = -86400 * 365;		/* 1969 */
	ents[8].mtime_nsec = 250000000;
	ents[7].name = "top/link";
	ents[7].type = IR_TAR_SYMLINK;
	ents[7].link = longlink;
	ents[7].mode = 0777;
	ents[8].name = "top/bigid";
	datas[8] = "";
	ents[8].uid = 3000000000U;
	ents[8].gid = 4000000000U;
	for (i = 0; i < NENT; i++)
		if (ents[i].type == IR_TAR_REG)
			ents[i].size = strlen(datas[i]);
}

static void
write_archive(ir_write_fn fn, void *arg)
{
	struct ir_tar *t;
	struct ir_err e;
	size_t i;

	make_entries();
	assert_int_equal(ir_tar_new(&t, fn, arg, &e), IR_OK);
	for (i = 0; i < NENT; i++)
		if (ir_tar_add(t, &ents[i], datas[i], &e) != IR_OK)
			fail_msg("%zu: %s", i, e.msg);
	assert_int_equal(ir_tar_finish(t, &e), IR_OK);
	assert_int_equal(ir_tar_offset(t) % 512, 0);
	ir_tar_free(t);
}

static void
test_libarchive_reads_back(void **state)
{
	struct mem m;
	struct archive *a;
	struct archive_entry *ae;
	char buf[64];
	size_t i = 0;
	la_ssize_t n;
	int r;

	(void)state;
	ir_buf_init(&m.b, IR_BUF_NOLIMIT);
	write_archive(to_mem, &m);
	assert_non_null(a = archive_read_new());
	assert_int_equal(archive_read_support_format_tar(a), ARCHIVE_OK);
	assert_int_equal(archive_read_open_memory(a, m.b.buf, m.b.len),
	    ARCHIVE_OK);
	/* In the C locale a UTF-8 name comes with a warning, bytes kept. */
	while ((r = archive_read_next_header(a, &ae)) == ARCHIVE_OK ||
	    r == ARCHIVE_WARN) {
		assert_true(i < NENT);
		assert_string_equal(archive_entry_pathname(ae), ents[i].name);
		assert_int_equal(archive_entry_perm(ae), ents[i].mode);
		assert_int_equal(archive_entry_uid(ae), ents[i].uid);
		assert_int_equal(archive_entry_gid(ae), ents[i].gid);
		assert_int_equal(archive_entry_mtime(ae), ents[i].mtime);
		assert_int_equal(archive_entry_mtime_nsec(ae),
		    ents[i].mtime_nsec);
		if (ents[i].type == IR_TAR_SYMLINK) {
			assert_int_equal(archive_entry_filetype(ae), AE_IFLNK);
			assert_string_equal(archive_entry_symlink(ae),
			    ents[i].link);
		} else if (ents[i].type == IR_TAR_DIR)
			assert_int_equal(archive_entry_filetype(ae), AE_IFDIR);
		else {
			assert_int_equal(archive_entry_filetype(ae), AE_IFREG);
			assert_int_equal(archive_entry_size(ae), ents[i].size);
			n = archive_read_data(a, buf, sizeof(buf));
			assert_int_equal(n, (la_ssize_t)ents[i].size);
			assert_memory_equal(buf, datas[i], (size_t)n);
		}
		i++;
	}
	assert_int_equal(i, NENT);
	archive_read_free(a);
	ir_buf_release(&m.b);
}

static void
test_gnu_tar_extracts(void **state)
{
	char dir[256], tarpath[300], out[300], line[4300];
	struct stat st;
	int fd, xfd;
	size_t i;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	ut_path(tarpath, sizeof(tarpath), dir, "t.tar");
	assert_true((fd = open(tarpath, O_WRONLY | O_CREAT | O_EXCL, 0600)) >= 0);
	write_archive(to_fd, &fd);
	assert_int_equal(close(fd), 0);
	/*
	 * GNU tar finds nothing to complain about, but that it does not know
	 * hdrcharset (the name that is not UTF-8): it keeps the bytes.
	 */
	ut_sh("tar -tf '%s' >/dev/null 2>'%s/err' && ! grep -v "
	    "\"unknown extended header keyword .hdrcharset.\" '%s/err'",
	    tarpath, dir, dir);
	ut_path(out, sizeof(out), dir, "x");
	assert_int_equal(mkdir(out, 0700), 0);
	ut_sh("tar -xpf '%s' -C '%s' --numeric-owner 2>'%s/xerr'", tarpath, out,
	    dir);
	assert_true((xfd = open(out, O_RDONLY | O_DIRECTORY)) >= 0);
	for (i = 0; i < NENT; i++) {
		assert_int_equal(fstatat(xfd, ents[i].name, &st,
		    AT_SYMLINK_NOFOLLOW), 0);
		assert_int_equal(st.st_mode & 07777, ents[i].mode);
		if (ents[i].type == IR_TAR_SYMLINK) {
			ssize_t n = readlinkat(xfd, ents[i].name, line,
			    sizeof(line));

			assert_true(S_ISLNK(st.st_mode));
			assert_int_equal(n, (ssize_t)strlen(ents[i].link));
			assert_memory_equal(line, ents[i].link, (size_t)n);
			continue;
		}
		assert_int_equal(st.st_uid, ents[i].uid);
		assert_int_equal(st.st_gid, ents[i].gid);
		if (ents[i].type == IR_TAR_DIR)
			continue;
		assert_true(S_ISREG(st.st_mode));
		assert_int_equal(st.st_size, ents[i].size);
		assert_int_equal(st.st_mtim.tv_sec, ents[i].mtime);
		assert_int_equal(st.st_mtim.tv_nsec, ents[i].mtime_nsec);
	}
	(void)close(xfd);
	ut_rmtree(dir);
}

static int
fail_write(void *arg, const void *p, size_t n, struct ir_err *e)
{
	(void)arg;
	(void)p;
	(void)n;
	return ir_err_set(e, IR_EIO, ENOSPC, "disk full");
}

static void
test_refuses_mismatch(void **state)
{
	struct ir_tar_entry en;
	struct ir_tar *t;
	struct ir_err e;
	struct mem m;

	(void)state;
	ir_buf_init(&m.b, IR_BUF_NOLIMIT);
	memset(&en, 0, sizeof(en));
	en.name = "f";
	en.type = IR_TAR_REG;
	en.size = 4;
	assert_int_equal(ir_tar_new(&t, to_mem, &m, &e), IR_OK);
	assert_int_equal(ir_tar_begin(t, &en, &e), IR_OK);
	assert_int_equal(ir_tar_begin(t, &en, &e), IR_EINVAL);
	assert_int_equal(ir_tar_write(t, "abcde", 5, &e), IR_EINVAL);
	assert_int_equal(ir_tar_write(t, "abc", 3, &e), IR_OK);
	assert_int_equal(ir_tar_end(t, &e), IR_EINVAL);
	assert_non_null(strstr(e.msg, "1 bytes short"));
	assert_int_equal(ir_tar_finish(t, &e), IR_EINVAL);
	ir_tar_free(t);
	/* A link target only with a symlink; no nameless member. */
	assert_int_equal(ir_tar_new(&t, to_mem, &m, &e), IR_OK);
	en.link = "x";
	assert_int_equal(ir_tar_begin(t, &en, &e), IR_EINVAL);
	en.link = NULL;
	en.name = "";
	assert_int_equal(ir_tar_begin(t, &en, &e), IR_EINVAL);
	ir_tar_free(t);
	/* The output's error comes back as it was. */
	en.name = "f";
	assert_int_equal(ir_tar_new(&t, fail_write, NULL, &e), IR_OK);
	assert_int_equal(ir_tar_begin(t, &en, &e), IR_EIO);
	assert_non_null(strstr(e.msg, "disk full"));
	ir_tar_free(t);
	ir_buf_release(&m.b);
}

/* Sizes of 8 GiB and more go into a pax record (header only here). */
static void
test_large_size_pax(void **state)
{
	struct ir_tar_entry en;
	struct ir_tar *t;
	struct ir_err e;
	struct mem m;

	(void)state;
	ir_buf_init(&m.b, IR_BUF_NOLIMIT);
	memset(&en, 0, sizeof(en));
	en.name = "big";
	en.type = IR_TAR_REG;
	en.size = 10ULL << 30;
	assert_int_equal(ir_tar_new(&t, to_mem, &m, &e), IR_OK);
	assert_int_equal(ir_tar_begin(t, &en, &e), IR_OK);
	assert_int_equal(m.b.len, 3 * 512);
	assert_int_equal(m.b.buf[156], 'x');
	assert_non_null(memmem(m.b.buf + 512, 512, "size=10737418240\n", 17));
	ir_tar_free(t);
	ir_buf_release(&m.b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_libarchive_reads_back),
		cmocka_unit_test(test_gnu_tar_extracts),
		cmocka_unit_test(test_refuses_mismatch),
		cmocka_unit_test(test_large_size_pax),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
