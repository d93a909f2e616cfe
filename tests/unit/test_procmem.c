/*
 * procmem: maps parsing (this process's, synthetic lines with hard paths,
 * malformed lines), which regions are scanned, and a child process read
 * through /proc/PID/mem: a random marker that only its heap holds is
 * found there and nowhere else; unreadable pages (past the end of a
 * mapped file, an unmapped gap) come back as counted zeros; what a
 * PROT_NONE page gives; exit and exec seen; the pid list; permissions.
 */
#include "unit.h"

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>

#if defined(__SANITIZE_ADDRESS__)
#define UT_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UT_ASAN	1
#endif
#endif

#define MARKLEN		32
#define KID_COMM	"ir) m (k z)"	/* ')' and spaces: stat parsing */
#define REGION_MAX	((uint64_t)256 << 20)	/* skip ASan's shadow */

static size_t pg;

/* What the child tells the parent: where it put things. */
struct kidmsg {
	uint64_t	 heap;		/* the marker (malloc) */
	uint64_t	 prot;		/* 3 pages a5 | 5a PROT_NONE | c3 */
	uint64_t	 file;		/* 3 pages of a 1-page file: 77 */
	uint64_t	 gap;		/* 3 pages 11, the middle unmapped */
	uint64_t	 shared;	/* MAP_SHARED|MAP_ANONYMOUS page 3c */
};

struct kid {
	pid_t		 pid;
	int		 hold;		/* close it and the child exits */
	struct kidmsg	 m;
	unsigned char	 marker[MARKLEN];
	char		 dir[4096];
};

static void *
kid_map(size_t len, int prot, int flags, int fd)
{
	void *p = mmap(NULL, len, prot, flags, fd, 0);

	if (p == MAP_FAILED)
		_exit(10);
	return p;
}

/*
 * The child: the marker is made after fork, straight into a small malloc
 * buffer (so in [heap] with glibc), and sent from there: neither the
 * parent's image nor the child's stack ever holds it.
 */
static void
kid_main(int wr, int rd, const char *dir)
{
	struct kidmsg m;
	unsigned char *buf, *p;
	char path[4200], c;
	int fd;

	if (prctl(PR_SET_NAME, KID_COMM) != 0)
		_exit(11);
	if ((buf = malloc(64)) == NULL ||
	    getrandom(buf, MARKLEN, 0) != MARKLEN)
		_exit(12);
	m.heap = (uintptr_t)buf;

	p = kid_map(3 * pg, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1);
	memset(p, 0xa5, pg);
	memset(p + pg, 0x5a, pg);
	memset(p + 2 * pg, 0xc3, pg);
	if (mprotect(p + pg, pg, PROT_NONE) != 0)
		_exit(13);
	m.prot = (uintptr_t)p;

	(void)snprintf(path, sizeof(path), "%s/onepage", dir);
	if ((fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600)) < 0)
		_exit(14);
	p = malloc(pg);
	if (p == NULL)
		_exit(15);
	memset(p, 0x77, pg);
	if (write(fd, p, pg) != (ssize_t)pg)
		_exit(16);
	free(p);
	m.file = (uintptr_t)kid_map(3 * pg, PROT_READ, MAP_PRIVATE, fd);
	(void)close(fd);

	p = kid_map(pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
	    -1);
	memset(p, 0x3c, pg);
	m.shared = (uintptr_t)p;

	/* Last: a later mapping could fill the gap. */
	p = kid_map(3 * pg, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1);
	memset(p, 0x11, 3 * pg);
	if (munmap(p + pg, pg) != 0)
		_exit(17);
	m.gap = (uintptr_t)p;

	if (write(wr, &m, sizeof(m)) != (ssize_t)sizeof(m) ||
	    write(wr, buf, MARKLEN) != MARKLEN)
		_exit(18);
	(void)read(rd, &c, 1);
	_exit(0);
}

