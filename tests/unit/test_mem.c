/*
 * mem: /proc/iomem parsing, kcore mapping over synthetic kcore-shaped
 * ELF64 headers (good and hostile), LiME headers, the fixture that the
 * CLI tests use, and the real /proc/kcore when this host has one.
 */
#include "unit.h"

#include <sys/stat.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>

#define NOPADDR	UINT64_MAX		/* p_paddr of vmalloc and the like */
#define D	0x7fff70000000ULL	/* a kcore-like file offset base */

/* One program header of a synthetic kcore. */
struct seg {
	uint32_t	 type;
	uint64_t	 paddr, off, size;
};

/* Parse text, which must succeed; returns the ranges (free them). */
static struct ir_mem_range *
iomem(const char *text, size_t *nr)
{
	struct ir_mem_range *r;
	struct ir_err e;

	if (ir_mem_iomem_ram(text, strlen(text), &r, nr, &e) != IR_OK)
		fail_msg("iomem: %s", e.msg);
	return r;
}

/* Parse text, which must fail with code; returns the message. */
static void
iomem_bad(const char *text, int code, const char *inmsg)
{
	struct ir_mem_range *r = (void *)1;
	struct ir_err e;
	size_t nr = 99;

	assert_int_equal(ir_mem_iomem_ram(text, strlen(text), &r, &nr, &e),
	    code);
	assert_int_equal(e.code, code);
	assert_null(r);
	assert_int_equal(nr, 0);
	if (strstr(e.msg, inmsg) == NULL)
		fail_msg("'%s' does not say '%s'", e.msg, inmsg);
}

static void
test_iomem_real_layout(void **state)
{
	/* This test host's /proc/iomem (a Firecracker VM), abridged. */
	static const char text[] =
	    "00000000-00000fff : Reserved\n"
	    "00001000-0009fbff : System RAM\n"
	    "0009fc00-000fffff : Reserved\n"
	    "  000de000-000defff : AMZNC10C:00\n"
	    "  000f0000-000fffff : System ROM\n"
	    "00100000-bfffffff : System RAM\n"
	    "  01000000-02209987 : Kernel code\n"
	    "  02400000-02e09fff : Kernel rodata\n"
	    "c0001000-eebfffff : PCI Bus 0000:00\n"
	    "eec00000-febfffff : Reserved\n"
	    "  eec00000-eecfffff : PCI ECAM 0000 [bus 00-00]\n"
	    "    eec00000-eecfffff : PCI Bus 0000:00\n"
	    "100000000-63fffffff : System RAM\n"
	    "4000000000-7fffffffff : PCI Bus 0000:00\n"
	    "  4000000000-400007ffff : 0000:00:01.0\n";
	struct ir_mem_range *r;
	size_t nr;

	(void)state;
	r = iomem(text, &nr);
	assert_int_equal(nr, 3);
	assert_int_equal(r[0].start, 0x1000);
	assert_int_equal(r[0].end, 0x9fc00);
	assert_int_equal(r[1].start, 0x100000);
	assert_int_equal(r[1].end, 0xc0000000ULL);
	assert_int_equal(r[2].start, 0x100000000ULL);
	assert_int_equal(r[2].end, 0x640000000ULL);
	/* As /dev/crash reads it: the offset is the address. */
	assert_int_equal(r[2].off, r[2].start);
	free(r);
}

