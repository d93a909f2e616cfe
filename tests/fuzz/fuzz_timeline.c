/*
 * libFuzzer: timeline input (bodyfile lines and irkit records, one per
 * line) through the whole of libir's timeline: parser, MACB events,
 * the sorter (spilling to temporary files when the input's size is odd)
 * and both writers.  Besides memory errors: a line is taken, skipped or
 * refused with a message; an event has MACB bits and one of the entry's
 * times; rows come out in order, no more than went in; every row
 * formats.  The first line is also tried as a --from date.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ir.h>

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_event(const struct ir_tl_entry *en, const struct ir_tl_row *r)
{
	if ((r->macb & 0xf) == 0 || (r->macb & ~0xfU) != 0)
		abort();
	if (((r->macb & IR_TL_M) && r->time != en->mtime) ||
	    ((r->macb & IR_TL_A) && r->time != en->atime) ||
	    ((r->macb & IR_TL_C) && r->time != en->ctime) ||
	    ((r->macb & IR_TL_B) && r->time != en->crtime))
		abort();
	if (en->name == NULL || en->inode == NULL || en->mode == NULL ||
	    en->inodelen == 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ir_tl_parser *p;
	struct ir_tl_sort *s;
	struct ir_tl_entry en;
	struct ir_tl_row rows[4], row;
	struct ir_tl_range range;
	struct ir_buf out = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct ir_err e;
	const char *line = (const char *)data, *end = line + size, *nl;
	const char *tmp = getenv("TMPDIR");
	char when[64];
	size_t n, k, added = 0, got = 0;
	int64_t prev = INT64_MIN;
	int rc;

	if (ir_tl_parser_new(&p, &e) != IR_OK ||
	    ir_tl_sort_new(&s, size % 2 ? 256 : 1 << 20, tmp, &e) != IR_OK)
		abort();
	memset(&range, 0, sizeof(range));
	nl = memchr(line, '\n', size);
	k = (size_t)((nl != NULL ? nl : end) - line);
	if (k < sizeof(when)) {
		memcpy(when, line, k);
		when[k] = '\0';
		if (ir_tl_parse_when(when, 0, &range.from, &e) == IR_OK)
			range.has_from = size % 3 == 0;
	}
	for (; line < end; line = nl + 1) {
		if ((nl = memchr(line, '\n', (size_t)(end - line))) == NULL)
			nl = end;
		memset(&e, 0, sizeof(e));
		rc = ir_tl_parse_line(p, line, (size_t)(nl - line), &en, &e);
		if (rc == IR_ENOENT)
			continue;
		if (rc != IR_OK) {
			if (rc != IR_EFORMAT || e.msg[0] == '\0')
				abort();
			continue;
		}
		n = ir_tl_events(&en, &range, rows);
		if (n > 4)
			abort();
		for (k = 0; k < n; k++) {
			check_event(&en, &rows[k]);
			if (range.has_from && rows[k].time < range.from)
				abort();
			if (ir_tl_sort_add(s, &rows[k], &e) != IR_OK)
				goto done;	/* no room for temporary files */
			added++;
		}
	}
	while ((rc = ir_tl_sort_next(s, &row, &e)) == IR_OK) {
		if (row.time < prev || ++got > added)
			abort();
		prev = row.time;
		ir_buf_reset(&out);
		if (ir_tl_format_csv(&out, &row, 0, &e) != IR_OK ||
		    ir_tl_format_json(&out, &row, 0, &e) != IR_OK)
			abort();
	}
	if (rc != IR_EOF || (added > 0 && got == 0))
		abort();
done:
	ir_buf_release(&out);
	ir_tl_sort_free(s);
	ir_tl_parser_free(p);
	return 0;
}
