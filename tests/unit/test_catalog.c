/*
 * catalog: a catalogue file read exactly ("~/" made "{home}/", sizes as
 * numbers and strings, the default max_size, recursive); every kind of
 * mistake a responder may type rejected with the file and the line and
 * column or the artifact and field named, leaving the catalogue as it
 * was; a directory read in name order, *.json only; a name taken twice
 * across files; and the shipped catalog/ loading with the categories and
 * artifacts the issue asks for.
 */
#include "unit.h"

static const char good[] =
	"{ \"category\": \"ssh\", \"description\": \"d\",\n"
	"  \"artifacts\": [\n"
	"    { \"name\": \"keys\", \"description\": \"authorized keys\",\n"
	"      \"paths\": [\"~/.ssh/authorized_keys*\", \"/etc/ssh/*\"],\n"
	"      \"max_size\": \"2M\" },\n"
	"    { \"name\": \"tmp\", \"description\": \"t\", \"category\": \"other\",\n"
	"      \"paths\": [\"/tmp\"], \"recursive\": true, \"max_size\": 1234 },\n"
	"    { \"name\": \"x.y_z-1\", \"description\": \"u\",\n"
	"      \"paths\": [\"{home}/.bashrc\"] }\n"
	"  ] }\n";

static void
test_good(void **state)
{
	struct ir_catalog c = IR_CATALOG_INIT;
	struct ir_err e;

	(void)state;
	assert_int_equal(ir_catalog_parse(&c, "g.json", good, strlen(good), &e),
	    IR_OK);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.v[0].name, "keys");
	assert_string_equal(c.v[0].category, "ssh");
	assert_string_equal(c.v[0].description, "authorized keys");
	assert_int_equal(c.v[0].npaths, 2);
	assert_string_equal(c.v[0].paths[0], "{home}/.ssh/authorized_keys*");
	assert_string_equal(c.v[0].paths[1], "/etc/ssh/*");
	assert_true(ir_catalog_home(c.v[0].paths[0]));
	assert_false(ir_catalog_home(c.v[0].paths[1]));
	assert_int_equal(c.v[0].max_size, 2U << 20);
	assert_false(c.v[0].recursive);
	assert_string_equal(c.v[0].file, "g.json");
	assert_string_equal(c.v[1].category, "other");
	assert_true(c.v[1].recursive);
	assert_int_equal(c.v[1].max_size, 1234);
	assert_int_equal(c.v[2].max_size, IR_CATALOG_MAX_SIZE);
	assert_string_equal(c.v[2].paths[0], "{home}/.bashrc");
	assert_int_equal(c.nfiles, 1);
	ir_catalog_free(&c);
}

struct bad {
	const char	*json;
	const char	*msg;		/* in the error */
};

#define ART(body)	"{ \"category\": \"c\", \"artifacts\": [ " body " ] }"
#define ONE(extra)	ART("{ \"name\": \"a\", \"description\": \"d\", " extra " }")

