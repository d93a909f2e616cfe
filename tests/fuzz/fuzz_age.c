/*
 * libFuzzer: one untrusted input as an age file, decrypted with a fixed
 * X25519 identity and, separately, with a fixed passphrase (the reader
 * capped at scrypt work factor 2^10, so that hostile work factors are
 * refused before any scrypt runs); and the same bytes as an identity file
 * and as a recipient string.  Besides memory errors and leaks:
 * - every failure is one of the documented codes, with a message, and a
 *   failed decryptor is NULL;
 * - a read never returns more than asked, the plaintext is never longer
 *   than the input, an error is sticky and the end stays the end;
 * - a successful decryption is also successful read in other pieces, with
 *   the same plaintext (the input's chunking does not matter).
 *
 * Seeds (tests/fuzz/corpus/age/): small files made by age(1) for the
 * identity below, and C2SP CCTV vectors made for it and for "password".
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <ir.h>

#include "../../libir/age_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * The CCTV vectors' identity, for recipient
 * age1xmwwc06ly3ee5rytxm9mflaz2u56jjj36s0mypdrwsvlul66mv4q47ryef.
 */
static const char IDENTITY[] =
    "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0\n";
#define PASSPHRASE	"password"
#define MAX_LOG2N	10

struct src {
	const uint8_t	*p;
	size_t		 len, off, step;
};

static ssize_t
src_read(void *arg, void *buf, size_t n, struct ir_err *e)
{
	struct src *s = arg;
	size_t k = s->len - s->off;

	(void)e;
	if (k > n)
		k = n;
	if (k > s->step)
		k = s->step;
	memcpy(buf, s->p + s->off, k);
	s->off += k;
	return (ssize_t)k;
}

static int
allowed(int rc)
{
	return rc == IR_EFORMAT || rc == IR_ENOENT || rc == IR_ELIMIT ||
	    rc == IR_EUNSUPP;
}

/*
 * Decrypt, reading the input step bytes at a time and the plaintext
 * bufsz at a time.  IR_OK with the plaintext in *out (malloc'd), or an
 * allowed code.
 */
static int
run(const struct ir_age_ids *ids, const char *pass, const uint8_t *data,
    size_t size, size_t step, size_t bufsz, uint8_t **out, size_t *outlen)
{
	struct src s = { data, size, 0, step };
	struct ir_age_dec *dec = NULL;
	struct ir_err e, e2;
	uint8_t *buf, *pt;
	size_t got = 0;
	ssize_t r;
	int rc;

	*out = NULL;
	*outlen = 0;
	e.msg[0] = '\0';
	rc = ir__age_dec_new_max(&dec, ids, pass, MAX_LOG2N, src_read, &s, &e);
	if (rc != IR_OK) {
		if (!allowed(rc) || dec != NULL || e.msg[0] == '\0' ||
		    (int)e.code != rc)
			abort();
		return rc;
	}
	if ((buf = malloc(bufsz)) == NULL || (pt = malloc(size + 1)) == NULL)
		abort();
	while ((r = ir_age_dec_read(dec, buf, bufsz, &e)) > 0) {
		if ((size_t)r > bufsz || got + (size_t)r > size)
			abort();
		memcpy(pt + got, buf, (size_t)r);
		got += (size_t)r;
	}
	if (r < 0) {
		rc = e.code;
		if (!allowed(rc) || e.msg[0] == '\0' ||
		    ir_age_dec_read(dec, buf, bufsz, &e2) != -1 ||
		    e2.code != e.code || strcmp(e2.msg, e.msg) != 0)
			abort();
		free(pt);
		pt = NULL;
	} else if (ir_age_dec_read(dec, buf, bufsz, &e) != 0)
		abort();
	free(buf);
	ir_age_dec_free(dec);
	*out = pt;
	*outlen = got;
	return rc;
}

static void
decrypt_both_ways(const struct ir_age_ids *ids, const char *pass,
    const uint8_t *data, size_t size)
{
	uint8_t *a, *b;
	size_t alen, blen;
	int rc;

	rc = run(ids, pass, data, size, size + 1, 65536, &a, &alen);
	if (rc != IR_OK)
		return;
	/* Byte by byte in, odd pieces out: the same plaintext. */
	if (run(ids, pass, data, size, size > 4096 ? 997 : 1, 333, &b,
	    &blen) != IR_OK || alen != blen || (alen > 0 &&
	    memcmp(a, b, alen) != 0))
		abort();
	free(a);
	free(b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ir_age_ids *ids;
	struct ir_age_ids *fids;
	struct ir_err e;
	char *s;
	int rc;

	if (ids == NULL && ir_age_ids_parse(IDENTITY, sizeof(IDENTITY) - 1,
	    &ids, &e) != IR_OK)
		abort();
	decrypt_both_ways(ids, NULL, data, size);
	decrypt_both_ways(NULL, PASSPHRASE, data, size);

	/* The bytes as an identity file, and as one recipient. */
	rc = ir_age_ids_parse((const char *)data, size, &fids, &e);
	if (rc == IR_OK)
		ir_age_ids_free(fids);
	else if ((rc != IR_EFORMAT && rc != IR_EUNSUPP && rc != IR_ELIMIT) ||
	    fids != NULL)
		abort();
	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	rc = ir_age_recipient_check(s, &e);
	if (rc != IR_OK && rc != IR_EINVAL && rc != IR_EUNSUPP)
		abort();
	free(s);
	return 0;
}