static void
kid_start(struct kid *k)
{
	int up[2], down[2];

	ut_tmpdir(k->dir, sizeof(k->dir));
	assert_int_equal(pipe(up), 0);
	assert_int_equal(pipe(down), 0);
	assert_true((k->pid = fork()) >= 0);
	if (k->pid == 0) {
		(void)close(up[0]);
		(void)close(down[1]);
		kid_main(up[1], down[0], k->dir);
	}
	(void)close(up[1]);
	(void)close(down[0]);
	k->hold = down[1];
	assert_int_equal(ir_read_full(up[0], &k->m, sizeof(k->m)),
	    sizeof(k->m));
	assert_int_equal(ir_read_full(up[0], k->marker, MARKLEN), MARKLEN);
	(void)close(up[0]);
}

/* Let the child exit, reap it; its exit status must be 0. */
static void
kid_end(struct kid *k)
{
	int st;

	if (k->hold >= 0)
		(void)close(k->hold);
	k->hold = -1;
	assert_int_equal(waitpid(k->pid, &st, 0), k->pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	ut_rmtree(k->dir);
}

/* Open pid; skips the test when this user may not read its memory. */
static struct ir_proc *
open_or_skip(pid_t pid)
{
	struct ir_proc *p;
	struct ir_err e;
	int rc;

	rc = ir_proc_open(&p, pid, &e);
	if (rc == IR_EIO && (e.sys_errno == EPERM || e.sys_errno == EACCES)) {
		print_message("# %s\n", e.msg);
		skip();
	}
	if (rc != IR_OK)
		fail_msg("open %d: %s", (int)pid, e.msg);
	return p;
}

static const struct ir_region *
region_at(struct ir_proc *p, uint64_t a)
{
	const struct ir_region *r;
	size_t n, i;

	r = ir_proc_regions(p, &n);
	for (i = 0; i < n; i++)
		if (a >= r[i].start && a < r[i].end)
			return &r[i];
	fail_msg("no region holds 0x%llx", (unsigned long long)a);
	return NULL;
}

/* Read n bytes at a, which must work; returns them (free). */
static unsigned char *
readmem(struct ir_proc *p, uint64_t a, size_t n, uint64_t *holes)
{
	unsigned char *b;
	struct ir_err e;
	size_t got;

	assert_non_null(b = malloc(n));
	memset(b, 0xee, n);
	if (ir_proc_read(p, a, b, n, &got, holes, &e) != IR_OK)
		fail_msg("read 0x%llx+%zu: %s", (unsigned long long)a, n,
		    e.msg);
	assert_int_equal(got, n);
	return b;
}

static int
all(const unsigned char *b, size_t n, unsigned char c)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != c)
			return 0;
	return 1;
}

static int
valid_perms(const char *p)
{
	return strlen(p) == 4 && strchr("r-", p[0]) && strchr("w-", p[1]) &&
	    strchr("x-", p[2]) && strchr("ps", p[3]);
}

/* ---- maps text ---- */

static void
test_maps_self(void **state)
{
	struct ir_buf b = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct ir_region *r;
	struct ir_err e;
	char exe[PATH_MAX];
	ssize_t len;
	size_t n, i;
	int stackvar = 0, sawtext = 0, sawstack = 0;
	uintptr_t fn = (uintptr_t)test_maps_self, sv = (uintptr_t)&stackvar;

	(void)state;
	assert_int_equal(ir_read_file(AT_FDCWD, "/proc/self/maps", &b, &e),
	    IR_OK);
	if (ir_maps_parse(b.buf, b.len, &r, &n, &e) != IR_OK)
		fail_msg("%s", e.msg);
	assert_true((len = readlink("/proc/self/exe", exe, sizeof(exe) - 1))
	    > 0);
	exe[len] = '\0';
	assert_true(n > 5);
	for (i = 0; i < n; i++) {
		assert_true(r[i].start < r[i].end);
		assert_true(valid_perms(r[i].perms));
		assert_int_equal(r[i].devmap, -1);
		if (fn >= r[i].start && fn < r[i].end) {
			assert_int_equal(r[i].perms[2], 'x');
			assert_string_equal(r[i].path, exe);
			sawtext = 1;
		}
		if (sv >= r[i].start && sv < r[i].end) {
			assert_string_equal(r[i].path, "[stack]");
			sawstack = 1;
		}
		if (strcmp(r[i].path, "[vvar]") == 0)
			assert_false(ir_region_scannable(&r[i]));
	}
	assert_true(sawtext);
	assert_true(sawstack);
	ir_regions_free(r, n);
	ir_buf_release(&b);
}

