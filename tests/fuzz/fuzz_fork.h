/*
 * fuzz_fork.h: each input's check of a disk image run in a forked child,
 * for the harnesses that reach libtsk (fuzz_fs.c, fuzz_fsdir.c).  A
 * harness defines, then includes this once:
 *	FORK_NAME	its name after "fuzz_" ("fs"), for messages and the
 *			image's directory;
 *	FORK_INPROCESS	the variable that, set, runs the check in this
 *			process, to debug a reproducer under a debugger
 *			(leaks are only checked in-process);
 *	CHILD_SECONDS	the child's alarm;
 * and has LLVMFuzzerTestOneInput return fork_run(data, size, check), where
 * check reads the image at img_path and calls FAIL() on a broken promise.
 *
 * Why a child (ir_worker_run, as ir-walk runs libtsk): in-process,
 * libtsk 4.11 ended fuzz_fs's run within a minute (a 3.6 GB blow-up in
 * ext2fs_inode_walk's orphan search, found at about 150 exec/s), and a
 * crafted extent tree makes tsk_fs_dir_open spin for minutes in
 * tsk_fs_attr_append_run: `make check` gives each fuzzer 20 s, so CI
 * would fail on libtsk, not on us.  Forked, fuzz_fs does about 40 exec/s
 * here against 150 to 180 in-process, most of the difference being
 * libtsk deadlocks (tsk_fs_dir_find_orphans takes its own lock again) cut
 * at CHILD_SECONDS, which in-process would hang the run for good:
 *  - a broken promise makes the child report "V" and the parent abort(),
 *    so libFuzzer keeps the input as usual;
 *  - a sanitizer report in the child is ours ("M": the innermost frame
 *    outside the sanitizer runtime is in libir/ or tests/fuzz/, and the
 *    parent aborts) or libtsk's ("T": noted on stderr, not fatal), and
 *    a child killed by a signal or by CHILD_SECONDS is libtsk's;
 *  - the child sends its coverage counters back and the parent merges
 *    them, or libFuzzer would fuzz blind.
 *
 * The image is a file under one directory made at start-up (in /dev/shm
 * when there is one: no disk I/O), rewritten for each input: ir_img_open
 * refuses /proc/self/fd links, so a memfd cannot be used.
 */
#include <sys/stat.h>

#include <sanitizer/common_interface_defs.h>
#include <elf.h>
#include <execinfo.h>
#include <link.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ir.h>

const char *__lsan_default_suppressions(void);
const char *__asan_default_options(void);

/*
 * Added to tests/lsan.supp's: libtsk 4.11's tsk_vs_open leaks the DOS
 * volume system it found in a GPT disk's protective MBR when GPT wins
 * (the DOS and its partitions point at each other: "indirect" leaks
 * only).  ir_fs_parts closes what tsk_vs_open returns.
 */
const char *
__lsan_default_suppressions(void)
{
	return "leak:tsk_vs_dos_open\n";
}

/*
 * libtsk sizes some allocations from the image (4 GiB callocs under
 * tsk_fs_file_open_meta on a mangled inode) and copes with NULL.  Have
 * ASan return NULL past 2047 MiB, as a real host without that much memory
 * would, rather than libFuzzer calling it an out-of-memory crash at its
 * -malloc_limit_mb (the -rss_limit_mb, 2048): memory really used is
 * still bounded by -rss_limit_mb.  libir itself has no allocation
 * anywhere near that size; one would show as IR_ENOMEM here.
 */
const char *
__asan_default_options(void)
{
	return "allocator_may_return_null=1:max_allocation_size_mb=2047:"
	    "quarantine_size_mb=16";	/* a smaller parent forks faster */
}

/*
 * libFuzzer's coverage counters (section __sancov_cntrs), found in our
 * own ELF file: naming cntrs here would make the
 * compiler's module constructor lose them.
 */
static uint8_t *cntrs, *cntrs_end;

static int child_fd = -1;		/* in the child: the pipe */
static int forked = 1;			/* FORK_INPROCESS set: 0 */

/* A broken promise: in the child, tell the parent, which aborts. */
#define FAIL()	fail(__LINE__)
static void
fail(int line)
{
	if (child_fd != -1) {
		(void)dprintf(child_fd, "V fuzz_" FORK_NAME ".c:%d: property "
		    "broken\n", line);
		_exit(3);
	}
	(void)fprintf(stderr, "fuzz_" FORK_NAME ".c:%d: property broken\n",
	    line);
	abort();
}

