/* content: one read feeds digests and type; limits; change detection. */
#include "unit.h"

#include <sys/stat.h>
#include <fcntl.h>

static char dir[256];

static int
setup(void **state)
{
	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ut_rmtree(dir);
	return 0;
}

/* Fill f as the walker would, then run content work on the file. */
static int
examine(struct ir_content *c, const char *name, struct ir_file *f,
    uint64_t *nread)
{
	char path[512];
	struct stat st;
	int fd, rc;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	memset(f, 0, sizeof(*f));
	f->path = path;
	f->pathlen = strlen(path);
	f->name = strrchr(path, '/') + 1;
	assert_int_equal(stat(path, &st), 0);
	f->size = (uint64_t)st.st_size;
	f->mtime.sec = st.st_mtim.tv_sec;
	f->mtime.nsec = (int32_t)st.st_mtim.tv_nsec;
	f->mtime.valid = 1;
	assert_true((fd = open(path, O_RDONLY)) >= 0);
	rc = ir_content_file(c, fd, f, nread);
	(void)close(fd);
	f->path = NULL;
	f->name = NULL;
	return rc;
}

static void
copy_file(const char *from, const char *to)
{
	char cmd[600];

	(void)snprintf(cmd, sizeof(cmd), "cp '%s' '%s/%s'", from, dir, to);
	assert_int_equal(system(cmd), 0);
}

static void
test_elf_named_jpg(void **state)
{
	struct ir_content_opts o = { IR_HASH_BIT(IR_HASH_SHA256), 1, 0, NULL, 0 };
	struct ir_content *c;
	struct ir_file f;
	struct ir_digest want;
	struct ir_hash *h;
	uint64_t n;
	char a[65], b[65];
	int fd;

	(void)state;
	copy_file("/bin/ls", "holiday.jpg");
	copy_file("/bin/ls", "ls");
	assert_int_equal(ir_content_new(&c, &o, NULL), IR_OK);
	assert_int_equal(examine(c, "holiday.jpg", &f, &n), IR_OK);
	assert_true(strncmp(f.mime, "application/x-", 14) == 0);
	assert_int_equal(f.mime_mismatch, 1);
	assert_int_equal(n, f.size);
	assert_int_equal(f.changed, 0);
	assert_string_equal(f.error, "");
	/* The digest equals an independent hash of the same bytes. */
	assert_int_equal(ir_hash_new(&h, IR_HASH_BIT(IR_HASH_SHA256), 0, NULL),
	    IR_OK);
	assert_true((fd = open("/bin/ls", O_RDONLY)) >= 0);
	assert_int_equal(ir_hash_fd(h, fd, &want, NULL), IR_OK);
	(void)close(fd);
	ir_digest_hex(&want, IR_HASH_SHA256, a);
	ir_digest_hex(&f.digest, IR_HASH_SHA256, b);
	assert_string_equal(a, b);
	/* The same binary under its own name is no finding. */
	assert_int_equal(examine(c, "ls", &f, &n), IR_OK);
	assert_int_equal(f.mime_mismatch, 0);
	ir_hash_free(h);
	ir_content_free(c);
}

static void
test_text_and_empty(void **state)
{
	struct ir_content_opts o = { IR_HASH_ALL, 1, 0, NULL, 0 };
	struct ir_content *c;
	struct ir_file f;
	char hex[65];
	uint64_t n;

	(void)state;
	ut_write(dir, "notes.txt", "meeting at noon\nbring the files\n", 32);
	ut_write(dir, "empty.jpg", "", 0);
	assert_int_equal(ir_content_new(&c, &o, NULL), IR_OK);
	assert_int_equal(examine(c, "notes.txt", &f, &n), IR_OK);
	assert_string_equal(f.mime, "text/plain");
	assert_int_equal(f.mime_mismatch, 0);
	assert_int_equal(n, 32);
	assert_int_equal(examine(c, "empty.jpg", &f, &n), IR_OK);
	assert_string_equal(f.mime, "application/x-empty");
	assert_int_equal(f.mime_mismatch, 0);
	ir_digest_hex(&f.digest, IR_HASH_MD5, hex);
	assert_string_equal(hex, "d41d8cd98f00b204e9800998ecf8427e");
	ir_content_free(c);
}