static void
test_maps_tricky(void **state)
{
	static const char text[] =
	    "55d0c0a00000-55d0c0a02000 r--p 00000000 fe:00 247134"
	    "                     /usr/bin/with  space/cat\n"
	    "55d0c2000000-55d0c2021000 rw-p 00000000 00:00 0"
	    "                          [heap]\n"
	    "7f0000000000-7f0000001000 rw-s 00000000 00:01 1234"
	    "                       /dev/zero (deleted)\n"
	    "7f0000001000-7f0000002000 rw-s 00000000 00:1a 77"
	    "                         /dev/shm/x\n"
	    "7f0000002000-7f0000003000 rw-s 100000000 00:05 612"
	    "                       /dev/dri/card0\n"
	    "7f0000003000-7f0000004000 r-xp 00001000 103:fffff 5 "
	    "/tmp/evil (deleted)\n"
	    "7f0000004000-7f0000005000 ---p 00000000 00:00 0 \n"
	    "7f0000005000-7f0000006000 rw-p 00000000 00:00 0\n"
	    "7f0000006000-7f0000007000 r--p 00000000 fe:00 9"
	    "                          /tmp/ends with space \n"
	    "7f0000007000-7f0000008000 r--p 00000000 00:05 3"
	    "                          /dev/zero\n"
	    "7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0"
	    "                          [stack]\n"
	    "7ffc00100000-7ffc00104000 r--p 00000000 00:00 0"
	    "                          [vvar]\n"
	    "7ffc00104000-7ffc00106000 r--p 00000000 00:00 0"
	    "                          [vvar_vclock]\n"
	    "7ffc00106000-7ffc00108000 r-xp 00000000 00:00 0"
	    "                          [vdso]\n"
	    "7ffc00200000-7ffc00201000 r-xp 00000000 00:00 0"
	    "                          [uprobes]\n"
	    "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0"
	    "                  [vsyscall]\n"
	    "ffffffffff700000-ffffffffff701000 r-xp 00000000 00:00 0"
	    "                  [vsyscall]\n"
	    "7ffd00000000-7ffd00001000 rw-p 00000000 00:00 0"
	    "                          [anon:x y]";	/* no final newline */
	static const struct {
		const char	*path, *perms, *dev;
		int		 scan;
	} want[] = {
		{ "/usr/bin/with  space/cat", "r--p", "fe:00", 1 },
		{ "[heap]", "rw-p", "00:00", 1 },
		{ "/dev/zero (deleted)", "rw-s", "00:01", 1 },
		{ "/dev/shm/x", "rw-s", "00:1a", 1 },
		{ "/dev/dri/card0", "rw-s", "00:05", 0 },
		{ "/tmp/evil (deleted)", "r-xp", "103:fffff", 1 },
		{ "", "---p", "00:00", 0 },
		{ "", "rw-p", "00:00", 1 },
		{ "/tmp/ends with space ", "r--p", "fe:00", 1 },
		{ "/dev/zero", "r--p", "00:05", 1 },
		{ "[stack]", "rw-p", "00:00", 1 },
		{ "[vvar]", "r--p", "00:00", 0 },
		{ "[vvar_vclock]", "r--p", "00:00", 0 },
		{ "[vdso]", "r-xp", "00:00", 1 },
		{ "[uprobes]", "r-xp", "00:00", 0 },
		{ "[vsyscall]", "--xp", "00:00", 0 },
		{ "[vsyscall]", "r-xp", "00:00", 0 },
		{ "[anon:x y]", "rw-p", "00:00", 1 },
	};
	struct ir_region *r;
	struct ir_err e;
	size_t n, i;

	(void)state;
	if (ir_maps_parse(text, strlen(text), &r, &n, &e) != IR_OK)
		fail_msg("%s", e.msg);
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < n; i++) {
		assert_string_equal(r[i].path, want[i].path);
		assert_string_equal(r[i].perms, want[i].perms);
		assert_string_equal(r[i].dev, want[i].dev);
		if (ir_region_scannable(&r[i]) != want[i].scan)
			fail_msg("line %zu '%s': scannable should be %d", i + 1,
			    r[i].path, want[i].scan);
	}
	assert_int_equal(r[0].start, 0x55d0c0a00000ULL);
	assert_int_equal(r[0].end, 0x55d0c0a02000ULL);
	assert_int_equal(r[0].inode, 247134);
	assert_int_equal(r[4].offset, 0x100000000ULL);
	assert_int_equal(r[5].offset, 0x1000);
	assert_int_equal(r[16].start, 0xffffffffff700000ULL);

	/* What map_files says wins over the path. */
	r[4].devmap = 0;
	assert_true(ir_region_scannable(&r[4]));
	r[0].devmap = 1;
	assert_false(ir_region_scannable(&r[0]));
	r[6].devmap = 0;	/* still not readable */
	assert_false(ir_region_scannable(&r[6]));
	r[11].devmap = 0;	/* still [vvar] */
	assert_false(ir_region_scannable(&r[11]));
	ir_regions_free(r, n);

	/* Nothing (a kernel thread's maps) is zero regions. */
	r = (void *)1;
	assert_int_equal(ir_maps_parse("", 0, &r, &n, &e), IR_OK);
	assert_null(r);
	assert_int_equal(n, 0);
	ir_regions_free(NULL, 0);
}

