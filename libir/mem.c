#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ir/buf.h"
#include "ir/error.h"
#include "ir/io.h"
#include "ir/mem.h"

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define HOST_ELFDATA	ELFDATA2LSB
#else
#define HOST_ELFDATA	ELFDATA2MSB
#endif

#define RAM_NAME	"System RAM"

/* A growable array of ranges. */
struct rlist {
	struct ir_mem_range	*r;
	size_t			 n, alloc;
};

static int
rlist_add(struct rlist *l, uint64_t start, uint64_t end, uint64_t off,
    struct ir_err *e)
{
	struct ir_mem_range *nr;
	size_t na;

	if (l->n == l->alloc) {
		na = l->alloc ? l->alloc * 2 : 16;
		if (na > SIZE_MAX / sizeof(*nr) ||
		    (nr = realloc(l->r, na * sizeof(*nr))) == NULL)
			return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
		l->r = nr;
		l->alloc = na;
	}
	l->r[l->n].start = start;
	l->r[l->n].end = end;
	l->r[l->n].off = off;
	l->n++;
	return IR_OK;
}

static int
cmp_range(const void *x, const void *y)
{
	const struct ir_mem_range *a = x, *b = y;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	/* The longer first: it is the one kept where ranges overlap. */
	if (a->end != b->end)
		return a->end > b->end ? -1 : 1;
	return 0;
}

/* 1 to 16 hex digits at p[*j]; -1 when there are none or too many. */
static int
hex64(const char *p, size_t len, size_t *j, uint64_t *v)
{
	size_t k;
	int d;

	*v = 0;
	for (k = *j; k < len; k++) {
		if ((d = ir_hexval((unsigned char)p[k])) < 0)
			break;
		if (k - *j == 16)
			return -1;
		*v = *v << 4 | (uint64_t)d;
	}
	if (k == *j)
		return -1;
	*j = k;
	return 0;
}

/*
 * One iomem line as the kernel prints it: two spaces per nesting level,
 * "%0*llx-%0*llx : %s".  The name is the rest of the line.
 */
static int
iomem_line(const char *p, size_t len, size_t *indent, uint64_t *start,
    uint64_t *last, const char **name, size_t *namelen)
{
	size_t j = 0;

	while (j < len && p[j] == ' ')
		j++;
	*indent = j;
	if (hex64(p, len, &j, start) == -1 || j == len || p[j++] != '-' ||
	    hex64(p, len, &j, last) == -1 || len - j < 3 ||
	    memcmp(p + j, " : ", 3) != 0)
		return -1;
	*name = p + j + 3;
	*namelen = len - j - 3;
	return 0;
}

int
ir_mem_iomem_ram(const char *buf, size_t n, struct ir_mem_range **rp,
    size_t *nrp, struct ir_err *e)
{
	struct rlist l = { NULL, 0, 0 };
	const char *name;
	size_t i, eol, line, indent, namelen, k;
	uint64_t start, last;
	int allzero = 1, rc;

	*rp = NULL;
	*nrp = 0;
	for (i = 0, line = 1; i < n; i = eol + 1, line++) {
		for (eol = i; eol < n && buf[eol] != '\n'; eol++)
			;
		if (iomem_line(buf + i, eol - i, &indent, &start, &last,
		    &name, &namelen) == -1) {
			rc = ir_err_set(e, IR_EFORMAT, 0, "iomem line %zu: "
			    "not \"start-end : name\"", line);
			goto fail;
		}
		if (last < start) {
			rc = ir_err_set(e, IR_EFORMAT, 0, "iomem line %zu: "
			    "ends below its start", line);
			goto fail;
		}
		if (start != 0 || last != 0)
			allzero = 0;
		/* Nested entries (kernel code, devices) lie inside these. */
		if (indent != 0 || namelen != sizeof(RAM_NAME) - 1 ||
		    memcmp(name, RAM_NAME, namelen) != 0)
			continue;
		if (last == UINT64_MAX) {
			rc = ir_err_set(e, IR_EFORMAT, 0, "iomem line %zu: "
			    "RAM up to the top of the address space", line);
			goto fail;
		}
		if ((rc = rlist_add(&l, start, last + 1, start, e)) != IR_OK)
			goto fail;
	}
	if (line == 1) {
		rc = ir_err_set(e, IR_EFORMAT, 0, "iomem is empty");
		goto fail;
	}
	/* What a reader without CAP_SYS_ADMIN gets: zeros, no error. */
	if (allzero) {
		rc = ir_err_set(e, IR_EIO, EPERM, "iomem shows every address "
		    "as 0 (it needs CAP_SYS_ADMIN)");
		goto fail;
	}
	if (l.n == 0) {
		rc = ir_err_set(e, IR_ENOENT, 0, "iomem has no System RAM");
		goto fail;
	}
	qsort(l.r, l.n, sizeof(*l.r), cmp_range);
	for (i = 0, k = 0; i < l.n; i++) {
		if (k > 0 && l.r[i].start <= l.r[k - 1].end) {
			if (l.r[i].end > l.r[k - 1].end)
				l.r[k - 1].end = l.r[i].end;
			continue;
		}
		l.r[k++] = l.r[i];
	}
	*rp = l.r;
	*nrp = k;
	return IR_OK;
fail:
	free(l.r);
	return rc;
}

