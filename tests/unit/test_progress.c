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

static void
test_init_and_repeat(void **state)
{
	struct ir_progress p;
	double t0;
	int i, due = 0;

	(void)state;
	memset(&p, 0xff, sizeof(p));
	t0 = ir_monotonic();
	ir_progress_init(&p, 1234);
	assert_int_equal(p.total, 1234);
	assert_int_equal(p.items, 0);
	assert_int_equal(p.bytes, 0);
	assert_true(p.interval > 0 && p.interval <= 1.0);
	assert_true(p.start >= t0 && p.start <= ir_monotonic());
	assert_true(p.last == p.start);
	/* Never due before the interval, however much is added. */
	p.interval = 0.2;
	for (i = 0; i < 1000; i++)
		assert_int_equal(ir_progress_add(&p, 1, 1 << 20), 0);
	assert_int_equal(p.items, 1000);
	assert_int_equal(p.bytes, 1000ULL << 20);
	/* Due once per interval: over ~0.5 s, two or three lines. */
	t0 = ir_monotonic();
	while (ir_monotonic() - t0 < 0.5) {
		due += ir_progress_add(&p, 0, 0);
		usleep(1000);
	}
	assert_true(due >= 1 && due <= 3);	/* 2 unless the host stalls */
	/* Interval 0: every call is due. */
	p.interval = 0;
	assert_int_equal(ir_progress_add(&p, 0, 0), 1);
	assert_int_equal(ir_progress_add(&p, 0, 0), 1);
	/* The monotonic clock does not go back. */
	t0 = ir_monotonic();
	assert_true(ir_monotonic() >= t0);
}

static void
test_format_exact(void **state)
{
	struct ir_progress p;
	char line[160];

	(void)state;
	/* Without a total: items, bytes, rate; no percent, no ETA. */
	ir_progress_init(&p, 0);
	p.items = 7;
	p.bytes = 10 << 20;
	p.start -= 4.0;
	ir_progress_format(&p, "items", line, sizeof(line));
	assert_string_equal(line, "7 items, 10.0 MiB, 2.5 MiB/s");
	assert_null(strstr(line, "%"));
	assert_null(strstr(line, "ETA"));
	/*
	 * Minutes: 99.05 GiB left at 0.1 GiB/s.  A long elapsed time and a
	 * half-second ETA keep a slow (sanitizer, loaded) run exact.
	 */
	ir_progress_init(&p, (19905ULL << 30) / 100);
	p.bytes = 100ULL << 30;
	p.start -= 1000.0;
	ir_progress_format(&p, "bytes", line, sizeof(line));
	assert_string_equal(line, " 50% 100.0 GiB, 102.4 MiB/s, ETA 0:16:30");
	/* Hours: 10239.5 GiB left at 1 GiB/s. */
	ir_progress_init(&p, (112395ULL << 30) / 10);
	p.bytes = 1000ULL << 30;
	p.start -= 1000.0;
	ir_progress_format(&p, "bytes", line, sizeof(line));
	assert_string_equal(line, "  9% 1000.0 GiB, 1.0 GiB/s, ETA 2:50:39");
	/* Half way. */
	ir_progress_init(&p, 2 << 20);
	p.bytes = 1 << 20;
	p.start -= 1.0;
	ir_progress_format(&p, "bytes", line, sizeof(line));
	assert_string_equal(line, " 50% 1.0 MiB, 1.0 MiB/s, ETA 0:00:01");
	/* Nothing done yet: no rate, so no ETA. */
	ir_progress_init(&p, 1 << 20);
	p.start -= 1.0;
	ir_progress_format(&p, "bytes", line, sizeof(line));
	assert_string_equal(line, "  0% 0 B, 0 B/s");
	/* Done, or past the expected total: nothing left to wait for. */
	ir_progress_init(&p, 1 << 20);
	p.bytes = 1 << 20;
	p.start -= 1.0;
	ir_progress_format(&p, "bytes", line, sizeof(line));
	assert_string_equal(line, "100% 1.0 MiB, 1.0 MiB/s, ETA 0:00:00");
	p.bytes = 2 << 20;
	ir_progress_format(&p, "bytes", line, sizeof(line));
	assert_non_null(strstr(line, "ETA 0:00:00"));
	/* A small output buffer is cut, not overrun. */
	memset(line, '#', sizeof(line));
	ir_progress_format(&p, "bytes", line, 6);
	assert_int_equal(strlen(line), 5);
	assert_int_equal(line[6], '#');
}

static void
test_human_bytes_edges(void **state)
{
	static const struct { double n; const char *s; } t[] = {
		{ 0, "0 B" }, { 1, "1 B" }, { 1023, "1023 B" },
		{ 1024, "1.0 KiB" }, { 1024 * 1024, "1.0 MiB" },
		{ 1.5 * 1024 * 1024 * 1024, "1.5 GiB" },
		{ 1125899906842624.0, "1.0 PiB" },
		{ 1152921504606846976.0, "1024.0 PiB" },	/* no EiB */
		/* Just under a unit: never "1024 B" or "1024.0 KiB". */
		{ 1023.4, "1023 B" }, { 1023.6, "1.0 KiB" },
		{ 1048575, "1.0 MiB" }, { 1073741823, "1.0 GiB" },
		{ 1048063, "1023.5 KiB" },
	};
	char s[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ir_human_bytes(t[i].n, s, sizeof(s));
		assert_string_equal(s, t[i].s);
	}
	memset(s, '#', sizeof(s));
	ir_human_bytes(1536, s, 4);
	assert_string_equal(s, "1.5");
	assert_int_equal(s[4], '#');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_due_only_after_interval),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_human_bytes),
		cmocka_unit_test(test_init_and_repeat),
		cmocka_unit_test(test_format_exact),
		cmocka_unit_test(test_human_bytes_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
