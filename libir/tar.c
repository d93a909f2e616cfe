#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir/buf.h"
#include "ir/error.h"
#include "ir/rec.h"
#include "ir/tar.h"

#define BLOCK		512
#define USTAR_NAME	100
#define USTAR_PREFIX	155
#define USTAR_LINK	100
#define MAX_OCT11	077777777777ULL		/* size, mtime */
#define MAX_OCT7	07777777ULL		/* uid, gid */
#define PAX_MAX		(1U << 20)		/* one pax header's records */

struct ir_tar {
	ir_write_fn	 out;
	void		*arg;
	uint64_t	 offset;
	uint64_t	 left;		/* data bytes the member still owes */
	uint64_t	 size;		/* the member's announced size */
	int		 open;		/* between begin and end */
	int		 finished;
	uint64_t	 npax;
};

static const char zeros[BLOCK];

static int
emit(struct ir_tar *t, const void *p, size_t n, struct ir_err *e)
{
	int rc;

	if (n == 0)
		return IR_OK;
	if ((rc = t->out(t->arg, p, n, e)) != IR_OK)
		return rc;
	t->offset += n;
	return IR_OK;
}

int
ir_tar_new(struct ir_tar **tp, ir_write_fn out, void *arg, struct ir_err *e)
{
	struct ir_tar *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	t->out = out;
	t->arg = arg;
	*tp = t;
	return IR_OK;
}

void
ir_tar_free(struct ir_tar *t)
{
	free(t);
}

uint64_t
ir_tar_offset(const struct ir_tar *t)
{
	return t->offset;
}

/* Octal, NUL-terminated, zero-padded into a field of w bytes. */
static void
octal(char *f, size_t w, uint64_t v)
{
	size_t i = w - 1;

	f[i] = '\0';
	while (i > 0) {
		f[--i] = (char)('0' + (v & 7));
		v >>= 3;
	}
}

static int
plain_ascii(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80 || s[i] == '\0')
			return 0;
	return 1;
}

/* Split name into ustar's prefix and name fields; 0 when it cannot. */
static int
ustar_split(const char *name, size_t n, size_t *cut)
{
	size_t i;

	if (n <= USTAR_NAME) {
		*cut = 0;
		return 1;
	}
	/* The prefix ends at a '/', which is not stored. */
	for (i = n - 1; i > 0; i--) {
		if (name[i] != '/')
			continue;
		if (n - i - 1 > USTAR_NAME || n - i - 1 == 0)
			return 0;
		if (i <= USTAR_PREFIX) {
			*cut = i;
			return 1;
		}
	}
	return 0;
}

/* One pax record "LEN key=value\n", LEN counting itself. */
static int
pax_rec(struct ir_buf *b, const char *key, const char *val, size_t vlen,
    struct ir_err *e)
{
	size_t base = 1 + strlen(key) + 1 + vlen + 1, len = base, d;
	char num[24];

	for (;;) {
		d = (size_t)snprintf(num, sizeof(num), "%zu", len);
		if (base + d == len)
			break;
		len = base + d;
	}
	if (ir_buf_addf(b, e, "%s %s=", num, key) != IR_OK ||
	    ir_buf_add(b, val, vlen, e) != IR_OK ||
	    ir_buf_addch(b, '\n', e) != IR_OK)
		return e != NULL ? e->code : IR_ENOMEM;
	return IR_OK;
}

static void
checksum(unsigned char *h)
{
	unsigned int sum = 0;
	size_t i;

	memset(h + 148, ' ', 8);
	for (i = 0; i < BLOCK; i++)
		sum += h[i];
	octal((char *)h + 148, 7, sum);
	h[155] = ' ';
}