/*
 * Check the ELF header of a kcore file; *need is where its program
 * headers end (at least the ELF header).
 */
static int
kcore_ehdr(const void *buf, size_t n, Elf64_Ehdr *eh, size_t *need,
    struct ir_err *e)
{
	uint64_t end;

	if (n < sizeof(*eh))
		return ir_err_set(e, IR_EFORMAT, 0, "kcore: %zu bytes, the "
		    "ELF header takes %zu", n, sizeof(*eh));
	memcpy(eh, buf, sizeof(*eh));
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return ir_err_set(e, IR_EFORMAT, 0, "kcore: not an ELF file");
	if (eh->e_ident[EI_CLASS] == ELFCLASS32)
		return ir_err_set(e, IR_EUNSUPP, 0, "kcore: 32-bit ELF "
		    "(a 32-bit kernel's) is not supported");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return ir_err_set(e, IR_EFORMAT, 0, "kcore: bad ELF class %u",
		    eh->e_ident[EI_CLASS]);
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB &&
	    eh->e_ident[EI_DATA] != ELFDATA2MSB)
		return ir_err_set(e, IR_EFORMAT, 0, "kcore: bad ELF byte "
		    "order %u", eh->e_ident[EI_DATA]);
	/* The kernel writes its own byte order: another is not a kcore. */
	if (eh->e_ident[EI_DATA] != HOST_ELFDATA)
		return ir_err_set(e, IR_EUNSUPP, 0, "kcore: %s-endian ELF on "
		    "a %s-endian host", HOST_ELFDATA == ELFDATA2LSB ? "big" :
		    "little", HOST_ELFDATA == ELFDATA2LSB ? "little" : "big");
	if (eh->e_ident[EI_VERSION] != EV_CURRENT)
		return ir_err_set(e, IR_EFORMAT, 0, "kcore: bad ELF version");
	if (eh->e_type != ET_CORE)
		return ir_err_set(e, IR_EFORMAT, 0, "kcore: ELF type %u, not "
		    "a core file", eh->e_type);
	if (eh->e_phnum == PN_XNUM)
		return ir_err_set(e, IR_EUNSUPP, 0, "kcore: more than %u "
		    "program headers", PN_XNUM - 1);
	if (eh->e_phnum == 0) {
		*need = sizeof(*eh);
		return IR_OK;
	}
	if (eh->e_phentsize < sizeof(Elf64_Phdr))
		return ir_err_set(e, IR_EFORMAT, 0, "kcore: program header "
		    "size %u", eh->e_phentsize);
	if (eh->e_phoff < sizeof(*eh))
		return ir_err_set(e, IR_EFORMAT, 0, "kcore: program headers "
		    "at %ju, inside the ELF header", (uintmax_t)eh->e_phoff);
	/* phnum * phentsize < 2^32: with phoff bounded, no overflow. */
	if (eh->e_phoff > IR_MEM_KCORE_HDRMAX ||
	    (end = eh->e_phoff + (uint64_t)eh->e_phnum * eh->e_phentsize) >
	    IR_MEM_KCORE_HDRMAX)
		return ir_err_set(e, IR_EFORMAT, 0, "kcore: program headers "
		    "end past %u bytes", IR_MEM_KCORE_HDRMAX);
	*need = (size_t)end;
	return IR_OK;
}