static char img_path[4096];
static char img_dir[4096];
static int img_fd = -1;

static void
cleanup(void)
{
	if (img_fd != -1)
		(void)close(img_fd);
	(void)unlink(img_path);
	(void)rmdir(img_dir);
}

static int
phdr_base(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	*(uintptr_t *)arg = (uintptr_t)info->dlpi_addr;
	return 1;		/* the first object is the executable */
}

/* Where the counters section of /proc/self/exe is loaded. */
static void
find_counters(void)
{
	Elf64_Ehdr eh;
	Elf64_Shdr sh, strsh;
	char name[32];
	uintptr_t base = 0;
	int fd, i;

	if ((fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC)) == -1)
		return;
	if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    pread(fd, &strsh, sizeof(strsh), (off_t)(eh.e_shoff +
	    (uint64_t)eh.e_shstrndx * eh.e_shentsize)) != (ssize_t)sizeof(strsh))
		goto out;
	(void)dl_iterate_phdr(phdr_base, &base);
	for (i = 0; i < eh.e_shnum; i++) {
		if (pread(fd, &sh, sizeof(sh), (off_t)(eh.e_shoff +
		    (uint64_t)i * eh.e_shentsize)) != (ssize_t)sizeof(sh) ||
		    pread(fd, name, sizeof(name), (off_t)(strsh.sh_offset +
		    sh.sh_name)) <= 0)
			break;
		name[sizeof(name) - 1] = '\0';
		if (strcmp(name, "__sancov_cntrs") == 0) {
			cntrs = (uint8_t *)(base + sh.sh_addr);
			cntrs_end = cntrs + sh.sh_size;
			break;
		}
	}
out:
	(void)close(fd);
}

