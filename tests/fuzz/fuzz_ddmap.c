/*
 * libFuzzer: ddrescue mapfiles as untrusted input.  Besides memory errors:
 * a map that parses keeps the invariants (sorted, contiguous from 0, no
 * empty block, neighbours differ), formats into text that parses back to
 * the same map, and stays so after a few sets drawn from the input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ir.h>

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check(const struct ir_ddmap *m)
{
	uint64_t at = 0;
	size_t i;

	for (i = 0; i < m->n; i++) {
		if (m->blocks[i].pos != at || m->blocks[i].size == 0 ||
		    m->blocks[i].size > IR_DDMAP_MAXPOS - at ||
		    strchr("?*/-+", m->blocks[i].status) == NULL ||
		    m->blocks[i].status == 0 ||
		    (i > 0 && m->blocks[i].status == m->blocks[i - 1].status))
			abort();
		at += m->blocks[i].size;
	}
	if (m->size < at || m->size > IR_DDMAP_MAXPOS || m->n > m->cap)
		abort();
}

static int
same(const struct ir_ddmap *a, const struct ir_ddmap *b)
{
	size_t i;

	if (a->current_pos != b->current_pos ||
	    a->current_status != b->current_status ||
	    a->current_pass != b->current_pass || a->size != b->size)
		return 0;
	/* The implicit tail comes back as a block: compare byte ranges. */
	for (i = 0; i < a->n && i < b->n; i++)
		if (a->blocks[i].pos != b->blocks[i].pos ||
		    a->blocks[i].status != b->blocks[i].status ||
		    (a->blocks[i].size != b->blocks[i].size &&
		    (i + 1 != a->n || i + 1 != b->n ||
		    a->blocks[i].status != IR_DDMAP_NONTRIED)))
			return 0;
	return a->n == b->n || (a->n + 1 == b->n &&
	    b->blocks[a->n].status == IR_DDMAP_NONTRIED) ||
	    (b->n + 1 == a->n && a->blocks[b->n].status == IR_DDMAP_NONTRIED);
}

/* Format m, parse the text: the same map. */
static void
round_trip(const struct ir_ddmap *m)
{
	struct ir_buf b = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct ir_ddmap m2;
	struct ir_err e;

	check(m);
	if (ir_ddmap_format(m, "fuzz\n0 0 +", &b, &e) != IR_OK)
		abort();
	ir_ddmap_init(&m2, 0);
	if (ir_ddmap_parse(&m2, b.buf, b.len, &e) != IR_OK || !same(m, &m2))
		abort();
	check(&m2);
	if (ir_ddmap_total(m, '?') != ir_ddmap_total(&m2, '?') ||
	    ir_ddmap_resume_pos(m) != ir_ddmap_resume_pos(&m2))
		abort();
	ir_ddmap_release(&m2);
	ir_buf_release(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char st[] = "?*/-+";
	struct ir_ddmap m;
	struct ir_err e;
	uint64_t pos, len, sum;
	size_t i;
	int rc, k;

	ir_ddmap_init(&m, 0);
	rc = ir_ddmap_parse(&m, (const char *)data, size, &e);
	if (rc != IR_OK && rc != IR_EFORMAT)
		abort();
	if (rc != IR_OK) {
		if (m.blocks != NULL || strncmp(e.msg, "mapfile", 7) != 0)
			abort();
		return 0;
	}
	if (m.size != (m.n ? m.blocks[m.n - 1].pos + m.blocks[m.n - 1].size :
	    0))
		abort();
	/* A source known to be larger: an implicit non-tried tail. */
	if (data[0] & 1 && m.size < IR_DDMAP_MAXPOS - 255)
		m.size += data[0];
	round_trip(&m);
	/* A few sets from the input's last bytes, near the map's blocks. */
	for (k = 0; k < 3 && size >= (size_t)(k + 1) * 3; k++) {
		const uint8_t *p = data + size - (size_t)(k + 1) * 3;

		pos = m.size / 256 * p[0] + p[1] % 17;
		len = m.size / 256 * (p[2] >> 4) + p[2] % 9;
		rc = ir_ddmap_set(&m, pos, len, st[p[1] % 5], &e);
		/* Refused only past what ddrescue can represent. */
		if (rc != (len > IR_DDMAP_MAXPOS - pos ? IR_EINVAL : IR_OK))
			abort();
		round_trip(&m);
	}
	for (sum = 0, i = 0; i < 5; i++)
		sum += ir_ddmap_total(&m, st[i]);
	if (sum != m.size)
		abort();
	ir_ddmap_release(&m);
	return 0;
}