static void
test_iomem_nesting_and_merging(void **state)
{
	struct ir_mem_range *r;
	size_t nr;

	(void)state;
	/*
	 * Nested System RAM (hot-plugged memory under a device) and other
	 * names are not top-level RAM; out of order, adjacent and
	 * overlapping ranges are sorted and merged; no final newline.
	 */
	r = iomem("00300000-003fffff : System RAM\n"
	    "00100000-001fffff : System RAM\n"
	    "  00110000-0011ffff : System RAM\n"
	    "00200000-002fffff : System RAM\n"
	    "00500000-005fffff : System RAM (kmem)\n"
	    "00600000-006fffff : System RAMx\n"
	    "00700000-007fffff : system ram\n"
	    "00800000-008fffff : Reserved\n"
	    "  00800000-0080ffff : System RAM\n"
	    "00900000-009fffff : System RAM\n"
	    "00980000-00a0ffff : System RAM\n"
	    "FFFF00000-FFFF0FFFF : System RAM", &nr);
	assert_int_equal(nr, 3);
	assert_int_equal(r[0].start, 0x100000);
	assert_int_equal(r[0].end, 0x400000);
	assert_int_equal(r[1].start, 0x900000);
	assert_int_equal(r[1].end, 0xa10000);
	assert_int_equal(r[2].start, 0xffff00000ULL);
	assert_int_equal(r[2].end, 0xffff10000ULL);
	free(r);

	/* 16 hex digits is the most; a one-byte range; empty name line. */
	r = iomem("0000000000000000-0000000000000000 : System RAM\n"
	    "ffffffff00000000-fffffffffffffffe : System RAM\n"
	    "fffffffffffffff0-ffffffffffffffff : \n", &nr);
	assert_int_equal(nr, 2);
	assert_int_equal(r[0].end, 1);
	assert_int_equal(r[1].end, UINT64_MAX);
	free(r);
}

static void
test_iomem_not_root(void **state)
{
	struct ir_mem_range *r;
	struct ir_err e;
	size_t nr;
	static const char zeros[] =
	    "00000000-00000000 : Reserved\n"
	    "00000000-00000000 : System RAM\n"
	    "  00000000-00000000 : Kernel code\n"
	    "00000000-00000000 : System RAM\n";

	(void)state;
	/* What a user without CAP_SYS_ADMIN reads. */
	assert_int_equal(ir_mem_iomem_ram(zeros, strlen(zeros), &r, &nr, &e),
	    IR_EIO);
	assert_int_equal(e.sys_errno, EPERM);
	assert_non_null(strstr(e.msg, "CAP_SYS_ADMIN"));
	assert_null(r);
	iomem_bad("00000000-00000fff : Reserved\n"
	    "  00000000-00000000 : PCI\n", IR_ENOENT, "no System RAM");
}

static void
test_iomem_malformed(void **state)
{
	(void)state;
	iomem_bad("", IR_EFORMAT, "empty");
	iomem_bad("\n", IR_EFORMAT, "line 1");
	iomem_bad("00001000-00001fff : System RAM\n\n", IR_EFORMAT, "line 2");
	iomem_bad("00001000-00001fff : System RAM\n"
	    "00002000-00002fff : Reserved\n"
	    "garbage\n", IR_EFORMAT, "line 3");
	iomem_bad("00001000-00001fff System RAM\n", IR_EFORMAT, "line 1");
	iomem_bad("00001000-00001fff :System RAM\n", IR_EFORMAT, "line 1");
	iomem_bad("00001000 : System RAM\n", IR_EFORMAT, "line 1");
	iomem_bad("00001000- : System RAM\n", IR_EFORMAT, "line 1");
	iomem_bad("-00001000 : System RAM\n", IR_EFORMAT, "line 1");
	iomem_bad("0x1000-0x1fff : System RAM\n", IR_EFORMAT, "line 1");
	iomem_bad("\t00001000-00001fff : System RAM\n", IR_EFORMAT, "line 1");
	iomem_bad("00001000-00001fff", IR_EFORMAT, "line 1");
	/* 17 digits: more than 64 bits. */
	iomem_bad("10000000000000000-10000000000000001 : System RAM\n",
	    IR_EFORMAT, "line 1");
	iomem_bad("00002000-00001fff : Reserved\n", IR_EFORMAT, "below");
	/* RAM up to the last address: its exclusive end does not exist. */
	iomem_bad("fffffffffffff000-ffffffffffffffff : System RAM\n",
	    IR_EFORMAT, "top");
}

/*
 * A kcore-shaped ELF64 core file's headers into buf: the ELF header,
 * then program headers at 64 with 56 bytes each.  Returns the length.
 */
