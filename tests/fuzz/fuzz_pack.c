/*
 * libFuzzer: an evidence package as untrusted input to ir_pack_verify
 * (libarchive's tar reader and gzip filter, then the BagIt, custody and
 * name checks).  Besides memory errors and leaks: the result does not
 * depend on how the source splits its reads; every problem counted was
 * reported; a package read whole without a problem has a seal and a case
 * id; an unreadable one was reported as such.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ir.h>

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A throw-away key for the fuzzer's seeds; it protects nothing. */
static const char identity[] =
    "AGE-SECRET-KEY-17A0X0D5UY5VQHE3FP4RDKH2UQSFGUYCJ3RUZ0M8HM8825DV9CH5S7UN5Y4\n";
static struct ir_age_ids *ids;

struct src {
	const uint8_t	*p;
	size_t		 n, off, piece;
};

static ssize_t
rd(void *arg, void *buf, size_t n, struct ir_err *e)
{
	struct src *s = arg;
	size_t k = s->n - s->off;

	(void)e;
	if (k > n)
		k = n;
	if (k > s->piece)
		k = s->piece;
	memcpy(buf, s->p + s->off, k);
	s->off += k;
	return (ssize_t)k;
}

struct seen {
	uint64_t	 n;
	uint64_t	 truncated;
};

static void
on_problem(void *arg, const struct ir_pack_problem *p)
{
	struct seen *s = arg;

	if (p->detail == NULL || (p->path == NULL && p->pathlen != 0) ||
	    strcmp(ir_pack_kind_name(p->kind), "unknown") == 0)
		abort();
	s->n++;
	if (p->kind == IR_PACK_TRUNCATED)
		s->truncated++;
}

static int
run(const uint8_t *data, size_t size, size_t piece,
    struct ir_verify_info *vi, struct seen *s)
{
	struct ir_verify_opts o;
	struct src src = { data, size, 0, piece };
	struct ir_err e;
	int rc;

	memset(&o, 0, sizeof(o));
	memset(s, 0, sizeof(*s));
	o.read = rd;
	o.read_arg = &src;
	o.problem = on_problem;
	o.arg = s;
	o.max_entries = 4096;
	o.ids = ids;
	rc = ir_pack_verify(&o, vi, &e);
	if (rc != IR_OK && rc != IR_EFORMAT && rc != IR_ELIMIT &&
	    rc != IR_EUNSUPP && !(vi->encrypted && rc == IR_ENOENT))
		abort();
	if (vi->problems != s->n)
		abort();
	if (rc == IR_EFORMAT && s->truncated == 0)
		abort();
	if (rc == IR_OK && vi->problems == 0 &&
	    (strlen(vi->seal) != 64 || vi->top[0] == '\0'))
		abort();
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ir_verify_info a, b;
	struct seen sa, sb;
	struct ir_err e;
	int ra, rb;

	if (ids == NULL &&
	    ir_age_ids_parse(identity, sizeof(identity) - 1, &ids, &e) != IR_OK)
		abort();
	ra = run(data, size, (size_t)-1, &a, &sa);
	rb = run(data, size, 1000 + (size > 0 ? data[0] : 0), &b, &sb);
	if (ra != rb || a.problems != b.problems || a.members != b.members ||
	    strcmp(a.seal, b.seal) != 0)
		abort();
	return 0;
}