static const struct bad bads[] = {
	{ "{ \"category\": \"c\",\n \"artifacts\": [\n { \"name\": \"a\", }\n] }",
	    "f.json: line 3 column" },
	{ "", "f.json: line 1 column" },
	{ "[1]", "not a JSON object" },
	{ "{ \"category\": \"c\", \"artifacts\": [] }", "non-empty list" },
	{ "{ \"category\": \"c\" }", "\"artifacts\" must be" },
	{ "{ \"artifacts\": [ {} ] }", "\"category\" must be" },
	{ "{ \"category\": \"c d\", \"artifacts\": [ {} ] }", "\"category\" must be" },
	{ "{ \"category\": \"c\", \"artifact\": [ ] }", "unknown key \"artifact\"" },
	{ "{ \"category\": \"c\", \"category\": \"d\", \"artifacts\": [] }",
	    "duplicate object key" },
	{ ART("1"), "artifact 1: not an object" },
	{ ART("{ \"description\": \"d\", \"paths\": [\"/x\"] }"), "\"name\" must be" },
	{ ART("{ \"name\": \"a/b\", \"description\": \"d\", \"paths\": [\"/x\"] }"),
	    "\"name\" must be" },
	{ ONE("\"paths\": [\"/x\"], \"path\": [\"/y\"]"),
	    "artifact 1 (\"a\"): unknown key \"path\"" },
	{ ONE("\"paths\": []"), "\"paths\" must be a list" },
	{ ONE("\"paths\": \"/x\""), "\"paths\" must be a list" },
	{ ONE("\"paths\": [1]"), "paths[0]: not a string" },
	{ ONE("\"paths\": [\"x/y\"]"), "must start with '/'" },
	{ ONE("\"paths\": [\"/\"]"), "names no file" },
	{ ONE("\"paths\": [\"{home}/\"]"), "names no file" },
	{ ONE("\"paths\": [\"/a/../b\"]"), "'.' or '..'" },
	{ ONE("\"paths\": [\"/a/./b\"]"), "'.' or '..'" },
	{ ONE("\"paths\": [\"/a//b\"]"), "empty component" },
	{ ONE("\"paths\": [\"/a/\"]"), "empty component" },
	{ ONE("\"paths\": [\"/a/{home}/b\"]"), "has '{'" },
	{ ONE("\"paths\": [\"{user}/b\"]"), "must start with" },
	{ ONE("\"paths\": [\"/a\", \"/a\"]"), "given twice" },
	{ ONE("\"paths\": [\"/a\\u0000b\"]"), "is not allowed" },
	{ ONE("\"paths\": [\"/a\"], \"max_size\": 0"), "\"max_size\"" },
	{ ONE("\"paths\": [\"/a\"], \"max_size\": -5"), "\"max_size\"" },
	{ ONE("\"paths\": [\"/a\"], \"max_size\": \"12X\""), "\"max_size\"" },
	{ ONE("\"paths\": [\"/a\"], \"max_size\": \"99999999999T\""), "\"max_size\"" },
	{ ONE("\"paths\": [\"/a\"], \"recursive\": 1"), "\"recursive\"" },
	{ ONE("\"paths\": [\"/a\"], \"description\": \"\""), NULL },
	{ ART("{ \"name\": \"a\", \"paths\": [\"/x\"] }"), "\"description\" must be" },
	{ ART("{ \"name\": \"a\", \"description\": \"d\", \"paths\": [\"/x\"] }, "
	    "{ \"name\": \"a\", \"description\": \"d\", \"paths\": [\"/y\"] }"),
	    "artifact 2 (\"a\"): the name is taken already" },
};

static void
test_bad(void **state)
{
	struct ir_catalog c = IR_CATALOG_INIT;
	struct ir_err e;
	size_t i;

	(void)state;
	/* Something already in: a failed file leaves it as it was. */
	assert_int_equal(ir_catalog_parse(&c, "g.json", good, strlen(good), &e),
	    IR_OK);
	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		memset(&e, 0, sizeof(e));
		if (ir_catalog_parse(&c, "f.json", bads[i].json,
		    strlen(bads[i].json), &e) != IR_EFORMAT)
			fail_msg("accepted: %s", bads[i].json);
		assert_int_equal(e.code, IR_EFORMAT);
		assert_non_null(strstr(e.msg, "f.json"));
		if (bads[i].msg != NULL && strstr(e.msg, bads[i].msg) == NULL)
			fail_msg("'%s' for %s lacks '%s'", e.msg, bads[i].json,
			    bads[i].msg);
		assert_int_equal(c.n, 3);
		assert_int_equal(c.nfiles, 1);
	}
	/* A name taken by another file names that file. */
	assert_int_equal(ir_catalog_parse(&c, "h.json", good, strlen(good), &e),
	    IR_EFORMAT);
	assert_non_null(strstr(e.msg, "h.json: artifact 1 (\"keys\"): the name "
	    "is taken already (g.json)"));
	assert_int_equal(c.n, 3);
	ir_catalog_free(&c);
}