static size_t
mkcore(unsigned char *buf, size_t cap, const struct seg *s, size_t ns)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	size_t i, len = sizeof(eh) + ns * sizeof(ph);

	assert_true(len <= cap);
	memset(buf, 0, cap);
	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(ph);
	eh.e_phnum = (uint16_t)ns;
	memcpy(buf, &eh, sizeof(eh));
	for (i = 0; i < ns; i++) {
		memset(&ph, 0, sizeof(ph));
		ph.p_type = s[i].type;
		ph.p_flags = PF_R | PF_W | PF_X;
		ph.p_offset = s[i].off;
		ph.p_vaddr = 0xffff888000000000ULL + s[i].paddr;
		ph.p_paddr = s[i].paddr;
		ph.p_filesz = ph.p_memsz = s[i].size;
		ph.p_align = 4096;
		memcpy(buf + sizeof(eh) + i * sizeof(ph), &ph, sizeof(ph));
	}
	return len;
}

/* Set a field of the ELF header in place. */
#define EH_SET(buf, field, v) do {					\
	Elf64_Ehdr eh_;							\
	memcpy(&eh_, (buf), sizeof(eh_));				\
	eh_.field = (v);						\
	memcpy((buf), &eh_, sizeof(eh_));				\
} while (0)

static int
map(const unsigned char *buf, size_t n, const struct ir_mem_range *ram,
    size_t nram, struct ir_mem_range **out, size_t *nout, uint64_t *missing,
    struct ir_err *e)
{
	int rc;

	*out = (void *)1;
	rc = ir_mem_kcore_map(buf, n, ram, nram, out, nout, missing, e);
	if (rc != IR_OK) {
		assert_int_equal(e->code, rc);
		assert_null(*out);
		assert_int_equal(*nout, 0);
	}
	return rc;
}

static void
expect(const struct ir_mem_range *r, uint64_t start, uint64_t end,
    uint64_t off)
{
	if (r->start != start || r->end != end || r->off != off)
		fail_msg("got [%#" PRIx64 ", %#" PRIx64 ") at %#" PRIx64
		    ", want [%#" PRIx64 ", %#" PRIx64 ") at %#" PRIx64,
		    r->start, r->end, r->off, start, end, off);
}

static void
test_kcore_map(void **state)
{
	/* Headers out of physical order, as the kernel's list is. */
	static const struct seg segs[] = {
		{ PT_NOTE, 0, 0x1000, 0x800 },
		/* Kernel text: __pa_symbol, inside segment B. */
		{ PT_LOAD, 0x1000000, 0x7fffff000000ULL, 0x2000000 },
		/* vmalloc: no physical address. */
		{ PT_LOAD, NOPADDR, 0x7fc900000000ULL, 0x1000000000ULL },
		{ PT_LOAD, 0x100000000ULL, 0x100000000ULL + D, 0x20000000 },
		{ PT_LOAD, 0x100000, 0x100000 + D, 0x3ff00000 },
		/* Physically after B, elsewhere in the file. */
		{ PT_LOAD, 0x40000000, 0x40000000 + 2 * D, 0x80000000ULL },
		/* Empty: ignored, even at a bogus address. */
		{ PT_LOAD, 0x50, 0x50, 0 },
		{ PT_LOAD, 0x1000, 0x1000 + D, 0x9e000 },
		/* Contiguous with the one at 4 GiB in both: joined. */
		{ PT_LOAD, 0x120000000ULL, 0x120000000ULL + D, 0x8000000 },
		/* After a 128 MiB gap. */
		{ PT_LOAD, 0x130000000ULL, 0x130000000ULL + D, 0x10000000 },
		/* Past every RAM range. */
		{ PT_LOAD, 0x800000000ULL, 0x800000000ULL + D, 0x1000 },
	};
	static const struct ir_mem_range ram[] = {
		{ 0x1000, 0x9fc00, 0x1000 },
		{ 0x100000, 0xc0000000ULL, 0x100000 },
		{ 0x100000000ULL, 0x140000000ULL, 0x100000000ULL },
		/* Not in kcore at all. */
		{ 0x200000000ULL, 0x200001000ULL, 0x200000000ULL },
	};
	unsigned char buf[4096];
	struct ir_mem_range *out;
	struct ir_err e;
	uint64_t missing;
	size_t n, nout, need;

	(void)state;
	n = mkcore(buf, sizeof(buf), segs, sizeof(segs) / sizeof(segs[0]));
	assert_int_equal(ir_mem_kcore_hdrlen(buf, IR_MEM_EHDRLEN, &need, &e),
	    IR_OK);
	assert_int_equal(need, n);
	if (map(buf, n, ram, 4, &out, &nout, &missing, &e) != IR_OK)
		fail_msg("%s", e.msg);
	assert_int_equal(nout, 5);
	/* The last 0xc00 bytes of the first range are in no page. */
	expect(&out[0], 0x1000, 0x9f000, 0x1000 + D);
	/* One RAM range over two segments: two pieces. */
	expect(&out[1], 0x100000, 0x40000000, 0x100000 + D);
	expect(&out[2], 0x40000000, 0xc0000000ULL, 0x40000000 + 2 * D);
	expect(&out[3], 0x100000000ULL, 0x128000000ULL, 0x100000000ULL + D);
	expect(&out[4], 0x130000000ULL, 0x140000000ULL, 0x130000000ULL + D);
	assert_int_equal(missing, 0xc00 + 0x8000000 + 0x1000);
	free(out);

	/* No RAM: nothing mapped, nothing missing. */
	assert_int_equal(map(buf, n, ram, 0, &out, &nout, &missing, &e), IR_OK);
	assert_int_equal(nout, 0);
	assert_null(out);
	assert_int_equal(missing, 0);

	/* A RAM range inside one segment, starting mid-segment. */
	{
		static const struct ir_mem_range mid[] = {
			{ 0x2000, 0x3000, 0 },
			{ 0x1800000, 0x1900000, 0 },
		};
		assert_int_equal(map(buf, n, mid, 2, &out, &nout, &missing,
		    &e), IR_OK);
		assert_int_equal(nout, 2);
		expect(&out[0], 0x2000, 0x3000, 0x2000 + D);
		/* In both text and B: read from B, which starts first. */
		expect(&out[1], 0x1800000, 0x1900000, 0x1800000 + D);
		assert_int_equal(missing, 0);
		free(out);
	}
}