static void
test_maps_malformed(void **state)
{
	static const char good[] =
	    "00400000-00401000 r-xp 00000000 08:01 12 /bin/x\n";
	static const struct {
		const char	*line;
		size_t		 len;	/* 0: strlen */
	} bad[] = {
		{ "zz-1000 r--p 00000000 00:00 0", 0 },
		{ "0x1000-0x2000 r--p 00000000 00:00 0", 0 },
		{ "-1000-2000 r--p 00000000 00:00 0", 0 },
		{ " 1000-2000 r--p 00000000 00:00 0", 0 },
		{ "1000-1000 r--p 00000000 00:00 0", 0 },
		{ "2000-1000 r--p 00000000 00:00 0", 0 },
		{ "1000-20G0 r--p 00000000 00:00 0", 0 },
		{ "1000-2000 rwxq 00000000 00:00 0", 0 },
		{ "1000-2000 xr-p 00000000 00:00 0", 0 },
		{ "1000-2000 R--P 00000000 00:00 0", 0 },
		{ "1000-2000 r-x 00000000 00:00 0", 0 },
		{ "1000-2000 r-xpp 00000000 00:00 0", 0 },
		{ "1000-2000  r--p 00000000 00:00 0", 0 },
		{ "1000-2000 r--p 0000000g 00:00 0", 0 },
		{ "1000-2000 r--p 00000000 0:00 0", 0 },
		{ "1000-2000 r--p 00000000 0000:00 0", 0 },
		{ "1000-2000 r--p 00000000 00:000000 0", 0 },
		{ "1000-2000 r--p 00000000 00-00 0", 0 },
		{ "1000-2000 r--p 00000000 00:00 x", 0 },
		{ "1000-2000 r--p 00000000 00:00 -1", 0 },
		{ "1000-2000 r--p 00000000 00:00 12a /x", 0 },
		{ "1000-2000 r--p 00000000 00:00 0\r", 0 },
		{ "1000-2000 r--p 00000000 00:00 99999999999999999999", 0 },
		{ "10000000000000000-20000000000000000 r--p 0 00:00 0", 0 },
		{ "1000-2000 r--p 00000000 00:00", 0 },
		{ "1000-2000 r--p 00000000 00:00 ", 0 },
		{ "1000-2000 r--p 00000000", 0 },
		{ "1000-2000 r--p", 0 },
		{ "1000-2000", 0 },
		{ "1000-", 0 },
		{ "", 0 },
		{ "1000-2000 r--p 00000000 00:00 0 /a\0b", 36 },
		{ "1000-2000 r--p 00000000 00:00 0\0", 32 },
	};
	char text[256];
	struct ir_region *r;
	struct ir_err e;
	size_t n, i, len, tl;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		len = bad[i].len ? bad[i].len : strlen(bad[i].line);
		tl = strlen(good);
		memcpy(text, good, tl);
		memcpy(text + tl, bad[i].line, len);
		tl += len;
		/* Then a good line after it: the bad one is line 2. */
		text[tl++] = '\n';
		memcpy(text + tl, good, strlen(good));
		tl += strlen(good);
		r = (void *)1;
		n = 99;
		if (ir_maps_parse(text, tl, &r, &n, &e) != IR_EFORMAT)
			fail_msg("bad line %zu accepted: '%s'", i, bad[i].line);
		assert_int_equal(e.code, IR_EFORMAT);
		assert_null(r);
		assert_int_equal(n, 0);
		if (strstr(e.msg, "maps line 2:") == NULL)
			fail_msg("'%s' does not name line 2", e.msg);
	}
}

