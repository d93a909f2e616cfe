/* case: case.json, outputs, the custody chain, and every way to break it. */
#include "unit.h"

#include <sys/stat.h>
#include <fcntl.h>

static char casedir[300];

/* A case with two logged outputs. */
static int
setup(void **state)
{
	struct ir_case_meta m = { "CASE-7", "J. Doe", "ir-test", "0.0" };
	struct ir_custody_entry en;
	struct ir_case *c;
	char dir[256], *rel[2];
	const char *outs[1];
	static char a0[] = "ir-test", a1[] = "--flag", a2[] = "caf\xc3\xa9";
	char *argv[] = { a0, a1, a2 };
	int fd, i;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	(void)snprintf(casedir, sizeof(casedir), "%s/case", dir);
	if (ir_case_open(&c, casedir, &m, NULL) != IR_OK)
		return -1;
	for (i = 0; i < 2; i++) {
		if (ir_case_output(c, "ir-test", "jsonl", &fd, &rel[i], NULL) !=
		    IR_OK)
			return -1;
		if (write(fd, "{\"type\":\"file\"}\n", 16) != 16)
			return -1;
		(void)close(fd);
		memset(&en, 0, sizeof(en));
		en.tool = "ir-test";
		en.version = "0.0";
		en.argc = 3;
		en.argv = argv;
		en.status = i;
		en.complete = 1;
		outs[0] = rel[i];
		en.outputs = outs;
		en.noutputs = 1;
		if (ir_case_log(c, &en, NULL) != IR_OK)
			return -1;
		free(rel[i]);
	}
	ir_case_close(c);
	return 0;
}

static int
teardown(void **state)
{
	char *slash;

	(void)state;
	slash = strrchr(casedir, '/');
	*slash = '\0';
	ut_rmtree(casedir);
	return 0;
}

static void
sh(const char *fmt)
{
	char cmd[1024];

	(void)snprintf(cmd, sizeof(cmd), "cd '%s' && %s", casedir, fmt);
	assert_int_equal(system(cmd), 0);
}

static void
popen_line(const char *cmd, char *out, size_t n)
{
	char full[1024];
	FILE *fp;

	(void)snprintf(full, sizeof(full), "cd '%s' && %s", casedir, cmd);
	assert_non_null(fp = popen(full, "r"));
	assert_non_null(fgets(out, (int)n, fp));
	assert_int_equal(pclose(fp), 0);
	out[strcspn(out, "\n")] = '\0';
}

static void
test_verifies_and_chains(void **state)
{
	char want[128], got[128], mode[16];
	struct ir_err e;
	size_t n;

	(void)state;
	assert_int_equal(ir_case_verify(casedir, &n, &e), IR_OK);
	assert_int_equal(n, 2);
	/* Entry 1's prev is the SHA-256 of case.json (checked by sha256sum). */
	popen_line("sha256sum case.json | cut -c1-64", want, sizeof(want));
	popen_line("head -n1 custody.jsonl | jq -r .prev", got, sizeof(got));
	assert_string_equal(got, want);
	popen_line("head -n1 custody.jsonl | tr -d '\\n' | sha256sum | cut -c1-64",
	    want, sizeof(want));
	popen_line("sed -n 2p custody.jsonl | jq -r .prev", got, sizeof(got));
	assert_string_equal(got, want);
	popen_line("jq -r .case_id case.json", got, sizeof(got));
	assert_string_equal(got, "CASE-7");
	popen_line("sed -n 2p custody.jsonl | jq -r '.argv[2], .status'", got,
	    sizeof(got));
	assert_string_equal(got, "caf\xc3\xa9");
	popen_line("ls ir-test-*.jsonl | wc -l", got, sizeof(got));
	assert_string_equal(got, "2");
	popen_line("stat -c %a custody.jsonl", mode, sizeof(mode));
	assert_string_equal(mode, "600");
	popen_line("stat -c %a .", mode, sizeof(mode));
	assert_string_equal(mode, "700");
}

static void
expect_broken(const char *tamper, const char *why)
{
	struct ir_err e;
	size_t n;

	sh(tamper);
	assert_int_not_equal(ir_case_verify(casedir, &n, &e), IR_OK);
	if (strstr(e.msg, why) == NULL)
		fail_msg("after '%s': '%s' lacks '%s'", tamper, e.msg, why);
}

