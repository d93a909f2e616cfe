/*
 * src on a real block device: a loop device over a file of known content
 * (needs root and losetup, as in CI; skipped otherwise).
 */
#include "unit.h"

#define SIZE	(4U << 20)

struct fixture {
	char	 dir[64];
	char	 file[96];
	char	 dev[64];
	unsigned char *data;
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char cmd[256];
	FILE *fp;
	size_t i;

	if (fx == NULL)
		return -1;
	*state = fx;
	if (geteuid() != 0)
		return 0;
	(void)snprintf(fx->dir, sizeof(fx->dir), "/tmp/irkit-src.XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	(void)snprintf(fx->file, sizeof(fx->file), "%s/disk.img", fx->dir);
	if ((fx->data = malloc(SIZE)) == NULL)
		return -1;
	for (i = 0; i < SIZE; i++)
		fx->data[i] = (unsigned char)(i * 2654435761U >> 13);
	if ((fp = fopen(fx->file, "wb")) == NULL)
		return -1;
	if (fwrite(fx->data, 1, SIZE, fp) != SIZE || fclose(fp) != 0)
		return -1;
	(void)snprintf(cmd, sizeof(cmd), "losetup -f --show -r %s", fx->file);
	if ((fp = popen(cmd, "r")) == NULL)
		return -1;
	if (fgets(fx->dev, sizeof(fx->dev), fp) == NULL)
		fx->dev[0] = '\0';
	(void)pclose(fp);
	fx->dev[strcspn(fx->dev, "\n")] = '\0';
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[256];

	if (fx->dev[0] != '\0') {
		(void)snprintf(cmd, sizeof(cmd), "losetup -d %s", fx->dev);
		(void)system(cmd);
	}
	if (fx->file[0] != '\0')
		(void)unlink(fx->file);
	if (fx->dir[0] != '\0')
		(void)rmdir(fx->dir);
	free(fx->data);
	free(fx);
	return 0;
}

static void
test_loop_device(void **state)
{
	struct fixture *fx = *state;
	const struct ir_src_info *in;
	const struct ir_range *bad;
	struct ir_src *s;
	struct ir_err e;
	unsigned char *buf;
	size_t got, nbad;

	if (geteuid() != 0)
		skip();
	assert_true(fx->dev[0] != '\0');
	assert_int_equal(ir_src_open(&s, fx->dev, &e), IR_OK);
	in = ir_src_info(s);
	assert_int_equal(in->kind, IR_SRC_BLOCK);
	assert_int_equal(in->size, SIZE);
	assert_int_equal(in->sector_size, 512);
	assert_int_equal(in->readonly, 1);	/* losetup -r */
	buf = malloc(SIZE);
	assert_non_null(buf);
	/* An unaligned read across sectors, then the whole device. */
	assert_int_equal(ir_src_read(s, buf, 1000, 777, &got, &e), IR_OK);
	assert_int_equal(got, 1000);
	assert_memory_equal(buf, fx->data + 777, 1000);
	assert_int_equal(ir_src_read(s, buf, SIZE, 0, &got, &e), IR_OK);
	assert_int_equal(got, SIZE);
	assert_memory_equal(buf, fx->data, SIZE);
	/* Past the end: nothing, and no error. */
	assert_int_equal(ir_src_read(s, buf, 512, SIZE - 100, &got, &e), IR_OK);
	assert_int_equal(got, 100);
	assert_int_equal(ir_src_read(s, buf, 512, SIZE, &got, &e), IR_OK);
	assert_int_equal(got, 0);
	bad = ir_src_badmap(s, &nbad);
	(void)bad;
	assert_int_equal(nbad, 0);
	free(buf);
	ir_src_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_loop_device, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