/* ---- a live child ---- */

static void
test_child_marker(void **state)
{
	const struct ir_region *r, *rg;
	struct ir_proc *p;
	struct ir_err e;
	struct kid k;
	unsigned char *b, *q, c;
	char exe[PATH_MAX];
	uint64_t holes, found = 0, tholes = 0;
	size_t n, i, hits = 0, got;
	ssize_t len;

	(void)state;
	kid_start(&k);
	p = open_or_skip(k.pid);
	assert_int_equal(ir_proc_pid(p), k.pid);
	assert_string_equal(ir_proc_comm(p), KID_COMM);
	assert_true((len = readlink("/proc/self/exe", exe, sizeof(exe) - 1))
	    > 0);
	exe[len] = '\0';
	assert_string_equal(ir_proc_exe(p), exe);
	assert_true(ir_proc_start_time(p) > 0);
	assert_true(ir_proc_same(p));

	r = ir_proc_regions(p, &n);
	assert_true(n > 5);
	for (i = 0; i < n; i++) {
		if (!ir_region_scannable(&r[i]) ||
		    r[i].end - r[i].start > REGION_MAX)
			continue;
		b = readmem(p, r[i].start, r[i].end - r[i].start, &holes);
		tholes += holes;
		for (q = b; (q = memmem(q, r[i].end - r[i].start -
		    (size_t)(q - b), k.marker, MARKLEN)) != NULL; q++) {
			found = r[i].start + (uint64_t)(q - b);
			hits++;
		}
		free(b);
	}
	assert_true(ir_proc_same(p));
	print_message("# %zu regions, %llu bytes of holes in the scannable "
	    "ones\n", n, (unsigned long long)tholes);
	assert_int_equal(hits, 1);
	assert_int_equal(found, k.m.heap);
	rg = region_at(p, found);
#ifdef UT_ASAN
	/* ASan's allocator takes its chunks from anonymous mappings. */
	assert_string_equal(rg->path, "");
	assert_string_equal(rg->perms, "rw-p");
#else
	assert_string_equal(rg->path, "[heap]");
#endif

	/* Shared anonymous memory: /dev/zero (deleted), read. */
	rg = region_at(p, k.m.shared);
	assert_string_equal(rg->path, "/dev/zero (deleted)");
	assert_int_not_equal(rg->devmap, 1);
	assert_true(ir_region_scannable(rg));
	b = readmem(p, k.m.shared, pg, &holes);
	assert_true(all(b, pg, 0x3c));
	assert_int_equal(holes, 0);
	free(b);

	/* A regular file: known not a device when map_files can be read. */
	rg = region_at(p, k.m.file);
	assert_int_equal(rg->devmap, geteuid() == 0 ? 0 : -1);

	/* The process exits: reads say so, and it is not "the same". */
	kid_end(&k);
	assert_int_equal(ir_proc_read(p, k.m.heap, &c, 1, &got, &holes, &e),
	    IR_ENOENT);
	assert_int_equal(e.code, IR_ENOENT);
	assert_non_null(strstr(e.msg, "is gone"));
	assert_false(ir_proc_same(p));
	ir_proc_close(p);

	/* And it cannot be opened any more. */
	assert_int_equal(ir_proc_open(&p, k.pid, &e), IR_ENOENT);
	assert_null(p);
}