static void
test_output_altered(void **state)
{
	(void)state;
	expect_broken("f=$(ls ir-test-*.jsonl | head -1) && "
	    "printf X | dd of=$f bs=1 seek=3 conv=notrunc 2>/dev/null",
	    "altered after it was logged");
}

static void
test_case_json_altered(void **state)
{
	(void)state;
	expect_broken("sed -i 's/J. Doe/M. Roe/' case.json",
	    "custody entry 1: chain broken");
}

static void
test_entry_deleted(void **state)
{
	(void)state;
	expect_broken("sed -i 1d custody.jsonl", "custody entry 1: wrong or "
	    "missing seq");
}

static void
test_entries_swapped(void **state)
{
	(void)state;
	expect_broken("{ sed -n 2p custody.jsonl; sed -n 1p custody.jsonl; } "
	    "> x && mv x custody.jsonl", "custody entry 1");
}

static void
test_last_line_cut(void **state)
{
	(void)state;
	expect_broken("truncate -s -5 custody.jsonl", "entry 2");
}

static void
test_entry_edited(void **state)
{
	(void)state;
	expect_broken("sed -i '1s/\"status\":0/\"status\":3/' custody.jsonl",
	    "custody entry 2: chain broken");
}

/* The last entry has no successor: only its seq can show the edit. */
static void
test_seq_edited(void **state)
{
	(void)state;
	expect_broken("sed -i '2s/\"seq\":2,/\"seq\":3,/' custody.jsonl",
	    "custody entry 2: wrong or missing seq");
}

static void
test_output_removed(void **state)
{
	(void)state;
	expect_broken("rm \"$(ls ir-test-*.jsonl | tail -1)\"", "ir-test-");
}

static void
test_verify_mem_garbage(void **state)
{
	struct ir_err e;
	size_t n;

	(void)state;
	assert_int_equal(ir_custody_verify_mem("", 0, "x", &n, &e), IR_OK);
	assert_int_equal(n, 0);
	assert_int_equal(ir_custody_verify_mem("{]\n", 3, "x", &n, &e),
	    IR_EFORMAT);
	assert_int_equal(ir_custody_verify_mem("[1]\n", 4, "x", &n, &e),
	    IR_EFORMAT);
	assert_int_equal(ir_custody_verify_mem("\n", 1, "x", &n, &e),
	    IR_EFORMAT);
	assert_non_null(strstr(e.msg, "custody entry 1"));
	assert_int_equal(ir_custody_verify_mem("\xff\xfe\0\n", 4, "x", &n, &e),
	    IR_EFORMAT);
	/* Good first entry, then a prev that is not a string. */
	assert_int_equal(ir_custody_verify_mem("{\"seq\":1,\"prev\":\"x\"}\n"
	    "{\"seq\":2,\"prev\":7}\n", 40, "x", &n, &e), IR_EFORMAT);
	assert_non_null(strstr(e.msg, "custody entry 2: chain broken"));
	assert_int_equal(n, 1);
	assert_int_equal(ir_custody_verify_mem("{\"seq\":1,\"prev\":\"y\"}\n",
	    21, "x", &n, &e), IR_EFORMAT);
	assert_int_equal(n, 0);
	assert_int_equal(ir_custody_verify_mem("{\"seq\":1,\"prev\":\"x\"}", 20,
	    "x", &n, &e), IR_EFORMAT);
	assert_non_null(strstr(e.msg, "cut short"));
	assert_int_equal(ir_custody_verify_mem("{\"seq\":1,\"prev\":\"x\"}\n",
	    21, "x", &n, &e), IR_OK);
	assert_int_equal(n, 1);
}