static void
ustar_header(unsigned char *h, const char *name, size_t nlen, char type,
    uint32_t mode, uint64_t uid, uint64_t gid, uint64_t size, int64_t mtime,
    const char *link, size_t llen)
{
	size_t cut = 0;

	memset(h, 0, BLOCK);
	if (!ustar_split(name, nlen, &cut)) {
		/* The pax path says it; keep the tail as a hint. */
		memcpy(h, name + nlen - USTAR_NAME, USTAR_NAME);
	} else if (cut > 0) {
		memcpy(h + 345, name, cut);
		memcpy(h, name + cut + 1, nlen - cut - 1);
	} else
		memcpy(h, name, nlen);
	octal((char *)h + 100, 8, mode & 07777);
	octal((char *)h + 108, 8, uid > MAX_OCT7 ? 0 : uid);
	octal((char *)h + 116, 8, gid > MAX_OCT7 ? 0 : gid);
	octal((char *)h + 124, 12, size > MAX_OCT11 ? 0 : size);
	octal((char *)h + 136, 12, mtime < 0 || (uint64_t)mtime > MAX_OCT11 ?
	    0 : (uint64_t)mtime);
	h[156] = (unsigned char)type;
	if (link != NULL)
		memcpy(h + 157, link, llen > USTAR_LINK ? USTAR_LINK : llen);
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	octal((char *)h + 329, 8, 0);
	octal((char *)h + 337, 8, 0);
	checksum(h);
}

/* The pax records an entry needs (none when ustar says it all). */
static int
pax_records(struct ir_buf *b, const struct ir_tar_entry *en, size_t nlen,
    size_t llen, struct ir_err *e)
{
	char v[64];
	size_t cut;
	int binary = 0, rc = IR_OK;

	/*
	 * pax values are UTF-8; names on Linux are bytes.  A name that is
	 * not UTF-8 is said to be binary, so readers keep its bytes (GNU
	 * tar 1.34 does so with a warning that it ignores the keyword).
	 */
	if (!ir_utf8_valid(en->name, nlen) || (en->link != NULL &&
	    !ir_utf8_valid(en->link, llen)))
		binary = 1;
	if (binary)
		rc = pax_rec(b, "hdrcharset", "BINARY", 6, e);
	if (rc == IR_OK && (!ustar_split(en->name, nlen, &cut) ||
	    !plain_ascii(en->name, nlen)))
		rc = pax_rec(b, "path", en->name, nlen, e);
	if (rc == IR_OK && en->link != NULL && (llen > USTAR_LINK ||
	    !plain_ascii(en->link, llen)))
		rc = pax_rec(b, "linkpath", en->link, llen, e);
	if (rc == IR_OK && en->size > MAX_OCT11) {
		(void)snprintf(v, sizeof(v), "%" PRIu64, en->size);
		rc = pax_rec(b, "size", v, strlen(v), e);
	}
	if (rc == IR_OK && en->uid > MAX_OCT7) {
		(void)snprintf(v, sizeof(v), "%" PRIu64, en->uid);
		rc = pax_rec(b, "uid", v, strlen(v), e);
	}
	if (rc == IR_OK && en->gid > MAX_OCT7) {
		(void)snprintf(v, sizeof(v), "%" PRIu64, en->gid);
		rc = pax_rec(b, "gid", v, strlen(v), e);
	}
	if (rc == IR_OK && (en->mtime_nsec != 0 || en->mtime < 0 ||
	    (uint64_t)en->mtime > MAX_OCT11)) {
		if (en->mtime_nsec != 0 && en->mtime >= 0)
			(void)snprintf(v, sizeof(v), "%" PRId64 ".%09" PRId32,
			    en->mtime, en->mtime_nsec);
		else if (en->mtime_nsec != 0)	/* -1.25 is 1.25 s before 0 */
			(void)snprintf(v, sizeof(v), "-%" PRId64 ".%09" PRId32,
			    -(en->mtime + 1), 1000000000 - en->mtime_nsec);
		else
			(void)snprintf(v, sizeof(v), "%" PRId64, en->mtime);
		rc = pax_rec(b, "mtime", v, strlen(v), e);
	}
	return rc;
}

static int
pad(struct ir_tar *t, uint64_t n, struct ir_err *e)
{
	size_t r = (size_t)(n % BLOCK);

	return r == 0 ? IR_OK : emit(t, zeros, BLOCK - r, e);
}

int
ir_tar_begin(struct ir_tar *t, const struct ir_tar_entry *en,
    struct ir_err *e)
{
	struct ir_buf pax = IR_BUF_INIT(PAX_MAX);
	unsigned char h[BLOCK];
	char pname[USTAR_NAME + 1];
	const char *base;
	size_t nlen, llen, i, k;
	uint64_t size;
	int rc;