static void
test_child_holes(void **state)
{
	const struct ir_region *r;
	struct ir_proc *p;
	struct ir_err e;
	struct kid k;
	unsigned char *b, two[2];
	uint64_t holes;
	size_t got;

	(void)state;
	kid_start(&k);
	p = open_or_skip(k.pid);

	/* A file mapped over 3 pages, 1 long: pages 2 and 3 cannot be read. */
	r = region_at(p, k.m.file);
	assert_int_equal(r->start, k.m.file);
	assert_int_equal(r->end, k.m.file + 3 * pg);
	assert_true(ir_region_scannable(r));
	b = readmem(p, k.m.file, 3 * pg, &holes);
	assert_int_equal(holes, 2 * pg);
	assert_true(all(b, pg, 0x77));
	assert_true(all(b + pg, 2 * pg, 0));
	free(b);
	/* From the middle of a page, a few bytes: the hole is what was asked. */
	b = readmem(p, k.m.file + pg + 100, 50, &holes);
	assert_int_equal(holes, 50);
	assert_true(all(b, 50, 0));
	free(b);
	b = readmem(p, k.m.file + pg - 10, 20, &holes);
	assert_int_equal(holes, 10);
	assert_true(all(b, 10, 0x77));
	assert_true(all(b + 10, 10, 0));
	free(b);

	/* An unmapped page between two mapped ones. */
	b = readmem(p, k.m.gap, 3 * pg, &holes);
	assert_int_equal(holes, pg);
	assert_true(all(b, pg, 0x11));
	assert_true(all(b + pg, pg, 0));
	assert_true(all(b + 2 * pg, pg, 0x11));
	free(b);

	/*
	 * A PROT_NONE page in the middle: its own region, not scanned.  Read
	 * anyway, /proc/PID/mem (FOLL_FORCE) gives its bytes on kernels
	 * that force (the default, proc_mem.force_override=always); a
	 * kernel built or booted not to gives a hole.
	 */
	r = region_at(p, k.m.prot);
	assert_string_equal(r->perms, "rw-p");
	assert_true(ir_region_scannable(r));
	r = region_at(p, k.m.prot + pg);
	assert_int_equal(r->start, k.m.prot + pg);
	assert_int_equal(r->end, k.m.prot + 2 * pg);
	assert_string_equal(r->perms, "---p");
	assert_false(ir_region_scannable(r));
	r = region_at(p, k.m.prot + 2 * pg);
	assert_string_equal(r->perms, "rw-p");
	b = readmem(p, k.m.prot, 3 * pg, &holes);
	assert_true(all(b, pg, 0xa5));
	assert_true(all(b + 2 * pg, pg, 0xc3));
	if (holes == 0) {
		assert_true(all(b + pg, pg, 0x5a));
		print_message("# PROT_NONE page read through /proc/PID/mem "
		    "(FOLL_FORCE): its bytes, no hole\n");
	} else {
		assert_int_equal(holes, pg);
		assert_true(all(b + pg, pg, 0));
		print_message("# PROT_NONE page: a hole\n");
	}
	free(b);

	/* Past 2^63 pread cannot go. */
	assert_int_equal(ir_proc_read(p, 0xffffffffff600000ULL, two, 1, &got,
	    NULL, &e), IR_EINVAL);
	assert_int_equal(got, 0);
	assert_int_equal(ir_proc_read(p, (uint64_t)INT64_MAX, two, 2, &got,
	    NULL, &e), IR_EINVAL);
	ir_proc_close(p);
	kid_end(&k);
}

