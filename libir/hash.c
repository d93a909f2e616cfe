#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "ir/buf.h"
#include "ir/error.h"
#include "ir/hash.h"
#include "ir/io.h"
#include "ir/version.h"

static const struct {
	const char	*name;
	size_t		 len;
} algtab[IR_HASH_NALG] = {
	[IR_HASH_MD5] = { "md5", 16 },
	[IR_HASH_SHA1] = { "sha1", 20 },
	[IR_HASH_SHA256] = { "sha256", 32 },
};

/*
 * In parallel mode every algorithm but the first has a worker thread; an
 * update publishes (p, n) under a new generation number and waits until
 * every worker has consumed it, so the caller's buffer stays borrowed only
 * for the duration of the call.
 */
struct worker {
	struct ir_hash	*h;
	int		 alg;
	pthread_t	 tid;
	int		 failed;
};

struct ir_hash {
	unsigned int	 algs;
	uint64_t	 nbytes;
	EVP_MD_CTX	*ctx[IR_HASH_NALG];
	const EVP_MD	*md[IR_HASH_NALG];
	int		 own_alg[IR_HASH_NALG];	/* hashed by the caller's thread */

	int		 nworkers;
	struct worker	 workers[IR_HASH_NALG];
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv_work, cv_done;
	const void	*p;
	size_t		 n;
	unsigned long	 gen;
	int		 pending;
	int		 quit;
};

const char *
ir_hash_name(enum ir_hash_alg a)
{
	return (unsigned)a < IR_HASH_NALG ? algtab[a].name : "?";
}

size_t
ir_hash_len(enum ir_hash_alg a)
{
	return (unsigned)a < IR_HASH_NALG ? algtab[a].len : 0;
}

int
ir_hash_lookup(const char *name, size_t len)
{
	int a;

	for (a = 0; a < IR_HASH_NALG; a++)
		if (strlen(algtab[a].name) == len &&
		    strncmp(algtab[a].name, name, len) == 0)
			return a;
	return -1;
}

int
ir_hash_parse_list(const char *list, unsigned int *algs, struct ir_err *e)
{
	const char *p = list, *q;
	unsigned int set = 0;
	int a;

	for (;;) {
		q = strchr(p, ',');
		if (q == NULL)
			q = p + strlen(p);
		if ((a = ir_hash_lookup(p, (size_t)(q - p))) < 0)
			return ir_err_set(e, IR_EINVAL, 0,
			    "unknown hash algorithm '%.*s' (want md5, sha1, "
			    "sha256)", (int)(q - p), p);
		set |= IR_HASH_BIT(a);
		if (*q == '\0')
			break;
		p = q + 1;
	}
	*algs = set;
	return IR_OK;
}

void
ir_digest_hex(const struct ir_digest *d, enum ir_hash_alg a, char *out)
{
	ir_hex(out, d->md[a], ir_hash_len(a));
}

static int
ctx_update(struct ir_hash *h, int a, const void *p, size_t n)
{
	return EVP_DigestUpdate(h->ctx[a], p, n) == 1;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct ir_hash *h = w->h;
	unsigned long seen = 0;

	(void)pthread_mutex_lock(&h->mu);
	for (;;) {
		while (h->gen == seen && !h->quit)
			(void)pthread_cond_wait(&h->cv_work, &h->mu);
		if (h->quit)
			break;
		seen = h->gen;
		(void)pthread_mutex_unlock(&h->mu);
		if (!ctx_update(h, w->alg, h->p, h->n))
			w->failed = 1;
		(void)pthread_mutex_lock(&h->mu);
		if (--h->pending == 0)
			(void)pthread_cond_signal(&h->cv_done);
	}
	(void)pthread_mutex_unlock(&h->mu);
	return NULL;
}

static void
stop_workers(struct ir_hash *h)
{
	int i;

	if (h->nworkers == 0)
		return;
	(void)pthread_mutex_lock(&h->mu);
	h->quit = 1;
	(void)pthread_cond_broadcast(&h->cv_work);
	(void)pthread_mutex_unlock(&h->mu);
	for (i = 0; i < h->nworkers; i++)
		(void)pthread_join(h->workers[i].tid, NULL);
	h->nworkers = 0;
	(void)pthread_cond_destroy(&h->cv_work);
	(void)pthread_cond_destroy(&h->cv_done);
	(void)pthread_mutex_destroy(&h->mu);
}

void
ir_hash_free(struct ir_hash *h)
{
	int a;

	if (h == NULL)
		return;
	stop_workers(h);
	for (a = 0; a < IR_HASH_NALG; a++)
		EVP_MD_CTX_free(h->ctx[a]);
	free(h);
}

static int
start_workers(struct ir_hash *h, struct ir_err *e)
{
	int a, first = 1, rc;

	if (pthread_mutex_init(&h->mu, NULL) != 0 ||
	    pthread_cond_init(&h->cv_work, NULL) != 0 ||
	    pthread_cond_init(&h->cv_done, NULL) != 0)
		return ir_err_set(e, IR_ENOMEM, 0, "cannot set up hash threads");
	for (a = 0; a < IR_HASH_NALG; a++) {
		if (!(h->algs & IR_HASH_BIT(a)))
			continue;
		if (first) {		/* the caller's thread takes the first */
			first = 0;
			h->own_alg[a] = 1;
			continue;
		}
		h->workers[h->nworkers].h = h;
		h->workers[h->nworkers].alg = a;
		rc = pthread_create(&h->workers[h->nworkers].tid, NULL,
		    worker_main, &h->workers[h->nworkers]);
		if (rc != 0) {		/* fall back to hashing it ourselves */
			h->own_alg[a] = 1;
			continue;
		}
		h->nworkers++;
	}
	return IR_OK;
}

