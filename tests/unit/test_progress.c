/* progress: when a line is due and what it says. */
#include "unit.h"

static void
test_due_only_after_interval(void **state)
{
	struct ir_progress p;

	(void)state;
	ir_progress_init(&p, 0);
	p.interval = 0.05;
	assert_int_equal(ir_progress_add(&p, 1, 100), 0);
	usleep(60000);
	assert_int_equal(ir_progress_add(&p, 1, 100), 1);
	assert_int_equal(ir_progress_add(&p, 1, 100), 0);
	assert_int_equal(p.items, 3);
	assert_int_equal(p.bytes, 300);
}

static void
test_format(void **state)
{
	struct ir_progress p;
	char line[160];

	(void)state;
	ir_progress_init(&p, 0);
	p.items = 12345;
	p.bytes = 3 << 20;
	p.start -= 2.0;		/* two seconds ago */
	ir_progress_format(&p, "files", line, sizeof(line));
	assert_non_null(strstr(line, "12345 files, 3.0 MiB, 1.5 MiB/s"));
	ir_progress_init(&p, 4 << 20);
	p.bytes = 1 << 20;
	p.start -= 1.0;
	ir_progress_format(&p, "bytes", line, sizeof(line));
	assert_non_null(strstr(line, " 25% 1.0 MiB"));
	assert_non_null(strstr(line, "ETA 0:00:0"));
}

static void
test_human_bytes(void **state)
{
	char s[32];

	(void)state;
	ir_human_bytes(512, s, sizeof(s));
	assert_string_equal(s, "512 B");
	ir_human_bytes(1536, s, sizeof(s));
	assert_string_equal(s, "1.5 KiB");
	ir_human_bytes(5.0 * (1ULL << 40), s, sizeof(s));
	assert_string_equal(s, "5.0 TiB");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_due_only_after_interval),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_human_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