static void
test_output_names_unique(void **state)
{
	struct ir_case *c;
	char *rel[3];
	int fd[3], i;
	struct stat st;
	char path[600];

	(void)state;
	assert_int_equal(ir_case_open(&c, casedir, &(struct ir_case_meta){ 0 },
	    NULL), IR_OK);
	for (i = 0; i < 3; i++)
		assert_int_equal(ir_case_output(c, "ir-x", "csv", &fd[i],
		    &rel[i], NULL), IR_OK);
	assert_string_not_equal(rel[0], rel[1]);
	assert_string_not_equal(rel[1], rel[2]);
	for (i = 0; i < 3; i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", casedir, rel[i]);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
		(void)close(fd[i]);
		free(rel[i]);
	}
	ir_case_close(c);
}

/*
 * One entry naming 9000 outputs in subdirectories (ir-cat --all-deleted):
 * a line over 1 MiB, logged and verified; a name that is not UTF-8, which
 * the log could not name as it is, refused.
 */
static void
test_many_outputs(void **state)
{
	enum { N = 9000 };
	struct ir_custody_entry en;
	struct ir_case *c;
	struct ir_err e;
	char **outs, path[600], got[64];
	const char *bad[1] = { "rec/p0/a\377b" };
	size_t i, n;
	int fd;

	(void)state;
	sh("mkdir -p rec/p0/some/deep/dir && printf x >rec/p0/a\"$(printf "
	    "'\\377')\"b");
	assert_non_null(outs = calloc(N, sizeof(*outs)));
	for (i = 0; i < N; i++) {
		assert_true(asprintf(&outs[i], "rec/p0/some/deep/dir/"
		    "recovered-file-%zu.txt", i) > 0);
		(void)snprintf(path, sizeof(path), "%s/%s", casedir, outs[i]);
		assert_true((fd = open(path, O_WRONLY | O_CREAT | O_EXCL,
		    0600)) >= 0);
		assert_int_equal(write(fd, path, 4), 4);
		(void)close(fd);
	}
	assert_int_equal(ir_case_open(&c, casedir, &(struct ir_case_meta){ 0 },
	    NULL), IR_OK);
	memset(&en, 0, sizeof(en));
	en.tool = "ir-test";
	en.outputs = (const char *const *)outs;
	en.noutputs = N;
	en.complete = 1;
	assert_int_equal(ir_case_log(c, &en, &e), IR_OK);
	en.outputs = bad;
	en.noutputs = 1;
	assert_int_equal(ir_case_log(c, &en, &e), IR_EINVAL);
	assert_non_null(strstr(e.msg, "not UTF-8"));
	ir_case_close(c);
	assert_int_equal(ir_case_verify(casedir, &n, &e), IR_OK);
	assert_int_equal(n, 3);
	popen_line("sed -n 3p custody.jsonl | wc -c", got, sizeof(got));
	assert_true(strtoul(got, NULL, 10) > (1U << 20));
	popen_line("sed -n 3p custody.jsonl | jq -r '.outputs[8999].path'", got,
	    sizeof(got));
	assert_string_equal(got, "rec/p0/some/deep/dir/recovered-file-8999.txt");
	for (i = 0; i < N; i++)
		free(outs[i]);
	free(outs);
}

/*
 * Digests the caller took as it wrote the outputs are logged as given
 * (only the sizes are read); ir_case_verify hashes again, so a wrong one
 * is caught.  A NULL element is hashed as before.  Not a regular file,
 * outside the case, not hex: refused.  A path longer than PATH_MAX is fine.
 */