static void
test_dir(void **state)
{
	struct ir_catalog c = IR_CATALOG_INIT;
	struct ir_err e;
	char dir[256], path[512];
	static const char b[] = ART("{ \"name\": \"b\", \"description\": \"d\", "
	    "\"paths\": [\"/b\"] }");
	static const char a[] = ART("{ \"name\": \"a\", \"description\": \"d\", "
	    "\"paths\": [\"/a\"] }");

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	assert_int_equal(ir_catalog_load(&c, dir, &e), IR_ENOENT);
	assert_non_null(strstr(e.msg, "no *.json"));
	ut_write(dir, "2-b.json", b, strlen(b));
	ut_write(dir, "1-a.json", a, strlen(a));
	ut_write(dir, "README", "not json", 8);
	ut_write(dir, ".hidden.json", "garbage", 7);
	ut_write(dir, "x.json.orig", "garbage", 7);
	assert_int_equal(ir_catalog_load(&c, dir, &e), IR_OK);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.v[0].name, "a");
	assert_string_equal(c.v[1].name, "b");
	assert_non_null(strstr(c.v[0].file, "/1-a.json"));
	ir_catalog_free(&c);
	/* One file of the directory broken: the error names it. */
	ut_write(dir, "3-c.json", "{\n\"category\": 1 }", 17);
	assert_int_equal(ir_catalog_load(&c, dir, &e), IR_EFORMAT);
	assert_non_null(strstr(e.msg, "3-c.json"));
	ir_catalog_free(&c);
	/* A single file; a missing one. */
	assert_int_equal(ir_catalog_load(&c, ut_path(path, sizeof(path), dir,
	    "1-a.json"), &e), IR_OK);
	assert_int_equal(c.n, 1);
	ir_catalog_free(&c);
	assert_int_equal(ir_catalog_load(&c, ut_path(path, sizeof(path), dir,
	    "none.json"), &e), IR_ENOENT);
	assert_non_null(strstr(e.msg, "none.json"));
	ut_rmtree(dir);
}

static const struct ir_artifact *
find(const struct ir_catalog *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i].name, name) == 0)
			return &c->v[i];
	return NULL;
}

static int
has_path(const struct ir_artifact *a, const char *p)
{
	size_t i;

	for (i = 0; i < a->npaths; i++)
		if (strcmp(a->paths[i], p) == 0)
			return 1;
	return 0;
}

/* The shipped catalogue covers what the issue lists. */
static void
test_shipped(void **state)
{
	static const char *const cats[] = { "accounts", "ssh", "persistence",
	    "logs", "histories", "tmp", "packages", NULL };
	static const char *const names[] = { "passwd", "shadow", "sudoers",
	    "ssh-authorized-keys", "sshd-config", "cron", "at",
	    "systemd-units", "systemd-generators", "init-rc",
	    "shell-init-system", "shell-init-user", "ld-preload", "udev-rules",
	    "modprobe", "motd", "auth-logs", "system-logs", "journal", "audit",
	    "web-logs", "shell-history", "tmp-dirs", "dpkg-status", NULL };
	struct ir_catalog c = IR_CATALOG_INIT;
	const struct ir_artifact *a;
	struct ir_err e;
	size_t i, k;

	(void)state;
	assert_int_equal(ir_catalog_load(&c, IR_SRCDIR "/catalog", &e), IR_OK);
	for (i = 0; cats[i] != NULL; i++) {
		for (k = 0; k < c.n; k++)
			if (strcmp(c.v[k].category, cats[i]) == 0)
				break;
		if (k == c.n)
			fail_msg("no artifact of category %s", cats[i]);
	}
	for (i = 0; names[i] != NULL; i++)
		if (find(&c, names[i]) == NULL)
			fail_msg("no artifact %s", names[i]);
	assert_non_null(a = find(&c, "ld-preload"));
	assert_true(has_path(a, "/etc/ld.so.preload"));
	assert_true(has_path(a, "/etc/ld.so.conf.d/*"));
	assert_true(has_path(find(&c, "cron"), "/etc/cron.d/*"));
	assert_true(has_path(find(&c, "ssh-authorized-keys"),
	    "{home}/.ssh/authorized_keys"));
	assert_true(has_path(find(&c, "system-logs"), "/var/log/syslog*"));
	assert_true(find(&c, "journal")->recursive);
	assert_true(find(&c, "tmp-dirs")->recursive);
	assert_true(has_path(find(&c, "tmp-dirs"), "/dev/shm"));
	ir_catalog_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_dir),
		cmocka_unit_test(test_shipped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