static void
test_kcore_overlaps(void **state)
{
	/* Two segments overlapping partly: each byte taken once. */
	static const struct seg segs[] = {
		{ PT_LOAD, 0x10000, 0x100000, 0x8000 },
		{ PT_LOAD, 0x14000, 0x200000, 0x8000 },
		{ PT_LOAD, 0x15000, 0x300000, 0x1000 },	/* inside both */
	};
	static const struct ir_mem_range ram[] = { { 0x0, 0x100000, 0 } };
	unsigned char buf[512];
	struct ir_mem_range *out;
	struct ir_err e;
	uint64_t missing;
	size_t n, nout;

	(void)state;
	n = mkcore(buf, sizeof(buf), segs, 3);
	assert_int_equal(map(buf, n, ram, 1, &out, &nout, &missing, &e), IR_OK);
	assert_int_equal(nout, 2);
	expect(&out[0], 0x10000, 0x18000, 0x100000);
	expect(&out[1], 0x18000, 0x1c000, 0x204000);
	assert_int_equal(missing, 0x100000 - 0xc000);
	free(out);
}

static void
test_kcore_hostile(void **state)
{
	static const struct seg good[] = {
		{ PT_NOTE, 0, 0x200, 0x100 },
		{ PT_LOAD, 0x1000, 0x1000, 0x1000 },
		{ PT_LOAD, NOPADDR, 0x4000, 0x1000 },
	};
	static const struct ir_mem_range ram[] = { { 0x1000, 0x2000, 0 } };
	unsigned char buf[4096], b[4096];
	struct ir_mem_range *out;
	struct ir_err e;
	uint64_t missing;
	size_t n, nout, need;
	struct seg s[3];

	(void)state;
	n = mkcore(buf, sizeof(buf), good, 3);
	assert_int_equal(map(buf, n, ram, 1, &out, &nout, &missing, &e), IR_OK);
	assert_int_equal(nout, 1);
	free(out);

#define BAD(code, inmsg) do {						\
	assert_int_equal(map(b, n, ram, 1, &out, &nout, &missing, &e),	\
	    (code));							\
	if (strstr(e.msg, (inmsg)) == NULL)				\
		fail_msg("line %d: '%s' does not say '%s'", __LINE__,	\
		    e.msg, (inmsg));					\
} while (0)

	/* Too short for the ELF header, or for its program headers. */
	memcpy(b, buf, n);
	assert_int_equal(map(b, 63, ram, 1, &out, &nout, &missing, &e),
	    IR_EFORMAT);
	assert_int_equal(map(b, n - 1, ram, 1, &out, &nout, &missing, &e),
	    IR_EFORMAT);
	assert_non_null(strstr(e.msg, "need 232"));

	memcpy(b, buf, n);
	b[0] = 'x';
	BAD(IR_EFORMAT, "not an ELF");
	memcpy(b, buf, n);
	b[EI_CLASS] = ELFCLASS32;
	BAD(IR_EUNSUPP, "32-bit");
	b[EI_CLASS] = 9;
	BAD(IR_EFORMAT, "class");
	memcpy(b, buf, n);
	b[EI_DATA] = ELFDATA2MSB;
	BAD(IR_EUNSUPP, "big-endian");
	b[EI_DATA] = 0;
	BAD(IR_EFORMAT, "byte order");
	memcpy(b, buf, n);
	b[EI_VERSION] = 0;
	BAD(IR_EFORMAT, "version");
	memcpy(b, buf, n);
	EH_SET(b, e_type, ET_EXEC);
	BAD(IR_EFORMAT, "not a core");

	/* Program headers: size, position, count. */
	memcpy(b, buf, n);
	EH_SET(b, e_phentsize, 32);
	BAD(IR_EFORMAT, "header size");
	memcpy(b, buf, n);
	EH_SET(b, e_phoff, 8);
	BAD(IR_EFORMAT, "inside the ELF header");
	EH_SET(b, e_phoff, UINT64_MAX - 16);	/* phoff + len wraps */
	BAD(IR_EFORMAT, "end past");
	EH_SET(b, e_phoff, n);			/* past the end of buf */
	BAD(IR_EFORMAT, "need");
	memcpy(b, buf, n);
	EH_SET(b, e_phnum, 65534);		/* needs 3.6 MB, has 232 */
	BAD(IR_EFORMAT, "need 3669968");
	assert_int_equal(ir_mem_kcore_hdrlen(b, n, &need, &e), IR_OK);
	assert_int_equal(need, 64 + 65534 * 56);
	EH_SET(b, e_phentsize, 1000);		/* 65 MB: refused */
	BAD(IR_EFORMAT, "end past");
	assert_int_equal(ir_mem_kcore_hdrlen(b, n, &need, &e), IR_EFORMAT);
	EH_SET(b, e_phnum, PN_XNUM);
	BAD(IR_EUNSUPP, "program headers");
	memcpy(b, buf, n);
	EH_SET(b, e_phnum, 0);			/* no segments at all */
	assert_int_equal(map(b, n, ram, 1, &out, &nout, &missing, &e), IR_OK);
	assert_int_equal(nout, 0);
	assert_int_equal(missing, 0x1000);

	/* Segments whose ranges wrap or do not fit an off_t. */
	memcpy(s, good, sizeof(s));
	s[1].paddr = UINT64_MAX - 0x800;
	n = mkcore(b, sizeof(b), s, 3);
	BAD(IR_EFORMAT, "program header 1: physical range wraps");
	memcpy(s, good, sizeof(s));
	s[1].off = INT64_MAX - 0x800;
	n = mkcore(b, sizeof(b), s, 3);
	BAD(IR_EFORMAT, "program header 1: file range");
	s[1].off = UINT64_MAX - 0x800;
	n = mkcore(b, sizeof(b), s, 3);
	BAD(IR_EFORMAT, "program header 1: file range");
	/* Exactly up to 2^63 - 1 is fine. */
	s[1].off = INT64_MAX - 0x1000;
	n = mkcore(b, sizeof(b), s, 3);
	assert_int_equal(map(b, n, ram, 1, &out, &nout, &missing, &e), IR_OK);
	expect(&out[0], 0x1000, 0x2000, INT64_MAX - 0x1000);
	free(out);

	/* Before Linux 4.11: every p_paddr 0. */
	memcpy(s, good, sizeof(s));
	s[1].paddr = s[2].paddr = 0;
	n = mkcore(b, sizeof(b), s, 3);
	BAD(IR_EUNSUPP, "4.11");
	/* One RAM segment at 0 is real (RAM at address 0 on arm64). */
	s[2].paddr = NOPADDR;
	n = mkcore(b, sizeof(b), s, 3);
	assert_int_equal(map(b, n, ram, 1, &out, &nout, &missing, &e), IR_OK);
	assert_int_equal(nout, 0);
	assert_int_equal(missing, 0x1000);

	/* RAM ranges the caller did not sort, or empty ones. */
	{
		static const struct ir_mem_range unsorted[] = {
			{ 0x3000, 0x4000, 0 }, { 0x1000, 0x2000, 0 },
		};
		static const struct ir_mem_range empty[] = {
			{ 0x3000, 0x3000, 0 },
		};
		n = mkcore(b, sizeof(b), good, 3);
		assert_int_equal(map(b, n, unsorted, 2, &out, &nout,
		    &missing, &e), IR_EINVAL);
		assert_int_equal(map(b, n, empty, 1, &out, &nout, &missing,
		    &e), IR_EINVAL);
	}