	if (t->open || t->finished)
		return ir_err_set(e, IR_EINVAL, 0, "tar: member begun before "
		    "the last one ended");
	if (en->name == NULL || (nlen = strlen(en->name)) == 0)
		return ir_err_set(e, IR_EINVAL, 0, "tar: member without name");
	if (en->type != IR_TAR_REG && en->type != IR_TAR_DIR &&
	    en->type != IR_TAR_SYMLINK)
		return ir_err_set(e, IR_EINVAL, 0, "tar: '%s': unsupported "
		    "member type", en->name);
	if ((en->type == IR_TAR_SYMLINK) != (en->link != NULL))
		return ir_err_set(e, IR_EINVAL, 0, "tar: '%s': a link target "
		    "goes with a symlink, and only with one", en->name);
	if (en->mtime_nsec < 0 || en->mtime_nsec > 999999999)
		return ir_err_set(e, IR_EINVAL, 0, "tar: '%s': bad nanoseconds",
		    en->name);
	llen = en->link != NULL ? strlen(en->link) : 0;
	size = en->type == IR_TAR_REG ? en->size : 0;
	if ((rc = pax_records(&pax, en, nlen, llen, e)) != IR_OK)
		goto out;
	if (pax.len > 0) {
		/* "PaxHeaders/<base>": what a reader without pax extracts. */
		base = en->name + nlen;
		while (base > en->name && base[-1] == '/')
			base--;
		k = (size_t)(base - en->name);
		while (base > en->name && base[-1] != '/')
			base--;
		k -= (size_t)(base - en->name);
		k = k > 80 ? 80 : k;
		memcpy(pname, "PaxHeaders/", 11);
		for (i = 0; i < k; i++)
			pname[11 + i] = (unsigned char)base[i] < 0x80 &&
			    (unsigned char)base[i] >= 0x20 ? base[i] : '_';
		pname[11 + k] = '\0';
		ustar_header(h, pname, strlen(pname), 'x', 0644, 0, 0,
		    pax.len, en->mtime < 0 ? 0 : en->mtime, NULL, 0);
		if ((rc = emit(t, h, BLOCK, e)) != IR_OK ||
		    (rc = emit(t, pax.buf, pax.len, e)) != IR_OK ||
		    (rc = pad(t, pax.len, e)) != IR_OK)
			goto out;
		t->npax++;
	}
	ustar_header(h, en->name, nlen, (char)en->type, en->mode, en->uid,
	    en->gid, size, en->mtime, en->link, llen);
	if ((rc = emit(t, h, BLOCK, e)) != IR_OK)
		goto out;
	t->open = 1;
	t->size = t->left = size;
out:
	ir_buf_release(&pax);
	return rc;
}

int
ir_tar_write(struct ir_tar *t, const void *p, size_t n, struct ir_err *e)
{
	int rc;

	if (!t->open)
		return ir_err_set(e, IR_EINVAL, 0, "tar: data outside a member");
	if (n > t->left)
		return ir_err_set(e, IR_EINVAL, 0, "tar: member data beyond the "
		    "%" PRIu64 " bytes announced", t->size);
	if ((rc = emit(t, p, n, e)) != IR_OK)
		return rc;
	t->left -= n;
	return IR_OK;
}

int
ir_tar_end(struct ir_tar *t, struct ir_err *e)
{
	if (!t->open)
		return ir_err_set(e, IR_EINVAL, 0, "tar: no member to end");
	if (t->left != 0)
		return ir_err_set(e, IR_EINVAL, 0, "tar: member ended %" PRIu64
		    " bytes short of the %" PRIu64 " announced", t->left,
		    t->size);
	t->open = 0;
	return pad(t, t->size, e);
}

int
ir_tar_add(struct ir_tar *t, const struct ir_tar_entry *en, const void *data,
    struct ir_err *e)
{
	int rc;

	if ((rc = ir_tar_begin(t, en, e)) != IR_OK)
		return rc;
	if (en->type == IR_TAR_REG && en->size > 0 &&
	    (rc = ir_tar_write(t, data, (size_t)en->size, e)) != IR_OK)
		return rc;
	return ir_tar_end(t, e);
}

int
ir_tar_finish(struct ir_tar *t, struct ir_err *e)
{
	int rc;

	if (t->open)
		return ir_err_set(e, IR_EINVAL, 0, "tar: the last member was "
		    "not ended");
	if ((rc = emit(t, zeros, BLOCK, e)) == IR_OK)
		rc = emit(t, zeros, BLOCK, e);
	if (rc == IR_OK)
		t->finished = 1;
	return rc;
}