static void
setup(void)
{
	const char *t = getenv("TMPDIR");
	struct stat st;

	if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
	    access("/dev/shm", W_OK) == 0)
		t = "/dev/shm";
	else if (t == NULL || *t == '\0')
		t = "/tmp";
	(void)snprintf(img_dir, sizeof(img_dir),
	    "%s/irkit-fuzz-" FORK_NAME ".XXXXXX", t);
	if (mkdtemp(img_dir) == NULL) {
		perror(img_dir);
		abort();
	}
	(void)snprintf(img_path, sizeof(img_path), "%s/disk.img", img_dir);
	if ((img_fd = open(img_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1) {
		perror(img_path);
		abort();
	}
	(void)atexit(cleanup);
	forked = getenv(FORK_INPROCESS) == NULL;
	if (forked) {	/* fail early, not with a blind fuzzer */
		find_counters();
		if (cntrs == NULL) {
			(void)fprintf(stderr, "fuzz_" FORK_NAME ": no coverage "
			    "counters found: the forked check would run "
			    "blind\n");
			abort();
		}
	}
}

static void
put_image(const uint8_t *data, size_t size)
{
	size_t off = 0;
	ssize_t w;

	while (off < size) {
		w = pwrite(img_fd, data + off, size - off, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			perror("pwrite");
			abort();
		}
		off += (size_t)w;
	}
	if (ftruncate(img_fd, (off_t)size) != 0) {
		perror("ftruncate");
		abort();
	}
}

/*
 * Where did the child's fatal sanitizer report come from?  The innermost
 * frame that is either in a shared library (libtsk, libc ...: "theirs")
 * or in our sources (libir/, tests/fuzz/: "ours"); the sanitizer
 * runtime's own frames are skipped.  Unknown counts as ours.
 */
static void
on_death(void)
{
	void *pcs[64];
	char where[1024];
	int i, n;

	if (child_fd == -1)
		return;
	n = backtrace(pcs, 64);
	for (i = 0; i < n; i++) {
		__sanitizer_symbolize_pc((char *)pcs[i] - 1, "%m|%s", where,
		    sizeof(where));
		if (strstr(where, ".so") != NULL &&
		    strstr(where, "libtsk") != NULL) {
			(void)dprintf(child_fd, "T %s\n", where);
			return;
		}
		if (strstr(where, "/libir/") != NULL ||
		    strstr(where, "/tests/fuzz/") != NULL) {
			(void)dprintf(child_fd, "M %s\n", where);
			return;
		}
	}
	(void)dprintf(child_fd, "M unknown frame\n");
}

struct input {
	void		(*check)(const uint8_t *, size_t);
	const uint8_t	*data;
	size_t		 size;
};

/* Child: the check, then its coverage counters for the parent to merge. */
static int
child(int fd, void *arg)
{
	const struct input *in = arg;
	static const char hex[] = "0123456789abcdef";
	char buf[4096];
	size_t i, n = 0;

	child_fd = fd;
	/*
	 * Not libFuzzer's handlers: they would write a crash file for the
	 * child's libtsk abort() or CHILD_SECONDS, or exit 0 on SIGTERM.
	 * Sanitizer reports go to on_death, not to libFuzzer's callback.
	 */
	(void)signal(SIGABRT, SIG_DFL);
	(void)signal(SIGILL, SIG_DFL);
	(void)signal(SIGALRM, SIG_DFL);
	(void)signal(SIGTERM, SIG_DFL);
	(void)signal(SIGINT, SIG_DFL);
	__sanitizer_set_death_callback(on_death);
	(void)alarm(CHILD_SECONDS);
	in->check(in->data, in->size);
	if (cntrs == NULL)
		return 0;
	buf[n++] = 'C';
	buf[n++] = ' ';
	for (i = 0; cntrs + i < cntrs_end; i++) {
		if (n + 3 > sizeof(buf)) {
			if (ir_write_full(fd, buf, n) != (ssize_t)n)
				return 1;
			n = 0;
		}
		buf[n++] = hex[cntrs[i] >> 4];
		buf[n++] = hex[cntrs[i] & 15];
	}
	buf[n++] = '\n';
	return ir_write_full(fd, buf, n) != (ssize_t)n;
}

struct relay {
	int	 ours;		/* a breach or a crash in our code */
	int	 theirs;	/* a crash inside libtsk */
};

static int
hexval(char c)
{
	return c >= 'a' ? c - 'a' + 10 : c - '0';
}

/* Parent: merge the child's coverage, note what it reported. */
static int
sink(const char *buf, size_t n, void *arg)
{
	struct relay *r = arg;
	const char *line, *nl, *end = buf + n;
	size_t i, len;
	uint8_t v;

	for (line = buf; line < end; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(end - line));
		len = (size_t)(nl - line);
		if (len >= 2 && line[0] == 'C' && cntrs != NULL) {
			for (i = 0; 2 + 2 * i + 1 < len &&
			    cntrs + i < cntrs_end;
			    i++) {
				v = (uint8_t)(hexval(line[2 + 2 * i]) << 4 |
				    hexval(line[3 + 2 * i]));
				if (v > cntrs[i])
					cntrs[i] = v;
			}
		} else if (len >= 1 && (line[0] == 'V' || line[0] == 'M')) {
			(void)fprintf(stderr, "fuzz_" FORK_NAME ": child: "
			    "%.*s\n", (int)len, line);
			r->ours = 1;
		} else if (len >= 1 && line[0] == 'T') {
			(void)fprintf(stderr, "fuzz_" FORK_NAME ": libtsk "
			    "crash: %.*s\n", (int)len, line);
			r->theirs = 1;
		}
	}
	return 0;
}

/* One input: the image written, then check run in a child (or here). */
static int
fork_run(const uint8_t *data, size_t size,
    void (*check)(const uint8_t *, size_t))
{
	struct input in = { check, data, size };
	struct relay r = { 0, 0 };
	struct ir_worker_end end;
	struct ir_err e;

	if (img_fd == -1)
		setup();
	put_image(data, size);
	if (!forked) {
		check(data, size);
		return 0;
	}
	if (ir_worker_run(child, &in, sink, &r, &end, &e) != IR_OK) {
		(void)fprintf(stderr, "fuzz_" FORK_NAME ": %s\n", e.msg);
		abort();
	}
	/*
	 * A breach or a memory error in our code is a crash here, where
	 * libFuzzer keeps the input.  A child killed otherwise (SIGALRM, a
	 * libtsk crash, a sanitizer exit without a report of ours) is
	 * libtsk's: noted, not fatal.
	 */
	if (r.ours)
		abort();
	if ((end.signal != 0 || end.status != 0) && !r.theirs)
		(void)fprintf(stderr, "fuzz_" FORK_NAME ": child ended by "
		    "signal %d, status %d\n", end.signal, end.status);
	return 0;
}