#undef BAD
}

static void
test_kcore_load(void **state)
{
	static const struct seg segs[] = {
		{ PT_LOAD, 0x1000, 0x1000, 0x1000 },
	};
	static const struct ir_mem_range ram[] = { { 0x1000, 0x3000, 0 } };
	unsigned char buf[512];
	struct ir_mem_range *out;
	struct ir_err e;
	uint64_t missing;
	size_t n, nout;
	char dir[4096], path[4200];
	int fd;

	(void)state;
	ut_tmpdir(dir, sizeof(dir));
	n = mkcore(buf, sizeof(buf), segs, 1);
	ut_write(dir, "kcore", buf, n);
	ut_write(dir, "short", buf, n - 1);
	ut_write(dir, "tiny", buf, 10);

	assert_true((fd = open(ut_path(path, sizeof(path), dir, "kcore"),
	    O_RDONLY)) >= 0);
	assert_int_equal(ir_mem_kcore_load(fd, path, ram, 1, &out, &nout,
	    &missing, &e), IR_OK);
	assert_int_equal(nout, 1);
	expect(&out[0], 0x1000, 0x2000, 0x1000);
	assert_int_equal(missing, 0x1000);
	free(out);
	(void)close(fd);

	assert_true((fd = open(ut_path(path, sizeof(path), dir, "short"),
	    O_RDONLY)) >= 0);
	assert_int_equal(ir_mem_kcore_load(fd, path, ram, 1, &out, &nout,
	    &missing, &e), IR_EFORMAT);
	assert_non_null(strstr(e.msg, "short"));
	assert_null(out);
	(void)close(fd);
	assert_true((fd = open(ut_path(path, sizeof(path), dir, "tiny"),
	    O_RDONLY)) >= 0);
	assert_int_equal(ir_mem_kcore_load(fd, path, ram, 1, &out, &nout,
	    &missing, &e), IR_EFORMAT);
	assert_non_null(strstr(e.msg, "tiny"));
	(void)close(fd);
	assert_true((fd = open(dir, O_RDONLY | O_DIRECTORY)) >= 0);
	assert_int_equal(ir_mem_kcore_load(fd, dir, ram, 1, &out, &nout,
	    &missing, &e), IR_EIO);
	assert_int_equal(e.sys_errno, EISDIR);
	(void)close(fd);
	ut_rmtree(dir);
}

