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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_iso_round_trip),
		cmocka_unit_test(test_parse_forms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
