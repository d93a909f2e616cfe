/*
 * libFuzzer: a disk image as untrusted input, through libir's image walk:
 * ir_img_open (raw), ir_fs_parts, and for each part ir_fs_open and
 * ir_fs_walk_fs, reading every regular file's content with ir_fs_read.
 * Seeds are tiny images made at fuzz time by seeds-fs.sh (run.sh passes
 * them as a second corpus directory).
 *
 * Besides memory errors, what libir promises (abort() on a breach):
 *  - partition indexes are 0, 1 ... in order, or a single -1;
 *  - a file system that will not open says so with IR_EUNSUPP and a
 *    message;
 *  - every record's path starts with '/', its name lies inside it, its
 *    part is the walked one; with IR_FS_DELETED_ONLY every record is
 *    deleted;
 *  - ir_fs_read: *got <= n, never past the size, and nothing at or past
 *    the end;
 *  - ir_fs_recoverable() <= size, and the same when asked again;
 *  - a callback that returns an error stops the walk: no callback after
 *    it, and the walk returns that error; the stop flag ends the walk
 *    with IR_EINTR once the file being reported is done;
 *  - a file opened again by its inode and attribute (ir_fs_file_open)
 *    has the same size and content as its walk record said.
 *
 * Isolation: each input's check runs in a child (ir_worker_run), as
 * ir-walk runs libtsk.  In-process, libtsk 4.11 ended the run within a
 * minute (a 3.6 GB blow-up in ext2fs_inode_walk's orphan search, found
 * at about 150 exec/s): `make check` gives each fuzzer 20 s, so CI would
 * fail on libtsk, not on us.  Forked: about 40 exec/s here against 150
 * to 180 in-process, most of the difference being libtsk deadlocks
 * (tsk_fs_dir_find_orphans takes its own lock again) cut at
 * CHILD_SECONDS, which in-process would hang the run for good:
 *  - a broken promise makes the child report "V" and the parent abort(),
 *    so libFuzzer keeps the input as usual;
 *  - a sanitizer report in the child is ours ("M": the innermost frame
 *    outside the sanitizer runtime is in libir/ or tests/fuzz/, and the
 *    parent aborts) or libtsk's ("T": noted on stderr, not fatal), and
 *    a child killed by a signal or by CHILD_SECONDS is libtsk's;
 *  - the child sends its coverage counters back and the parent merges
 *    them, or libFuzzer would fuzz blind.
 * IRKIT_FUZZ_FS_INPROCESS=1 runs the check in this process, to debug a
 * reproducer under a debugger.  Leaks are only checked in-process.
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

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);
const char *__lsan_default_suppressions(void);
const char *__asan_default_options(void);

#define FILE_MAX	(1U << 20)	/* content read per file */
#define INPUT_MAX	(16U << 20)	/* content read per input */
#define CHUNK		(64U << 10)
#define REOPEN_MAX	32		/* files opened again by inode */
#define RECORDS_MAX	100000		/* records per file system */
#define CHILD_SECONDS	2		/* libtsk deadlocks, blow-ups: ~10 ms is usual */

enum mode {
	MODE_ALL,		/* every file, content read */
	MODE_DELETED,		/* IR_FS_DELETED_ONLY */
	MODE_RETURN,		/* the callback stops the walk after k */
	MODE_FLAG,		/* the stop flag is set after k */
};

struct seen {
	uint64_t	 inode;
	uint32_t	 attr_type;
	uint16_t	 attr_id;
	uint64_t	 size;
	uint64_t	 sum;		/* of the first FILE_MAX bytes */
	uint64_t	 nread;
};

struct walk {
	struct ir_fs		*fs;
	int			 part;
	enum mode		 mode;
	unsigned int		 k;		/* records before the stop */
	unsigned int		 n;		/* records seen */
	int			 stopped;	/* the callback said stop */
	int			 flagged;	/* the flag was set */
	uint64_t		 flag_inode;	/* in this file's record */
	volatile sig_atomic_t	 stop;
	struct seen		 seen[REOPEN_MAX];
	size_t			 nseen;
};

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
static int forked = 1;			/* IRKIT_FUZZ_FS_INPROCESS=1: 0 */

/* A broken promise: in the child, tell the parent, which aborts. */
#define FAIL()	fail(__LINE__)
static void
fail(int line)
{
	if (child_fd != -1) {
		(void)dprintf(child_fd, "V fuzz_fs.c:%d: property broken\n",
		    line);
		_exit(3);
	}
	(void)fprintf(stderr, "fuzz_fs.c:%d: property broken\n", line);
	abort();
}