static void
test_lime_header(void **state)
{
	/* LiME's lime_mem_range_header, written out by hand. */
	static const unsigned char want[IR_LIME_HDRLEN] = {
		0x45, 0x4d, 0x69, 0x4c,		/* "EMiL": 0x4C694D45 LE */
		0x01, 0x00, 0x00, 0x00,		/* version 1 */
		0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* 0x1000 */
		0xff, 0xfb, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00,	/* 0x9fbff */
		0, 0, 0, 0, 0, 0, 0, 0,
	};
	unsigned char h[IR_LIME_HDRLEN], b[IR_LIME_HDRLEN];
	uint64_t s, t;
	struct ir_err e;

	(void)state;
	memset(h, 0xaa, sizeof(h));
	ir_mem_lime_header(h, 0x1000, 0x9fc00);
	assert_memory_equal(h, want, sizeof(want));
	assert_int_equal(ir_mem_lime_parse(h, &s, &t, &e), IR_OK);
	assert_int_equal(s, 0x1000);
	assert_int_equal(t, 0x9fc00);

	/* The extremes: a one-byte range at 0, the last representable. */
	ir_mem_lime_header(h, 0, 1);
	assert_int_equal(ir_mem_lime_parse(h, &s, &t, &e), IR_OK);
	assert_int_equal(s, 0);
	assert_int_equal(t, 1);
	ir_mem_lime_header(h, 0x123456789abcdef0ULL, UINT64_MAX);
	assert_int_equal(ir_mem_lime_parse(h, &s, &t, &e), IR_OK);
	assert_int_equal(s, 0x123456789abcdef0ULL);
	assert_int_equal(t, UINT64_MAX);
	assert_int_equal(h[23], 0xff);
	assert_int_equal(h[22], 0xff);
	assert_int_equal(h[8], 0xf0);

	memcpy(b, want, sizeof(b));
	b[3] = 0x4d;
	assert_int_equal(ir_mem_lime_parse(b, &s, &t, &e), IR_EFORMAT);
	assert_non_null(strstr(e.msg, "magic"));
	memcpy(b, want, sizeof(b));
	b[4] = 2;
	assert_int_equal(ir_mem_lime_parse(b, &s, &t, &e), IR_EFORMAT);
	assert_non_null(strstr(e.msg, "version 2"));
	memcpy(b, want, sizeof(b));
	b[17] = 0x0f;			/* end 0x90fff */
	b[9] = 0xf0;			/* start 0xf000 */
	assert_int_equal(ir_mem_lime_parse(b, &s, &t, &e), IR_OK);
	b[10] = 0x10;			/* start 0x10f000: above the end */
	assert_int_equal(ir_mem_lime_parse(b, &s, &t, &e), IR_EFORMAT);
	assert_non_null(strstr(e.msg, "below"));
	memcpy(b, want, sizeof(b));
	memset(b + 16, 0xff, 8);	/* inclusive end at 2^64 - 1 */
	assert_int_equal(ir_mem_lime_parse(b, &s, &t, &e), IR_EFORMAT);
	/* Reserved bytes are LiME's business, not checked. */
	memcpy(b, want, sizeof(b));
	b[31] = 7;
	assert_int_equal(ir_mem_lime_parse(b, &s, &t, &e), IR_OK);
}