/* exec replaces the address space: the opened one reads as gone. */
static void
test_child_exec(void **state)
{
	struct ir_proc *p;
	struct ir_err e;
	unsigned char c;
	uint64_t holes;
	size_t got, n;
	pid_t pid;
	int go[2], execd[2], st;
	const struct ir_region *r;

	(void)state;
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe2(execd, O_CLOEXEC), 0);
	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		(void)close(go[1]);
		(void)close(execd[0]);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		execl("/bin/sleep", "sleep", "600", (char *)NULL);
		_exit(2);
	}
	(void)close(go[0]);
	(void)close(execd[1]);
	p = NULL;
	if (ir_proc_open(&p, pid, &e) != IR_OK) {
		(void)kill(pid, SIGKILL);
		(void)waitpid(pid, &st, 0);
		if (e.code == IR_EIO)
			skip();
		fail_msg("%s", e.msg);
	}
	r = ir_proc_regions(p, &n);
	assert_true(n > 0);
	assert_int_equal(write(go[1], "x", 1), 1);
	/* EOF once exec has closed the child's end (O_CLOEXEC). */
	assert_int_equal(read(execd[0], &c, 1), 0);
	assert_int_equal(ir_proc_read(p, r[0].start, &c, 1, &got, &holes, &e),
	    IR_ENOENT);
	/* Still the same process, a new image: same() is about the pid. */
	assert_true(ir_proc_same(p));
	ir_proc_close(p);
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	(void)close(go[1]);
	(void)close(execd[0]);
}

/* ---- this process, the list, what is refused ---- */

static unsigned char selfbuf[3 * 4096 + 7];

static void
test_self(void **state)
{
	struct ir_proc *p;
	struct ir_err e;
	unsigned char *b;
	uint64_t holes;

	(void)state;
	ut_fill(selfbuf, sizeof(selfbuf), 1929);
	/* One's own memory needs no privilege. */
	if (ir_proc_open(&p, getpid(), &e) != IR_OK)
		fail_msg("%s", e.msg);
	b = readmem(p, (uintptr_t)selfbuf, sizeof(selfbuf), &holes);
	assert_int_equal(holes, 0);
	assert_memory_equal(b, selfbuf, sizeof(selfbuf));
	free(b);
	assert_true(ir_proc_same(p));
	ir_proc_close(p);
	ir_proc_close(NULL);
}

static void
test_list(void **state)
{
	pid_t *pids, kid;
	struct ir_err e;
	size_t n, i;
	int me = 0, sawkid = 0, fds[2], st;
	char c;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_true((kid = fork()) >= 0);
	if (kid == 0) {
		(void)close(fds[1]);
		(void)read(fds[0], &c, 1);
		_exit(0);
	}
	(void)close(fds[0]);
	if (ir_proc_list(&pids, &n, &e) != IR_OK)
		fail_msg("%s", e.msg);
	assert_true(n >= 2);
	for (i = 0; i < n; i++) {
		assert_true(pids[i] > 0);
		if (i > 0)
			assert_true(pids[i] > pids[i - 1]);
		me |= pids[i] == getpid();
		sawkid |= pids[i] == kid;
	}
	assert_true(me);
	assert_true(sawkid);
	free(pids);
	(void)close(fds[1]);
	assert_int_equal(waitpid(kid, &st, 0), kid);
}