static void
test_max_size_and_type_only(void **state)
{
	struct ir_content_opts big = { IR_HASH_BIT(IR_HASH_MD5), 0, 10, NULL, 0 };
	struct ir_content_opts type = { 0, 1, 0, NULL, 0 };
	struct ir_content *c;
	struct ir_file f;
	uint64_t n;
	char *data;

	(void)state;
	ut_write(dir, "eleven", "01234567890", 11);
	assert_int_equal(ir_content_new(&c, &big, NULL), IR_OK);
	assert_int_equal(examine(c, "eleven", &f, &n), IR_OK);
	assert_non_null(f.skipped);
	assert_int_equal(f.digest.algs, 0);
	assert_int_equal(n, 0);
	ir_content_free(c);
	/* Exactly max_size is read. */
	big.max_size = 11;
	assert_int_equal(ir_content_new(&c, &big, NULL), IR_OK);
	assert_int_equal(examine(c, "eleven", &f, &n), IR_OK);
	assert_null(f.skipped);
	assert_int_equal(n, 11);
	assert_int_equal(f.digest.algs, IR_HASH_BIT(IR_HASH_MD5));
	ir_content_free(c);
	assert_true(ir_content_wanted(&type));
	assert_false(ir_content_wanted(&(struct ir_content_opts){ 0 }));
	/* Type only: the first chunk is enough, not the whole file. */
	assert_non_null(data = calloc(1, 3 << 20));
	ut_write(dir, "zeros", data, 3 << 20);
	free(data);
	assert_int_equal(ir_content_new(&c, &type, NULL), IR_OK);
	assert_int_equal(examine(c, "zeros", &f, &n), IR_OK);
	assert_true(n > 0 && n < (3U << 20));	/* what was read: a part */
	assert_int_equal(f.digest.algs, 0);
	assert_true(f.mime[0] != '\0');
	ir_content_free(c);
}

static void
test_changed_since_examined(void **state)
{
	struct ir_content_opts o = { IR_HASH_BIT(IR_HASH_SHA1), 0, 0, NULL, 0 };
	struct ir_content *c;
	struct ir_file f;
	char path[512];
	struct stat st;
	uint64_t n;
	int fd;

	(void)state;
	ut_write(dir, "log", "line 1\n", 7);
	(void)snprintf(path, sizeof(path), "%s/log", dir);
	assert_int_equal(ir_content_new(&c, &o, NULL), IR_OK);
	/* Examined at one mtime, read after a write: flagged. */
	memset(&f, 0, sizeof(f));
	f.name = "log";
	assert_int_equal(stat(path, &st), 0);
	f.mtime.sec = st.st_mtim.tv_sec - 10;
	f.mtime.valid = 1;
	assert_true((fd = open(path, O_RDONLY)) >= 0);
	assert_int_equal(ir_content_file(c, fd, &f, &n), IR_OK);
	(void)close(fd);
	assert_int_equal(f.changed, 1);
	/* Unchanged: not flagged. */
	assert_int_equal(examine(c, "log", &f, &n), IR_OK);
	assert_int_equal(f.changed, 0);
	ir_content_free(c);
}

static void
test_read_error_is_recorded(void **state)
{
	struct ir_content_opts o = { IR_HASH_BIT(IR_HASH_MD5), 0, 0, NULL, 0 };
	struct ir_content *c;
	struct ir_file f;
	uint64_t n;
	int fd;

	(void)state;
	assert_int_equal(ir_content_new(&c, &o, NULL), IR_OK);
	memset(&f, 0, sizeof(f));
	f.name = "dir";
	assert_true((fd = open(dir, O_RDONLY | O_DIRECTORY)) >= 0);
	assert_int_equal(ir_content_file(c, fd, &f, &n), IR_EIO);
	(void)close(fd);
	assert_non_null(strstr(f.error, "read error at byte 0"));
	assert_int_equal(f.digest.algs, 0);
	ir_content_free(c);
}