/*
 * Acquire from src (a kcore file) and iomem text as ir-acquire does:
 * the LiME image of every mapped piece, in order, into a file.
 */
static void
acquire(const char *kcore, const char *iomemf, const char *limef,
    uint64_t *nmissing, size_t *npieces)
{
	struct ir_buf ib = IR_BUF_INIT(1 << 20);
	struct ir_mem_range *ram, *out;
	unsigned char h[IR_LIME_HDRLEN];
	static unsigned char chunk[1 << 16];
	struct ir_err e;
	size_t nram = 0, nout, i;
	uint64_t pos, len;
	ssize_t got;
	FILE *fp;
	int fd;

	if (ir_read_file(AT_FDCWD, iomemf, &ib, &e) != IR_OK ||
	    ir_mem_iomem_ram(ib.buf, ib.len, &ram, &nram, &e) != IR_OK)
		fail_msg("%s", e.msg);
	ir_buf_release(&ib);
	assert_true((fd = open(kcore, O_RDONLY)) >= 0);
	if (ir_mem_kcore_load(fd, kcore, ram, nram, &out, &nout, nmissing,
	    &e) != IR_OK)
		fail_msg("%s", e.msg);
	assert_non_null(fp = fopen(limef, "wb"));
	for (i = 0; i < nout; i++) {
		ir_mem_lime_header(h, out[i].start, out[i].end);
		assert_int_equal(fwrite(h, 1, sizeof(h), fp), sizeof(h));
		for (pos = 0; pos < out[i].end - out[i].start; pos += len) {
			len = out[i].end - out[i].start - pos;
			if (len > sizeof(chunk))
				len = sizeof(chunk);
			got = ir_pread_full(fd, chunk, len,
			    (off_t)(out[i].off + pos));
			assert_int_equal(got, len);
			assert_int_equal(fwrite(chunk, 1, len, fp), len);
		}
	}
	assert_int_equal(fclose(fp), 0);
	(void)close(fd);
	*npieces = nout;
	free(ram);
	free(out);
}