static void
test_gone_and_bad(void **state)
{
	struct ir_proc *p = (void *)1;
	struct ir_err e;
	pid_t kid;
	int st;

	(void)state;
	/* Above any pid_max (2^22). */
	assert_int_equal(ir_proc_open(&p, INT_MAX - 1, &e), IR_ENOENT);
	assert_null(p);
	assert_non_null(strstr(e.msg, "is gone"));
	assert_int_equal(ir_proc_open(&p, 0, &e), IR_EINVAL);
	assert_int_equal(ir_proc_open(&p, -1, &e), IR_EINVAL);
	/* A child just reaped (its pid is not reused this soon). */
	assert_true((kid = fork()) >= 0);
	if (kid == 0)
		_exit(0);
	assert_int_equal(waitpid(kid, &st, 0), kid);
	assert_int_equal(ir_proc_open(&p, kid, &e), IR_ENOENT);
}

/* Kernel threads have no memory: no regions, no exe. */
static void
test_kernel_thread(void **state)
{
	char line[256];
	struct ir_proc *p;
	struct ir_err e;
	size_t n, got;
	FILE *fp;

	(void)state;
	if ((fp = fopen("/proc/2/stat", "r")) == NULL)
		skip();
	if (fgets(line, sizeof(line), fp) == NULL)
		line[0] = '\0';
	(void)fclose(fp);
	if (strncmp(line, "2 (kthreadd)", 12) != 0)
		skip();		/* a pid namespace */
	/* Not ours: the ptrace check refuses even a thread with no memory. */
	p = open_or_skip(2);
	(void)ir_proc_regions(p, &n);
	assert_int_equal(n, 0);
	assert_string_equal(ir_proc_exe(p), "");
	assert_string_equal(ir_proc_comm(p), "kthreadd");
	assert_true(ir_proc_same(p));
	assert_int_equal(ir_proc_read(p, 0x1000, line, 1, &got, NULL, &e),
	    IR_ENOENT);
	ir_proc_close(p);
}

/*
 * Without privilege, another user's process is refused with EACCES or
 * EPERM and a message that says why.  As root: a child drops to nobody
 * and tries its parent.
 */
static int
try_denied(pid_t pid)
{
	struct ir_proc *p;
	struct ir_err e;

	if (ir_proc_open(&p, pid, &e) != IR_EIO ||
	    (e.sys_errno != EACCES && e.sys_errno != EPERM) ||
	    strstr(e.msg, "ptrace") == NULL ||
	    strstr(e.msg, "CAP_SYS_PTRACE") == NULL)
		return 1;
	return 0;
}

static void
test_denied(void **state)
{
	pid_t kid, parent = getpid();
	int st;

	(void)state;
	if (geteuid() != 0) {
		if (access("/proc/1/stat", R_OK) != 0)
			skip();
		assert_int_equal(try_denied(1), 0);
		return;
	}
	assert_true((kid = fork()) >= 0);
	if (kid == 0) {
		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(2);
		_exit(try_denied(parent));
	}
	assert_int_equal(waitpid(kid, &st, 0), kid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_maps_self),
		cmocka_unit_test(test_maps_tricky),
		cmocka_unit_test(test_maps_malformed),
		cmocka_unit_test(test_child_marker),
		cmocka_unit_test(test_child_holes),
		cmocka_unit_test(test_child_exec),
		cmocka_unit_test(test_self),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_gone_and_bad),
		cmocka_unit_test(test_kernel_thread),
		cmocka_unit_test(test_denied),
	};

	pg = (size_t)sysconf(_SC_PAGESIZE);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
