/*
 * libFuzzer: /proc/iomem text and /proc/kcore headers as untrusted input.
 * The input is iomem text, optionally followed by a kcore header that
 * starts at the first "\177ELF"; the kcore is mapped over the iomem's RAM
 * ranges when they parse, else over fixed ones.  Besides memory errors:
 * RAM ranges are sorted and apart; mapped pieces are sorted, disjoint,
 * inside RAM, inside a segment at the matching file offset, their ends
 * fit an off_t; every mapped byte plus the missing ones is all the RAM;
 * the first and last byte of each segment's RAM part are mapped.  A LiME
 * header at the start of the input parses back to the same bytes.
 */
#include <elf.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ir.h>

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const struct ir_mem_range fixed[] = {
	{ 0x0, 0x1000, 0x0 },
	{ 0x100000, 0xc0000000ULL, 0x100000 },
	{ 0x100000000ULL, 0x140000000ULL, 0x100000000ULL },
	{ 0xfffffffffff00000ULL, 0xffffffffffffffffULL, 0 },
};

static void
check_ram(const struct ir_mem_range *r, size_t n)
{
	size_t i;

	if (n == 0)
		abort();
	for (i = 0; i < n; i++) {
		if (r[i].start >= r[i].end || r[i].off != r[i].start)
			abort();
		/* Adjacent ones are merged: a gap between any two. */
		if (i > 0 && r[i].start <= r[i - 1].end)
			abort();
	}
}

/* The piece of out holding address a, or NULL. */
static const struct ir_mem_range *
find(const struct ir_mem_range *out, size_t n, uint64_t a)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (a < out[mid].start)
			hi = mid;
		else if (a >= out[mid].end)
			lo = mid + 1;
		else
			return &out[mid];
	}
	return NULL;
}

/* Is physical address a read from file offset off in some segment? */
static int
in_segment(const uint8_t *k, const Elf64_Ehdr *eh, uint64_t a, uint64_t off)
{
	Elf64_Phdr ph;
	unsigned int i;

	for (i = 0; i < eh->e_phnum; i++) {
		memcpy(&ph, k + eh->e_phoff + (size_t)i * eh->e_phentsize,
		    sizeof(ph));
		if (ph.p_type == PT_LOAD && ph.p_paddr != UINT64_MAX &&
		    a >= ph.p_paddr && a - ph.p_paddr < ph.p_filesz &&
		    off == ph.p_offset + (a - ph.p_paddr))
			return 1;
	}
	return 0;
}

static void
check_map(const uint8_t *k, const struct ir_mem_range *ram, size_t nram,
    const struct ir_mem_range *out, size_t nout, uint64_t missing)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	uint64_t total = 0, got = 0, len, lo, hi;
	size_t i, j;

	memcpy(&eh, k, sizeof(eh));
	for (i = 0; i < nout; i++) {
		if (out[i].start >= out[i].end)
			abort();
		len = out[i].end - out[i].start;
		if (out[i].off > INT64_MAX || len > INT64_MAX - out[i].off)
			abort();
		if (i > 0 && out[i].start < out[i - 1].end)
			abort();
		for (j = 0; j < nram; j++)
			if (ram[j].start <= out[i].start &&
			    out[i].end <= ram[j].end)
				break;
		if (j == nram)
			abort();
		if (!in_segment(k, &eh, out[i].start, out[i].off) ||
		    !in_segment(k, &eh, out[i].end - 1, out[i].off + len - 1))
			abort();
		got += len;
	}
	for (j = 0; j < nram; j++)
		total += ram[j].end - ram[j].start;
	if (got + missing != total)
		abort();
	/* Nothing a segment holds is left out. */
	for (i = 0; i < eh.e_phnum; i++) {
		memcpy(&ph, k + eh.e_phoff + i * eh.e_phentsize, sizeof(ph));
		if (ph.p_type != PT_LOAD || ph.p_paddr == UINT64_MAX ||
		    ph.p_filesz == 0)
			continue;
		for (j = 0; j < nram; j++) {
			lo = ph.p_paddr > ram[j].start ? ph.p_paddr :
			    ram[j].start;
			hi = ph.p_paddr + ph.p_filesz < ram[j].end ?
			    ph.p_paddr + ph.p_filesz : ram[j].end;
			if (lo >= hi)
				continue;
			if (find(out, nout, lo) == NULL ||
			    find(out, nout, hi - 1) == NULL)
				abort();
		}
	}
}

static void
check_lime(const uint8_t *data, size_t size)
{
	unsigned char h[IR_LIME_HDRLEN];
	uint64_t s, t;
	struct ir_err e;

	if (size < IR_LIME_HDRLEN ||
	    ir_mem_lime_parse(data, &s, &t, &e) != IR_OK)
		return;
	if (s >= t)
		abort();
	ir_mem_lime_header(h, s, t);
	if (memcmp(h, data, 24) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ir_mem_range *ram = NULL, *out;
	const struct ir_mem_range *use;
	const uint8_t *k;
	struct ir_err e;
	size_t nram = 0, nout, nuse, klen, need;
	uint64_t missing;
	int rc;

	check_lime(data, size);
	rc = ir_mem_iomem_ram((const char *)data, size, &ram, &nram, &e);
	if (rc == IR_OK)
		check_ram(ram, nram);
	else if (ram != NULL || nram != 0 || rc != (int)e.code)
		abort();
	free(ram);
	ram = NULL;

	if ((k = memmem(data, size, "\177ELF", 4)) == NULL)
		return 0;
	klen = size - (size_t)(k - data);
	use = fixed;
	nuse = sizeof(fixed) / sizeof(fixed[0]);
	if (k > data && ir_mem_iomem_ram((const char *)data,
	    (size_t)(k - data), &ram, &nram, &e) == IR_OK) {
		check_ram(ram, nram);
		use = ram;
		nuse = nram;
	}
	rc = ir_mem_kcore_map(k, klen, use, nuse, &out, &nout, &missing, &e);
	if (rc == IR_OK) {
		/* What it mapped, it had the headers for. */
		if (ir_mem_kcore_hdrlen(k, klen, &need, &e) != IR_OK ||
		    need > klen)
			abort();
		check_map(k, use, nuse, out, nout, missing);
		free(out);
	} else if (out != NULL || nout != 0 || rc != (int)e.code ||
	    (rc != IR_EFORMAT && rc != IR_EUNSUPP && rc != IR_ENOMEM))
		abort();
	free(ram);
	return 0;
}