int
ir_hash_new(struct ir_hash **hp, unsigned int algs, int flags,
    struct ir_err *e)
{
	struct ir_hash *h;
	int a, n = 0, rc;

	*hp = NULL;
	if (algs == 0 || (algs & ~IR_HASH_ALL) != 0)
		return ir_err_set(e, IR_EINVAL, 0, "no valid hash algorithm");
	/* For library users that skipped ir_init(): no openssl.cnf either. */
	if (ir_init(e) != IR_OK)
		return IR_EDEP;
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	h->algs = algs;
	for (a = 0; a < IR_HASH_NALG; a++) {
		if (!(algs & IR_HASH_BIT(a)))
			continue;
		n++;
		h->md[a] = a == IR_HASH_MD5 ? EVP_md5() :
		    a == IR_HASH_SHA1 ? EVP_sha1() : EVP_sha256();
		if ((h->ctx[a] = EVP_MD_CTX_new()) == NULL ||
		    EVP_DigestInit_ex(h->ctx[a], h->md[a], NULL) != 1) {
			ir_hash_free(h);
			return ir_err_set(e, IR_EDEP, 0,
			    "libcrypto: cannot set up %s", algtab[a].name);
		}
	}
	if ((flags & IR_HASH_PARALLEL) && n > 1) {
		if ((rc = start_workers(h, e)) != IR_OK) {
			ir_hash_free(h);
			return rc;
		}
	} else
		for (a = 0; a < IR_HASH_NALG; a++)
			h->own_alg[a] = (algs & IR_HASH_BIT(a)) != 0;
	*hp = h;
	return IR_OK;
}

unsigned int
ir_hash_algs(const struct ir_hash *h)
{
	return h->algs;
}

int
ir_hash_reset(struct ir_hash *h, struct ir_err *e)
{
	int a;

	h->nbytes = 0;
	for (a = 0; a < IR_HASH_NALG; a++)
		if ((h->algs & IR_HASH_BIT(a)) &&
		    EVP_DigestInit_ex(h->ctx[a], h->md[a], NULL) != 1)
			return ir_err_set(e, IR_EDEP, 0,
			    "libcrypto: cannot restart %s", algtab[a].name);
	return IR_OK;
}

int
ir_hash_update(struct ir_hash *h, const void *p, size_t n, struct ir_err *e)
{
	int a, ok = 1, i;

	if (n == 0)
		return IR_OK;
	if (h->nworkers > 0) {
		(void)pthread_mutex_lock(&h->mu);
		h->p = p;
		h->n = n;
		h->pending = h->nworkers;
		h->gen++;
		(void)pthread_cond_broadcast(&h->cv_work);
		(void)pthread_mutex_unlock(&h->mu);
	}
	for (a = 0; a < IR_HASH_NALG; a++)
		if (h->own_alg[a] && !ctx_update(h, a, p, n))
			ok = 0;
	if (h->nworkers > 0) {
		(void)pthread_mutex_lock(&h->mu);
		while (h->pending > 0)
			(void)pthread_cond_wait(&h->cv_done, &h->mu);
		(void)pthread_mutex_unlock(&h->mu);
		for (i = 0; i < h->nworkers; i++)
			if (h->workers[i].failed)
				ok = 0;
	}
	if (!ok)
		return ir_err_set(e, IR_EDEP, 0, "libcrypto: digest update failed");
	h->nbytes += n;
	return IR_OK;
}

int
ir_hash_final(struct ir_hash *h, struct ir_digest *d, struct ir_err *e)
{
	unsigned int len;
	int a;

	memset(d, 0, sizeof(*d));
	for (a = 0; a < IR_HASH_NALG; a++) {
		if (!(h->algs & IR_HASH_BIT(a)))
			continue;
		if (EVP_DigestFinal_ex(h->ctx[a], d->md[a], &len) != 1)
			return ir_err_set(e, IR_EDEP, 0,
			    "libcrypto: cannot finish %s", algtab[a].name);
	}
	d->algs = h->algs;
	d->nbytes = h->nbytes;
	return IR_OK;
}

int
ir_hash_fd(struct ir_hash *h, int fd, struct ir_digest *d, struct ir_err *e)
{
	enum { BUFSZ = 1 << 20 };
	unsigned char *buf;
	ssize_t n;
	int rc;

	if ((buf = malloc(BUFSZ)) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	if ((rc = ir_hash_reset(h, e)) != IR_OK)
		goto out;
	while ((n = ir_read_full(fd, buf, BUFSZ)) > 0)
		if ((rc = ir_hash_update(h, buf, (size_t)n, e)) != IR_OK)
			goto out;
	if (n < 0) {
		rc = ir_err_set(e, IR_EIO, errno, "read");
		goto out;
	}
	rc = ir_hash_final(h, d, e);
out:
	free(buf);
	return rc;
}

int
ir_sha256_hex(const void *p, size_t n, char out[65], struct ir_err *e)
{
	struct ir_hash *h;
	struct ir_digest d;
	int rc;

	if ((rc = ir_hash_new(&h, IR_HASH_BIT(IR_HASH_SHA256), 0, e)) != IR_OK)
		return rc;
	if ((rc = ir_hash_update(h, p, n, e)) == IR_OK &&
	    (rc = ir_hash_final(h, &d, e)) == IR_OK)
		ir_digest_hex(&d, IR_HASH_SHA256, out);
	ir_hash_free(h);
	return rc;
}
