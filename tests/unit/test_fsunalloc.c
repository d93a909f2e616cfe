/*
 * fsunalloc: the unallocated space of a file system holds what a deleted
 * file left, though no record leads there any more; allocated content is
 * never in it.
 */
#include "unit.h"

#include <limits.h>

struct found {
	int		 marker;	/* the deleted file's bytes */
	int		 kept;		/* the allocated file's bytes */
	uint64_t	 bytes;
	uint64_t	 last;
};

static int
on_chunk(uint64_t off, const void *buf, size_t n, void *arg)
{
	struct found *f = arg;

	/* In order, not overlapping, whole blocks. */
	assert_true(off >= f->last);
	assert_int_equal(n % 512, 0);
	f->last = off + n;
	f->bytes += n;
	if (memmem(buf, n, "IRKIT-UNALLOC-MARKER-4711", 25) != NULL)
		f->marker++;
	if (memmem(buf, n, "IRKIT-KEPT-MARKER-0815", 22) != NULL)
		f->kept++;
	return IR_OK;
}

static int
stop_at_first(uint64_t off, const void *buf, size_t n, void *arg)
{
	(void)off;
	(void)buf;
	(void)n;
	(*(int *)arg)++;
	return IR_EINTR;
}

static void
test_deleted_content_is_there(void **state)
{
	char dir[PATH_MAX], img[PATH_MAX + 16];
	struct ir_fs_part *parts;
	struct ir_img *im;
	struct ir_fs *fs;
	struct ir_err e;
	struct found f;
	size_t n;
	int calls = 0;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	(void)snprintf(img, sizeof(img), "%s/f.img", dir);
	ut_sh("cd '%s' && mkfs.fat -C f.img 4096 >/dev/null && "
	    "printf 'IRKIT-UNALLOC-MARKER-4711' > gone && "
	    "printf 'IRKIT-KEPT-MARKER-0815' > kept && "
	    "mcopy -i f.img gone kept ::/ && mdel -i f.img ::/gone", dir);
	assert_int_equal(ir_img_open(&im, img, NULL, &e), IR_OK);
	assert_int_equal(ir_fs_parts(im, &parts, &n, &e), IR_OK);
	assert_int_equal(ir_fs_open(&fs, im, &parts[0], &e), IR_OK);
	memset(&f, 0, sizeof(f));
	assert_int_equal(ir_fs_unalloc(fs, NULL, 64 << 10, on_chunk, &f, &e),
	    IR_OK);
	assert_int_equal(f.marker, 1);
	assert_int_equal(f.kept, 0);
	assert_true(f.bytes > 1024 * 1024);
	/* The callback's error stops the walk and comes back. */
	assert_int_equal(ir_fs_unalloc(fs, NULL, 64 << 10, stop_at_first,
	    &calls, &e), IR_EINTR);
	assert_int_equal(calls, 1);
	ir_fs_close(fs);
	free(parts);
	ir_img_close(im);
	ut_rmtree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deleted_content_is_there),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