static void
test_fixture_mkkcore(void **state)
{
	char dir[4096], k[4200], io[4200], got[4200], line[256];
	uint64_t missing;
	size_t n;

	(void)state;
	if (system("python3 -c '' 2>/dev/null") != 0)
		skip();
	ut_tmpdir(dir, sizeof(dir));
	ut_sh("python3 '%s/tests/fixtures/mkkcore.py' '%s'", IR_SRCDIR, dir);
	acquire(ut_path(k, sizeof(k), dir, "kcore"),
	    ut_path(io, sizeof(io), dir, "iomem"),
	    ut_path(got, sizeof(got), dir, "got.lime"), &missing, &n);
	/* The layout the script documents. */
	assert_int_equal(n, 2);
	ut_sh_line(line, sizeof(line), "sed -n 's/^missing //p' '%s/expected.txt'",
	    dir);
	assert_int_equal(missing, strtoull(line, NULL, 0));
	assert_int_equal(missing, 0x8000 + 0x10000);
	ut_sh("cmp '%s' '%s/expected.lime'", got, dir);
	ut_rmtree(dir);
}

/*
 * The real /proc/kcore of this host, when it has one (CONFIG_PROC_KCORE,
 * root, no lockdown): the mapping must cover nearly all System RAM, lie
 * inside the file, and its first page must read.
 */
static void
test_real_kcore(void **state)
{
	struct ir_buf ib = IR_BUF_INIT(1 << 20);
	struct ir_mem_range *ram, *out;
	unsigned char page[4096];
	struct ir_err e;
	struct stat st;
	uint64_t total = 0, got = 0, missing;
	size_t nram = 0, nout, i;
	int fd;

	(void)state;
	if ((fd = open("/proc/kcore", O_RDONLY | O_CLOEXEC)) == -1) {
		print_message("# /proc/kcore: %s: skipped\n", strerror(errno));
		skip();
	}
	if (ir_read_file(AT_FDCWD, "/proc/iomem", &ib, &e) != IR_OK ||
	    ir_mem_iomem_ram(ib.buf, ib.len, &ram, &nram, &e) != IR_OK) {
		print_message("# /proc/iomem: %s: skipped\n", e.msg);
		ir_buf_release(&ib);
		(void)close(fd);
		skip();
	}
	ir_buf_release(&ib);
	assert_int_equal(fstat(fd, &st), 0);
	if (ir_mem_kcore_load(fd, "/proc/kcore", ram, nram, &out, &nout,
	    &missing, &e) != IR_OK)
		fail_msg("%s", e.msg);
	for (i = 0; i < nram; i++)
		total += ram[i].end - ram[i].start;
	for (i = 0; i < nout; i++) {
		got += out[i].end - out[i].start;
		assert_true(out[i].off + (out[i].end - out[i].start) <=
		    (uint64_t)st.st_size);
	}
	print_message("# /proc/kcore: %zu RAM ranges, %" PRIu64 " bytes; "
	    "%zu pieces, %" PRIu64 " bytes mapped, %" PRIu64 " missing\n",
	    nram, total, nout, got, missing);
	assert_int_equal(got + missing, total);
	/* Only sub-page edges of RAM ranges may be missing. */
	assert_true(missing <= total / 100);
	assert_true(nout > 0);
	assert_int_equal(ir_pread_full(fd, page, sizeof(page),
	    (off_t)out[0].off), sizeof(page));
	free(ram);
	free(out);
	(void)close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iomem_real_layout),
		cmocka_unit_test(test_iomem_nesting_and_merging),
		cmocka_unit_test(test_iomem_not_root),
		cmocka_unit_test(test_iomem_malformed),
		cmocka_unit_test(test_kcore_map),
		cmocka_unit_test(test_kcore_overlaps),
		cmocka_unit_test(test_kcore_hostile),
		cmocka_unit_test(test_kcore_load),
		cmocka_unit_test(test_lime_header),
		cmocka_unit_test(test_fixture_mkkcore),
		cmocka_unit_test(test_real_kcore),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