/* Large files take the one-core-per-digest path: same digests. */
static void
test_large_file_parallel_digests(void **state)
{
	struct ir_content_opts o = { IR_HASH_BIT(IR_HASH_MD5) |
	    IR_HASH_BIT(IR_HASH_SHA256), 0, 0, NULL, 0 };
	struct ir_content *c;
	struct ir_file f;
	char path[512], cmd[600], want[80], got[80];
	uint64_t n;
	FILE *fp;

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/disk.img", dir);
	(void)snprintf(cmd, sizeof(cmd), "head -c 70000001 /dev/urandom > '%s'",
	    path);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(ir_content_new(&c, &o, NULL), IR_OK);
	assert_int_equal(examine(c, "disk.img", &f, &n), IR_OK);
	assert_int_equal(n, 70000001);
	(void)snprintf(cmd, sizeof(cmd), "md5sum '%s'; sha256sum '%s'", path,
	    path);
	assert_non_null(fp = popen(cmd, "r"));
	assert_non_null(fgets(want, sizeof(want), fp));
	want[32] = '\0';
	ir_digest_hex(&f.digest, IR_HASH_MD5, got);
	assert_string_equal(got, want);
	assert_non_null(fgets(want, sizeof(want), fp));
	want[64] = '\0';
	ir_digest_hex(&f.digest, IR_HASH_SHA256, got);
	assert_string_equal(got, want);
	assert_int_equal(pclose(fp), 0);
	/* A small file after it still hashes right (the serial path). */
	ut_write(dir, "small", "abc", 3);
	assert_int_equal(examine(c, "small", &f, &n), IR_OK);
	ir_digest_hex(&f.digest, IR_HASH_MD5, got);
	assert_string_equal(got, "900150983cd24fb0d6963f7d28e17f72");
	ir_content_free(c);
}

/* keep: one read gives the digests and the content itself. */
static void
test_keep(void **state)
{
	struct ir_content_opts o = { IR_HASH_BIT(IR_HASH_SHA256), 1, 0, NULL,
	    8 << 20 };
	struct ir_content *c;
	struct ir_file f;
	struct ir_err e;
	struct ir_digest d;
	struct ir_hash *h;
	unsigned char *want;
	const unsigned char *got;
	char path[512];
	uint64_t nread;
	size_t n, i, size = (3 << 20) + 12345;
	int whole;
	FILE *fp;

	(void)state;
	assert_non_null(want = malloc(size));
	for (i = 0; i < size; i++)
		want[i] = (unsigned char)(i * 31 + (i >> 11));
	(void)snprintf(path, sizeof(path), "%s/kept", dir);
	assert_non_null(fp = fopen(path, "w"));
	assert_int_equal(fwrite(want, 1, size, fp), size);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(ir_hash_new(&h, o.algs, 0, &e), IR_OK);
	assert_int_equal(ir_hash_update(h, want, size, &e), IR_OK);
	assert_int_equal(ir_hash_final(h, &d, &e), IR_OK);
	ir_hash_free(h);

	assert_int_equal(ir_content_new(&c, &o, &e), IR_OK);
	assert_int_equal(examine(c, "kept", &f, &nread), IR_OK);
	got = ir_content_data(c, &n, &whole);
	assert_int_equal(n, size);
	assert_true(whole);
	assert_memory_equal(got, want, size);
	assert_memory_equal(f.digest.md[IR_HASH_SHA256],
	    d.md[IR_HASH_SHA256], 32);
	ir_content_free(c);

	/* A smaller keep: the start only, said; the digest still whole. */
	o.keep = 1 << 20;
	assert_int_equal(ir_content_new(&c, &o, &e), IR_OK);
	assert_int_equal(examine(c, "kept", &f, &nread), IR_OK);
	got = ir_content_data(c, &n, &whole);
	assert_true(n >= (size_t)1 << 20 && n < size);
	assert_false(whole);
	assert_memory_equal(got, want, n);
	assert_memory_equal(f.digest.md[IR_HASH_SHA256],
	    d.md[IR_HASH_SHA256], 32);
	ir_content_free(c);
	free(want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_elf_named_jpg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_and_empty, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_max_size_and_type_only,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_since_examined,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_error_is_recorded,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_large_file_parallel_digests,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