int
ir_mem_kcore_hdrlen(const void *buf, size_t n, size_t *need,
    struct ir_err *e)
{
	Elf64_Ehdr eh;

	return kcore_ehdr(buf, n, &eh, need, e);
}

/*
 * The PT_LOAD segments that hold physical memory, as ranges sorted by
 * physical address.
 */
static int
kcore_segs(const unsigned char *buf, const Elf64_Ehdr *eh, struct rlist *l,
    struct ir_err *e)
{
	Elf64_Phdr ph;
	unsigned int i, nzero = 0;
	int rc;

	for (i = 0; i < eh->e_phnum; i++) {
		memcpy(&ph, buf + eh->e_phoff + (size_t)i * eh->e_phentsize,
		    sizeof(ph));
		/* -1: not direct-mapped RAM (vmalloc, modules, vmemmap). */
		if (ph.p_type != PT_LOAD || ph.p_filesz == 0 ||
		    ph.p_paddr == UINT64_MAX)
			continue;
		if (ph.p_filesz > UINT64_MAX - ph.p_paddr)
			return ir_err_set(e, IR_EFORMAT, 0, "kcore: program "
			    "header %u: physical range wraps", i);
		/* The reader will pread(2) there: off_t must hold it. */
		if (ph.p_offset > INT64_MAX ||
		    ph.p_filesz > INT64_MAX - ph.p_offset)
			return ir_err_set(e, IR_EFORMAT, 0, "kcore: program "
			    "header %u: file range past 2^63", i);
		if (ph.p_paddr == 0)
			nzero++;
		if ((rc = rlist_add(l, ph.p_paddr, ph.p_paddr + ph.p_filesz,
		    ph.p_offset, e)) != IR_OK)
			return rc;
	}
	/* Before Linux 4.11 every p_paddr was 0: only p_vaddr is filled. */
	if (nzero > 1)
		return ir_err_set(e, IR_EUNSUPP, 0, "kcore: %u segments at "
		    "physical address 0 (a kernel before 4.11 leaves p_paddr "
		    "unset)", nzero);
	if (l->n > 0)
		qsort(l->r, l->n, sizeof(*l->r), cmp_range);
	return IR_OK;
}

/*
 * Make sorted segments disjoint in place: a byte that several cover (the
 * kernel text also lies in a RAM segment) is read from the first.
 */
static size_t
disjoint(struct ir_mem_range *s, size_t n)
{
	uint64_t covered = 0, lo;
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		lo = s[i].start > covered ? s[i].start : covered;
		if (lo >= s[i].end)
			continue;
		s[k].off = s[i].off + (lo - s[i].start);
		s[k].start = lo;
		s[k].end = s[i].end;
		covered = s[i].end;
		k++;
	}
	return k;
}

/* Append [start, end) at off, joined to the last piece when contiguous. */
static int
emit(struct rlist *l, uint64_t start, uint64_t end, uint64_t off,
    struct ir_err *e)
{
	struct ir_mem_range *p;

	if (l->n > 0) {
		p = &l->r[l->n - 1];
		if (p->end == start && p->off + (p->end - p->start) == off) {
			p->end = end;
			return IR_OK;
		}
	}
	return rlist_add(l, start, end, off, e);
}

