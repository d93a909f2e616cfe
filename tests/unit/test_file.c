/* file: kinds and the ISO 8601 time format records use. */
#include "unit.h"

#include <sys/stat.h>

static void
test_kinds(void **state)
{
	(void)state;
	assert_string_equal(ir_file_kind(S_IFREG | 0644), "reg");
	assert_string_equal(ir_file_kind(S_IFDIR | 0755), "dir");
	assert_string_equal(ir_file_kind(S_IFLNK | 0777), "lnk");
	assert_string_equal(ir_file_kind(S_IFCHR), "chr");
	assert_string_equal(ir_file_kind(S_IFBLK), "blk");
	assert_string_equal(ir_file_kind(S_IFIFO), "fifo");
	assert_string_equal(ir_file_kind(S_IFSOCK), "sock");
	assert_string_equal(ir_file_kind(0), "?");
}

static void
round_trip(int64_t sec, int32_t nsec, const char *want)
{
	struct ir_time t = { sec, nsec, 1 }, u;
	char s[IR_TIME_STRLEN];

	assert_string_equal(ir_time_iso(&t, s, sizeof(s)), want);
	assert_int_equal(ir_time_parse(s, &u), IR_OK);
	assert_int_equal(u.sec, sec);
	assert_int_equal(u.nsec, nsec);
	assert_int_equal(u.valid, 1);
}

static void
test_iso_round_trip(void **state)
{
	(void)state;
	round_trip(0, 0, "1970-01-01T00:00:00.000000000Z");
	round_trip(1795344204, 123456789, "2026-11-22T10:43:24.123456789Z");
	round_trip(-14182940, 1, "1969-07-20T20:17:40.000000001Z");
	round_trip(4102444800LL, 999999999, "2100-01-01T00:00:00.999999999Z");
}

static void
test_parse_forms(void **state)
{
	struct ir_time t;

	(void)state;
	assert_int_equal(ir_time_parse("2026-11-22T10:43:24Z", &t), IR_OK);
	assert_int_equal(t.sec, 1795344204);
	assert_int_equal(t.nsec, 0);
	assert_int_equal(ir_time_parse("2026-11-22T10:43:24.5Z", &t), IR_OK);
	assert_int_equal(t.nsec, 500000000);
	assert_int_equal(ir_time_parse("2026-11-22T10:43:24", &t), IR_EFORMAT);
	assert_int_equal(ir_time_parse("2026-11-22 10:43:24Z", &t), IR_EFORMAT);
	assert_int_equal(ir_time_parse("2026-13-22T10:43:24Z", &t), IR_EFORMAT);
	assert_int_equal(ir_time_parse("2026-11-22T25:43:24Z", &t), IR_EFORMAT);
	assert_int_equal(ir_time_parse("2026-11-22T10:43:24Zjunk", &t),
	    IR_EFORMAT);
	assert_int_equal(ir_time_parse("", &t), IR_EFORMAT);
	/* Found by fuzzing: sscanf's blanks, signs and calendar slack. */
	assert_int_equal(ir_time_parse("2026-\f1-22T10:43:24Z", &t), IR_EFORMAT);
	assert_int_equal(ir_time_parse(" 026-11-22T10:43:24Z", &t), IR_EFORMAT);
	assert_int_equal(ir_time_parse("+026-11-22T10:43:24Z", &t), IR_EFORMAT);
	assert_int_equal(ir_time_parse("2026-11-22T-1:43:24Z", &t), IR_EFORMAT);
	assert_int_equal(ir_time_parse("2026-02-31T10:43:24Z", &t), IR_EFORMAT);
	assert_int_equal(ir_time_parse("2100-02-29T10:43:24Z", &t), IR_EFORMAT);
	assert_int_equal(ir_time_parse("2026-11-22T10:43:24.Z", &t), IR_EFORMAT);
	assert_int_equal(ir_time_parse("2024-02-29T10:43:24Z", &t), IR_OK);
}

/* Kinds come from the type bits only: permission and setuid bits ignored. */
static void
test_kinds_ignore_permissions(void **state)
{
	char dir[256], path[300];
	struct stat st;

	(void)state;
	assert_string_equal(ir_file_kind(S_IFREG | 07777), "reg");
	assert_string_equal(ir_file_kind(S_IFDIR | S_ISVTX | 0777), "dir");
	assert_string_equal(ir_file_kind(07777), "?");
	assert_string_equal(ir_file_kind(0xffff0000u | S_IFIFO), "fifo");
	/* And they agree with what lstat says of real objects. */
	ut_tmpdir(dir, sizeof(dir));
	ut_write(dir, "f", "x", 1);
	ut_path(path, sizeof(path), dir, "f");
	assert_int_equal(lstat(path, &st), 0);
	assert_string_equal(ir_file_kind(st.st_mode), "reg");
	assert_int_equal(lstat(dir, &st), 0);
	assert_string_equal(ir_file_kind(st.st_mode), "dir");
	ut_path(path, sizeof(path), dir, "l");
	assert_int_equal(symlink("f", path), 0);
	assert_int_equal(lstat(path, &st), 0);
	assert_string_equal(ir_file_kind(st.st_mode), "lnk");
	ut_path(path, sizeof(path), dir, "p");
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(lstat(path, &st), 0);
	assert_string_equal(ir_file_kind(st.st_mode), "fifo");
	assert_int_equal(lstat("/dev/null", &st), 0);
	assert_string_equal(ir_file_kind(st.st_mode), "chr");
	ut_rmtree(dir);
}