static void	on_death(void);
static void	find_counters(void);

static char img_path[4096];
static char img_dir[4096];
static int img_fd = -1;
static uint64_t budget;			/* content bytes left */
static unsigned char chunk[CHUNK];

static void
cleanup(void)
{
	if (img_fd != -1)
		(void)close(img_fd);
	(void)unlink(img_path);
	(void)rmdir(img_dir);
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
	(void)snprintf(img_dir, sizeof(img_dir), "%s/irkit-fuzz-fs.XXXXXX", t);
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
	forked = getenv("IRKIT_FUZZ_FS_INPROCESS") == NULL;
	if (forked) {	/* fail early, not with a blind fuzzer */
		find_counters();
		if (cntrs == NULL) {
			(void)fprintf(stderr, "fuzz_fs: no coverage counters "
			    "found: the forked check would run blind\n");
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

/* FNV-1a, to pick a mode and to compare content read twice. */
static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/*
 * Read up to FILE_MAX bytes of fh's content in chunks, checking the
 * contract of ir_fs_read; the bytes' hash goes to *sum.
 */
static uint64_t
read_content(struct ir_fs_file *fh, uint64_t size, uint64_t *sum)
{
	struct ir_err e;
	uint64_t off = 0, want, limit;
	size_t got, n;

	*sum = 0xcbf29ce484222325ULL;
	limit = size < FILE_MAX ? size : FILE_MAX;
	if (limit > budget)
		limit = budget;
	while (off < limit) {
		want = limit - off;
		n = want < CHUNK ? (size_t)want : CHUNK;
		if (ir_fs_read(fh, off, chunk, n, &got, &e) != IR_OK) {
			if (got != 0 || e.msg[0] == '\0')
				FAIL();
			break;
		}
		if (got > n)
			FAIL();
		if (got == 0)	/* only at the end: not before size */
			break;
		*sum = fnv(*sum, chunk, got);
		off += got;
	}
	budget -= off;
	/* At and past the end: nothing, and no error. */
	if (ir_fs_read(fh, size, chunk, 1, &got, &e) != IR_OK || got != 0)
		FAIL();
	if (size < UINT64_MAX - 7 &&
	    (ir_fs_read(fh, size + 7, chunk, 8, &got, &e) != IR_OK ||
	    got != 0))
		FAIL();
	return off;
}

static int
on_file(const struct ir_fs_ent *ent, void *arg)
{
	struct walk *w = arg;
	const struct ir_file *f = ent->file;
	struct seen *s;
	uint64_t r, sum, nread;

	if (w->stopped || f == NULL)
		FAIL();
	/* After the flag, only the rest of that file's streams. */
	if (w->flagged && f->inode != w->flag_inode)
		FAIL();
	if (++w->n > RECORDS_MAX)
		return IR_ELIMIT;
	if (f->path == NULL || f->path[0] != '/' ||
	    strlen(f->path) != f->pathlen || f->name < f->path ||
	    f->name > f->path + f->pathlen || ent->part != w->part ||
	    f->part != w->part || ent->fstype == NULL || ent->fh == NULL)
		FAIL();
	if (w->mode == MODE_DELETED && !f->deleted)
		FAIL();
	if (S_ISREG(f->mode) && budget > 0) {
		r = ir_fs_recoverable(ent->fh);
		if (r > f->size || ir_fs_recoverable(ent->fh) != r)
			FAIL();
		nread = read_content(ent->fh, f->size, &sum);
		if (w->nseen < REOPEN_MAX && !f->no_meta) {
			s = &w->seen[w->nseen++];
			s->inode = f->inode;
			s->attr_type = f->attr_type;
			s->attr_id = f->attr_id;
			s->size = f->size;
			s->sum = sum;
			s->nread = nread;
		}
	}
	if (w->mode == MODE_RETURN && w->n >= w->k) {
		w->stopped = 1;
		return IR_EIO;
	}
	if (w->mode == MODE_FLAG && w->n >= w->k && !w->flagged) {
		w->flagged = 1;
		w->flag_inode = f->inode;
		w->stop = 1;
	}
	return IR_OK;
}

/* Open again by inode what the walk read: the same size and bytes. */
static void
reopen(struct walk *w)
{
	struct ir_fs_file *fh;
	const struct ir_file *f;
	struct ir_err e;
	uint64_t sum, nread, saved;
	size_t i;

	for (i = 0; i < w->nseen; i++) {
		const struct seen *s = &w->seen[i];

		if (ir_fs_file_open(&fh, w->fs, NULL, s->inode, s->attr_type,
		    s->attr_id, &e) != IR_OK) {
			if (fh != NULL || e.msg[0] == '\0')
				FAIL();
			continue;
		}
		f = ir_fs_file_info(fh);
		if (f->size != s->size || f->inode != s->inode ||
		    f->path == NULL || ir_fs_recoverable(fh) > f->size)
			FAIL();
		saved = budget;
		budget = s->nread;	/* the same bytes as in the walk */
		nread = read_content(fh, f->size, &sum);
		budget = saved;
		if (nread != s->nread || sum != s->sum)
			FAIL();
		ir_fs_file_close(fh);
	}
}

static void
walk_part(struct ir_img *img, const struct ir_fs_part *p, enum mode mode,
    unsigned int k)
{
	struct ir_fs_opts o = { 0, -1, NULL };
	struct ir_fs *fs;
	struct ir_err e;
	struct walk *w;
	int rc;

	if ((rc = ir_fs_open(&fs, img, p, &e)) != IR_OK) {
		if (rc != IR_EUNSUPP || fs != NULL || e.msg[0] == '\0')
			FAIL();
		return;
	}
	if (ir_fs_type(fs) == NULL)
		FAIL();
	if ((w = calloc(1, sizeof(*w))) == NULL)
		FAIL();
	w->fs = fs;
	w->part = p->index;
	w->mode = mode;
	w->k = k;
	if (mode == MODE_DELETED)
		o.flags = IR_FS_DELETED_ONLY;
	o.stop = &w->stop;
	rc = ir_fs_walk_fs(fs, &o, on_file, w, &e);
	if (w->stopped && rc != IR_EIO)
		FAIL();
	if (!w->stopped && !w->flagged && w->n <= RECORDS_MAX &&
	    rc != IR_OK && rc != IR_EFORMAT)
		FAIL();
	if (rc != IR_OK && e.msg[0] == '\0')
		FAIL();
	/* The flag set before the walk's end: it ends with IR_EINTR. */
	if (w->flagged && rc != IR_OK && rc != IR_EINTR && rc != IR_EFORMAT)
		FAIL();
	reopen(w);
	free(w);
	ir_fs_close(fs);
}

/* The whole check of one image: libtsk's work, in the child when forked. */
static void
check_image(const uint8_t *data, size_t size)
{
	struct ir_fs_part *parts;
	struct ir_img *img;
	struct ir_err e;
	uint64_t h;
	size_t n, i;
	enum mode mode;
	unsigned int k;

	if (ir_img_open(&img, img_path, "raw", &e) != IR_OK) {
		if (e.msg[0] == '\0')
			FAIL();
		return;
	}
	if (ir_img_info(img)->size != size)
		FAIL();
	/* Half the inputs walk everything; the rest test deletion and stops. */
	h = fnv(0xcbf29ce484222325ULL, data, size < 4096 ? size : 4096);
	h = fnv(h, &size, sizeof(size));
	mode = (h & 7) < 4 ? MODE_ALL : (enum mode)((h & 7) - 3);
	if (mode > MODE_FLAG)
		mode = MODE_ALL;
	k = 1 + (unsigned int)((h >> 8) % 40);
	budget = INPUT_MAX;
	if (ir_fs_parts(img, &parts, &n, &e) == IR_OK) {
		for (i = 0; i < n; i++)
			if (parts[i].index != (n == 1 && parts[0].index == -1 ?
			    -1 : (int)i))
				FAIL();
		for (i = 0; i < n; i++)
			walk_part(img, &parts[i], mode, k);
		free(parts);
	} else if (e.msg[0] == '\0')
		FAIL();
	ir_img_close(img);
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
	check_image(in->data, in->size);
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
			(void)fprintf(stderr, "fuzz_fs: child: %.*s\n",
			    (int)len, line);
			r->ours = 1;
		} else if (len >= 1 && line[0] == 'T') {
			(void)fprintf(stderr, "fuzz_fs: libtsk crash: %.*s\n",
			    (int)len, line);
			r->theirs = 1;
		}
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct relay r = { 0, 0 };
	struct ir_worker_end end;
	struct ir_err e;

	if (img_fd == -1)
		setup();
	put_image(data, size);
	if (!forked) {
		check_image(data, size);
		return 0;
	}
	if (ir_worker_run(child, &in, sink, &r, &end, &e) != IR_OK) {
		(void)fprintf(stderr, "fuzz_fs: %s\n", e.msg);
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
		(void)fprintf(stderr, "fuzz_fs: child ended by signal %d, "
		    "status %d\n", end.signal, end.status);
	return 0;
}