int
ir_mem_kcore_map(const void *buf, size_t n, const struct ir_mem_range *ram,
    size_t nram, struct ir_mem_range **out, size_t *nout,
    uint64_t *missing_bytes, struct ir_err *e)
{
	struct rlist segs = { NULL, 0, 0 }, l = { NULL, 0, 0 };
	const struct ir_mem_range *p;
	Elf64_Ehdr eh;
	uint64_t missing = 0, c, lo, hi;
	size_t need, ns, i, k, kk;
	int rc;

	*out = NULL;
	*nout = 0;
	*missing_bytes = 0;
	for (i = 0; i < nram; i++)
		if (ram[i].start >= ram[i].end ||
		    (i > 0 && ram[i].start < ram[i - 1].end))
			return ir_err_set(e, IR_EINVAL, 0, "RAM range %zu is "
			    "empty, out of order or overlapping", i);
	if ((rc = kcore_ehdr(buf, n, &eh, &need, e)) != IR_OK)
		return rc;
	if (n < need)
		return ir_err_set(e, IR_EFORMAT, 0, "kcore: %zu bytes of "
		    "header, its program headers need %zu", n, need);
	if ((rc = kcore_segs(buf, &eh, &segs, e)) != IR_OK)
		goto done;
	ns = disjoint(segs.r, segs.n);

	/* Both lists sorted and disjoint: one pass over each. */
	for (i = 0, k = 0; i < nram; i++) {
		c = ram[i].start;
		while (k < ns && segs.r[k].end <= c)
			k++;
		for (kk = k; kk < ns && segs.r[kk].start < ram[i].end; kk++) {
			p = &segs.r[kk];
			lo = p->start > c ? p->start : c;
			hi = p->end < ram[i].end ? p->end : ram[i].end;
			missing += lo - c;
			if ((rc = emit(&l, lo, hi, p->off + (lo - p->start),
			    e)) != IR_OK)
				goto done;
			c = hi;
		}
		missing += ram[i].end - c;
	}
	*out = l.r;
	*nout = l.n;
	*missing_bytes = missing;
	l.r = NULL;
	rc = IR_OK;
done:
	free(segs.r);
	free(l.r);
	return rc;
}

int
ir_mem_kcore_load(int fd, const char *name, const struct ir_mem_range *ram,
    size_t nram, struct ir_mem_range **out, size_t *nout,
    uint64_t *missing_bytes, struct ir_err *e)
{
	unsigned char ehdr[IR_MEM_EHDRLEN], *hdr;
	size_t need;
	ssize_t got;
	int rc;

	*out = NULL;
	*nout = 0;
	*missing_bytes = 0;
	if ((got = ir_pread_full(fd, ehdr, sizeof(ehdr), 0)) < 0)
		return ir_err_set(e, IR_EIO, errno, "cannot read '%s'", name);
	if ((rc = ir_mem_kcore_hdrlen(ehdr, (size_t)got, &need, e)) != IR_OK)
		goto fail;
	if ((hdr = malloc(need)) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	if ((got = ir_pread_full(fd, hdr, need, 0)) < 0) {
		rc = ir_err_set(e, IR_EIO, errno, "cannot read '%s'", name);
		free(hdr);
		return rc;
	}
	rc = ir_mem_kcore_map(hdr, (size_t)got, ram, nram, out, nout,
	    missing_bytes, e);
	free(hdr);
	if (rc == IR_OK)
		return IR_OK;
fail:
	if (e != NULL)
		(void)ir_err_prefix(e, "'%s'", name);
	return rc;
}

static void
put32le(unsigned char *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void
put64le(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t
get_le(const unsigned char *p, int n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | p[n];
	return v;
}

void
ir_mem_lime_header(unsigned char h[IR_LIME_HDRLEN], uint64_t start,
    uint64_t end_excl)
{
	put32le(h, IR_LIME_MAGIC);
	put32le(h + 4, IR_LIME_VERSION);
	put64le(h + 8, start);
	put64le(h + 16, end_excl - 1);
	memset(h + 24, 0, 8);
}

int
ir_mem_lime_parse(const unsigned char h[IR_LIME_HDRLEN], uint64_t *start,
    uint64_t *end_excl, struct ir_err *e)
{
	uint64_t s, last;

	if (get_le(h, 4) != IR_LIME_MAGIC)
		return ir_err_set(e, IR_EFORMAT, 0, "LiME header: bad magic");
	if (get_le(h + 4, 4) != IR_LIME_VERSION)
		return ir_err_set(e, IR_EFORMAT, 0, "LiME header: version %ju, "
		    "not 1", (uintmax_t)get_le(h + 4, 4));
	s = get_le(h + 8, 8);
	last = get_le(h + 16, 8);
	if (last < s)
		return ir_err_set(e, IR_EFORMAT, 0, "LiME header: range "
		    "%#jx-%#jx ends below its start", (uintmax_t)s,
		    (uintmax_t)last);
	if (last == UINT64_MAX)
		return ir_err_set(e, IR_EFORMAT, 0, "LiME header: range ends "
		    "at the top of the address space");
	*start = s;
	*end_excl = last + 1;
	return IR_OK;
}