static void
test_round_trip_more(void **state)
{
	(void)state;
	/* Just before and after the epoch, with a fraction. */
	round_trip(-1, 500000000, "1969-12-31T23:59:59.500000000Z");
	round_trip(-1, 0, "1969-12-31T23:59:59.000000000Z");
	round_trip(1, 999999999, "1970-01-01T00:00:01.999999999Z");
	/* Long before: 1900 (not a leap year) and 1601 (NTFS epoch). */
	round_trip(-2208988800LL, 0, "1900-01-01T00:00:00.000000000Z");
	round_trip(-2203891200LL, 0, "1900-03-01T00:00:00.000000000Z");
	round_trip(-11644473600LL, 100, "1601-01-01T00:00:00.000000100Z");
	/* 2038 and beyond 32-bit time_t, leap days of 2000 and 2400. */
	round_trip(2147483647LL, 0, "2038-01-19T03:14:07.000000000Z");
	round_trip(2147483648LL, 1, "2038-01-19T03:14:08.000000001Z");
	round_trip(951782400LL, 0, "2000-02-29T00:00:00.000000000Z");
	round_trip(4107542399LL, 0, "2100-02-28T23:59:59.000000000Z");
	round_trip(4107542400LL, 0, "2100-03-01T00:00:00.000000000Z");
	round_trip(13574563200LL, 0, "2400-02-29T00:00:00.000000000Z");
	round_trip(253402300799LL, 999999999, "9999-12-31T23:59:59.999999999Z");
	/* Now, as the clock gives it. */
	{
		struct ir_time now = ir_time_now(), u;
		char s[IR_TIME_STRLEN];

		assert_int_equal(now.valid, 1);
		assert_true(now.sec > 1700000000);
		assert_true(now.nsec >= 0 && now.nsec < 1000000000);
		assert_int_equal(ir_time_parse(ir_time_iso(&now, s, sizeof(s)),
		    &u), IR_OK);
		assert_int_equal(u.sec, now.sec);
		assert_int_equal(u.nsec, now.nsec);
	}
}

static void
test_parse_fractions_and_junk(void **state)
{
	static const char *const bad[] = {
		"2026-11-22T10:43:24z", "2026-11-22t10:43:24Z",
		"2026-11-22T10:43:24+00:00", "2026-11-22T10:43:24.123",
		"2026-11-22T10:43Z", "2026-11-2T10:43:24Z",
		"26-11-22T10:43:24Z", "20261122T104324Z",
		"2026-00-22T10:43:24Z", "2026-11-00T10:43:24Z",
		"2026-11-31T10:43:24Z", "2026-11-22T10:60:24Z",
		"2026-11-22T10:43:61Z", "2026-11-22T10:43:24.1a2Z",
		"2026-11-22T10:43:24.-1Z", "2026-11-22T10:43:24 Z",
		"2026-11-22T10:43:24Z ", "2026/11/22T10:43:24Z",
		"2026-11-22T10:43:24.Z", "2026-1a-22T10:43:24Z",
		"abcd-11-22T10:43:24Z", "2026-11-22T10:43:2", "2026",
		"2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
	};
	struct ir_time t = { 77, 88, 0 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (ir_time_parse(bad[i], &t) != IR_EFORMAT)
			fail_msg("accepted '%s'", bad[i]);
		/* a failed parse leaves the time alone */
		assert_int_equal(t.sec, 77);
		assert_int_equal(t.valid, 0);
	}
	assert_int_equal(ir_time_parse("2026-11-22T10:43:24.000000001Z", &t),
	    IR_OK);
	assert_int_equal(t.nsec, 1);
	assert_int_equal(ir_time_parse("2026-11-22T10:43:24.12Z", &t), IR_OK);
	assert_int_equal(t.nsec, 120000000);
	assert_int_equal(ir_time_parse("2026-11-22T10:43:24.000123Z", &t),
	    IR_OK);
	assert_int_equal(t.nsec, 123000);
	assert_int_equal(t.sec, 1795344204);
	assert_int_equal(t.valid, 1);
	assert_int_equal(ir_time_parse("2000-02-29T23:59:59Z", &t), IR_OK);
	assert_int_equal(t.sec, 951868799);
	assert_int_equal(ir_time_parse("1969-12-31T23:59:59.25Z", &t), IR_OK);
	assert_int_equal(t.sec, -1);
	assert_int_equal(t.nsec, 250000000);
}

/* A short output buffer is cut, never overrun. */
static void
test_iso_short_buffer(void **state)
{
	struct ir_time t = { 1795344204, 5, 1 };
	char s[64];

	(void)state;
	memset(s, '#', sizeof(s));
	assert_ptr_equal(ir_time_iso(&t, s, 11), s);
	assert_string_equal(s, "2026-11-22");
	assert_int_equal(s[11], '#');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_iso_round_trip),
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_kinds_ignore_permissions),
		cmocka_unit_test(test_round_trip_more),
		cmocka_unit_test(test_parse_fractions_and_junk),
		cmocka_unit_test(test_iso_short_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