static void
test_given_digests(void **state)
{
	static const char hello[] =
	    "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";
	static const char zero[] =
	    "0000000000000000000000000000000000000000000000000000000000000000";
	struct ir_custody_entry en;
	struct ir_case *c;
	struct ir_err e;
	const char *outs[3], *sums[3];
	char got[256], want[128], deep[6000];
	size_t n, i;
	int fd, dfd;

	(void)state;
	sh("mkdir sub && printf 'hello\\n' >sub/a.bin && printf xyz >b.bin && "
	    "ln -s b.bin sub/link");
	/* The shell cannot make it: a directory at a time. */
	assert_true((fd = open(casedir, O_RDONLY | O_DIRECTORY)) >= 0);
	for (i = 0, deep[0] = '\0'; i < 25; i++) {
		(void)snprintf(got, sizeof(got), "%0200d", 0);
		assert_int_equal(mkdirat(fd, got, 0700), 0);
		assert_true((dfd = openat(fd, got, O_RDONLY | O_DIRECTORY)) >=
		    0);
		(void)close(fd);
		fd = dfd;
		(void)snprintf(deep + strlen(deep), sizeof(deep) - strlen(deep),
		    "%s/", got);
	}
	assert_true((dfd = openat(fd, "f", O_WRONLY | O_CREAT, 0600)) >= 0);
	assert_int_equal(write(dfd, "hello\n", 6), 6);
	(void)close(dfd);
	(void)close(fd);
	(void)snprintf(deep + strlen(deep), sizeof(deep) - strlen(deep), "f");
	assert_true(strlen(deep) > 4096);
	assert_int_equal(ir_case_open(&c, casedir, &(struct ir_case_meta){ 0 },
	    NULL), IR_OK);
	memset(&en, 0, sizeof(en));
	en.tool = "ir-test";
	en.complete = 1;
	en.outputs = outs;
	en.sha256 = sums;
	outs[0] = "sub/a.bin", sums[0] = hello;
	outs[1] = "b.bin", sums[1] = NULL;
	outs[2] = deep, sums[2] = hello;
	en.noutputs = 3;
	assert_int_equal(ir_case_log(c, &en, &e), IR_OK);
	popen_line("sed -n 3p custody.jsonl | jq -r '.outputs[0] | "
	    "\"\\(.path) \\(.size) \\(.sha256)\"'", got, sizeof(got));
	assert_string_equal(got, "sub/a.bin 6 5891b5b522d5df086d0ff0b110fbd9d2"
	    "1bb4fc7163af34d08286a2e846f6be03");
	popen_line("sha256sum b.bin | cut -c1-64", want, sizeof(want));
	popen_line("sed -n 3p custody.jsonl | jq -r '.outputs[1].sha256'", got,
	    sizeof(got));
	assert_string_equal(got, want);
	assert_int_equal(ir_case_verify(casedir, &n, &e), IR_OK);
	assert_int_equal(n, 3);

	/* Refused, and nothing logged. */
	en.noutputs = 1;
	sums[0] = "5891B5B522D5DF086D0FF0B110FBD9D21BB4FC7163AF34D08286A2E846F6"
	    "BE03";
	assert_int_equal(ir_case_log(c, &en, &e), IR_EINVAL);
	assert_non_null(strstr(e.msg, "hex"));
	sums[0] = "5891b5";
	assert_int_equal(ir_case_log(c, &en, &e), IR_EINVAL);
	sums[0] = hello;
	outs[0] = "sub";
	assert_int_equal(ir_case_log(c, &en, &e), IR_EINVAL);
	assert_non_null(strstr(e.msg, "not a regular file"));
	outs[0] = "sub/link";
	assert_int_equal(ir_case_log(c, &en, &e), IR_EINVAL);
	assert_non_null(strstr(e.msg, "not a regular file"));
	outs[0] = "sub/../../case.json";
	assert_int_equal(ir_case_log(c, &en, &e), IR_EINVAL);
	assert_non_null(strstr(e.msg, "outside the case"));
	outs[0] = "/etc/passwd";
	assert_int_equal(ir_case_log(c, &en, &e), IR_EINVAL);
	outs[0] = "sub/missing";
	assert_int_equal(ir_case_log(c, &en, &e), IR_EIO);
	assert_int_equal(ir_case_verify(casedir, &n, &e), IR_OK);
	assert_int_equal(n, 3);

	/* A wrong digest is logged as given, and found out. */
	outs[0] = "b.bin", sums[0] = zero;
	assert_int_equal(ir_case_log(c, &en, &e), IR_OK);
	ir_case_close(c);
	assert_int_not_equal(ir_case_verify(casedir, &n, &e), IR_OK);
	assert_non_null(strstr(e.msg, "'b.bin' was altered after it was "
	    "logged"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_verifies_and_chains, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_output_altered, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_case_json_altered, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_entry_deleted, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_entries_swapped, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_last_line_cut, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_entry_edited, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_seq_edited, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_output_removed, setup,
		    teardown),
		cmocka_unit_test(test_verify_mem_garbage),
		cmocka_unit_test_setup_teardown(test_output_names_unique, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_many_outputs, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_given_digests, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
