/* img: raw, split raw and E01 images through libtsk, built by the test. */
#include "unit.h"

#define SIZE	(3U << 20)

static char dir[256];
static unsigned char *data;

static void
sh(const char *cmd)
{
	char full[1024];

	(void)snprintf(full, sizeof(full), "cd '%s' && %s >/dev/null 2>&1",
	    dir, cmd);
	assert_int_equal(system(full), 0);
}

static int
setup(void **state)
{
	size_t i;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	if ((data = malloc(SIZE)) == NULL)
		return -1;
	for (i = 0; i < SIZE; i++)
		data[i] = (unsigned char)((i * 2654435761U) >> 11);
	ut_write(dir, "disk.raw", data, SIZE);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ut_rmtree(dir);
	free(data);
	return 0;
}

/* Open path (inside dir) and check it reads back as data. */
static void
check_image(const char *name, const char *type, const char *want_type,
    int want_segments)
{
	const struct ir_img_info *in;
	struct ir_img *img;
	struct ir_err e;
	char path[512];
	unsigned char *buf;
	size_t got;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (ir_img_open(&img, path, type, &e) != IR_OK)
		fail_msg("%s: %s", name, e.msg);
	in = ir_img_info(img);
	assert_string_equal(in->type, want_type);
	assert_int_equal(in->size, SIZE);
	assert_int_equal(in->sector_size, 512);
	assert_int_equal(in->nsegments, want_segments);
	assert_non_null(ir_img_segment(img, want_segments - 1));
	assert_null(ir_img_segment(img, want_segments));
	assert_non_null(buf = malloc(SIZE));
	/* Across a 1 MiB segment boundary, then everything. */
	assert_int_equal(ir_img_read(img, buf, 5000, (1U << 20) - 1234, &got,
	    &e), IR_OK);
	assert_int_equal(got, 5000);
	assert_memory_equal(buf, data + (1U << 20) - 1234, 5000);
	assert_int_equal(ir_img_read(img, buf, SIZE, 0, &got, &e), IR_OK);
	assert_int_equal(got, SIZE);
	assert_memory_equal(buf, data, SIZE);
	assert_int_equal(ir_img_read(img, buf, 100, SIZE - 10, &got, &e), IR_OK);
	assert_int_equal(got, 10);
	assert_int_equal(ir_img_read(img, buf, 100, SIZE, &got, &e), IR_OK);
	assert_int_equal(got, 0);
	free(buf);
	ir_img_close(img);
}

static void
test_raw(void **state)
{
	(void)state;
	check_image("disk.raw", NULL, "raw", 1);
	check_image("disk.raw", "raw", "raw", 1);
}

static void
test_split_raw(void **state)
{
	(void)state;
	sh("split -b 1048576 -d -a 3 --numeric-suffixes=1 disk.raw part.");
	check_image("part.001", NULL, "raw", 3);
}

static void
test_e01_segments(void **state)
{
	(void)state;
	sh("ewfacquire -u -t ev -S 1048576 -c none -f encase6 disk.raw");
	sh("test -f ev.E02");		/* several segments, really */
	check_image("ev.E01", NULL, "ewf", 4);
	check_image("ev.E01", "ewf", "ewf", 4);
}

static void
test_refusals(void **state)
{
	struct ir_img *img;
	struct ir_err e;
	char path[512], link[512];

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/disk.raw", dir);
	(void)snprintf(link, sizeof(link), "%s/link", dir);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(ir_img_open(&img, link, NULL, &e), IR_EINVAL);
	assert_non_null(strstr(e.msg, "symbolic link"));
	assert_int_equal(ir_img_open(&img, dir, NULL, &e), IR_EINVAL);
	assert_int_equal(ir_img_open(&img, path, "qcow9", &e), IR_EINVAL);
	assert_non_null(strstr(e.msg, "'qcow9'"));
	assert_int_equal(ir_img_open(&img, "/nonexistent.E01", NULL, &e), IR_EIO);
	/* Raw data is no VMDK: libtsk's reason comes through. */
	assert_int_not_equal(ir_img_open(&img, path, "vmdk", &e), IR_OK);
	assert_null(img);
	assert_non_null(strstr(e.msg, path));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_raw, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_raw, setup, teardown),
		cmocka_unit_test_setup_teardown(test_e01_segments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
