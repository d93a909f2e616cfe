/*
 * pack: the package writer.  See include/ir/pack.h for the layout.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "ir/age.h"
#include "ir/bagit.h"
#include "ir/buf.h"
#include "ir/case.h"
#include "ir/error.h"
#include "ir/file.h"
#include "ir/hash.h"
#include "ir/io.h"
#include "ir/pack.h"
#include "ir/pgzip.h"
#include "ir/tar.h"
#include "ir/version.h"
#include "ir/walk.h"

#define CHUNK		(1U << 20)
#define MAX_META	(1U << 20)
#define MAX_CUSTODY	(256U << 20)

struct logged {
	char		*path;		/* relative to the case directory */
	char		 sha[65];
	int		 seen;
};

struct sink {
	int		 fd;
	struct ir_hash	*h;		/* of the package bytes */
	uint64_t	 n;
};

struct packer {
	const struct ir_pack_opts *o;
	struct ir_pack_info *info;
	const char	*casedir;
	struct ir_tar	*tar;
	struct ir_pgzip	*gz;
	struct ir_hash	*h;		/* of each member */
	struct ir_buf	 manifest, links, name;
	unsigned char	*buf;
	dev_t		 outdev;
	ino_t		 outino;
	int		 outreg;
	struct logged	*logged;
	size_t		 nlogged;
	char		 case_sha[65], custody_sha[65], bagit_sha[65];
	int		 have_custody;
	uint64_t	 bytes;
	struct ir_time	 now;
};

static int
sink_write(void *arg, const void *buf, size_t n, struct ir_err *e)
{
	struct sink *s = arg;
	int rc;

	if ((rc = ir_hash_update(s->h, buf, n, e)) != IR_OK)
		return rc;
	if (ir_write_full(s->fd, buf, n) < 0)
		return ir_err_set(e, IR_EIO, errno, "cannot write the package");
	s->n += n;
	return IR_OK;
}

static int
gz_write(void *arg, const void *buf, size_t n, struct ir_err *e)
{
	return ir_pgzip_write(arg, buf, n, e);
}

static int
age_write(void *arg, const void *buf, size_t n, struct ir_err *e)
{
	return ir_age_enc_write(arg, buf, n, e);
}

/* The case id as a directory name: [A-Za-z0-9._+@-], else '_'. */
static void
top_name(const char *id, char *out, size_t outsz)
{
	size_t i, n = strlen(id);

	if (n > outsz - 1)
		n = outsz - 1;
	if (n > 100)
		n = 100;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)id[i];

		out[i] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("._+@-", c) != NULL ?
		    (char)c : '_';
	}
	out[n] = '\0';
	if (n == 0 || strcmp(out, ".") == 0 || strcmp(out, "..") == 0)
		(void)snprintf(out, outsz, "case");
}

static int
logged_cmp(const void *a, const void *b)
{
	return strcmp(((const struct logged *)a)->path,
	    ((const struct logged *)b)->path);
}

/* Every output the custody log names, with its logged SHA-256. */
static int
load_logged(struct packer *p, const struct ir_buf *log, struct ir_err *e)
{
	const char *q = log->buf, *end = log->buf + log->len, *nl;
	json_t *o, *outs, *it;
	const char *path, *sum;
	struct logged *l;
	size_t i, cap = 0;

	for (; q < end; q = nl + 1) {
		nl = memchr(q, '\n', (size_t)(end - q));
		if ((o = json_loadb(q, (size_t)(nl - q), 0, NULL)) == NULL)
			return ir_err_set(e, IR_EFORMAT, 0, "custody log: "
			    "unreadable entry");
		outs = json_object_get(o, "outputs");
		for (i = 0; i < json_array_size(outs); i++) {
			it = json_array_get(outs, i);
			path = json_string_value(json_object_get(it, "path"));
			sum = json_string_value(json_object_get(it, "sha256"));
			if (path == NULL || sum == NULL || strlen(sum) != 64) {
				json_decref(o);
				return ir_err_set(e, IR_EFORMAT, 0, "custody "
				    "log: an output without path or sha256");
			}
			if (p->nlogged == cap) {
				cap = cap ? cap * 2 : 64;
				if ((l = realloc(p->logged, cap *
				    sizeof(*l))) == NULL) {
					json_decref(o);
					return ir_err_set(e, IR_ENOMEM, 0,
					    "out of memory");
				}
				p->logged = l;
			}
			l = &p->logged[p->nlogged];
			if ((l->path = strdup(path)) == NULL) {
				json_decref(o);
				return ir_err_set(e, IR_ENOMEM, 0,
				    "out of memory");
			}
			memcpy(l->sha, sum, 65);
			l->seen = 0;
			p->nlogged++;
		}
		json_decref(o);
	}
	if (p->nlogged > 0)
		qsort(p->logged, p->nlogged, sizeof(*p->logged), logged_cmp);
	return IR_OK;
}

/*
 * Check the case before anything is written: case.json, the custody
 * chain, and what goes into bag-info.txt.
 */
static int
check_case(struct packer *p, int dirfd, struct ir_err *e)
{
	struct ir_buf meta = IR_BUF_INIT(MAX_META), log = IR_BUF_INIT(MAX_CUSTODY);
	struct ir_pack_info *info = p->info;
	struct ir_err le;
	json_error_t jerr;
	json_t *o;
	const char *id, *last;
	size_t n, i, start;
	int rc;

	rc = ir_read_file(dirfd, "case.json", &meta, &le);
	if (rc != IR_OK && le.sys_errno == ENOENT) {
		rc = ir_err_set(e, IR_EINVAL, 0, "'%s' is not a case directory "
		    "(no case.json): tools make one with --case", p->casedir);
		goto out;
	}
	if (rc != IR_OK) {
		rc = ir_err_set(e, rc, 0, "%s: %s", p->casedir, le.msg);
		goto out;
	}
	if ((o = json_loadb(meta.buf, meta.len, 0, &jerr)) == NULL) {
		rc = ir_err_set(e, IR_EFORMAT, 0, "%s/case.json: %s",
		    p->casedir, jerr.text);
		goto out;
	}
	id = json_string_value(json_object_get(o, "case_id"));
	(void)snprintf(info->case_id, sizeof(info->case_id), "%s",
	    id != NULL ? id : "");
	json_decref(o);
	if (id == NULL) {
		rc = ir_err_set(e, IR_EFORMAT, 0, "%s/case.json has no case_id",
		    p->casedir);
		goto out;
	}
	top_name(info->case_id, info->top, sizeof(info->top));
	if ((rc = ir_sha256_hex(meta.buf, meta.len, p->case_sha, e)) != IR_OK)
		goto out;
	rc = ir_read_file(dirfd, "custody.jsonl", &log, &le);
	if (rc != IR_OK && le.sys_errno == ENOENT)
		rc = IR_OK;		/* no tool logged anything yet */
	else if (rc != IR_OK) {
		rc = ir_err_set(e, rc, 0, "%s: %s", p->casedir, le.msg);
		goto out;
	} else
		p->have_custody = 1;
	if ((rc = ir_custody_verify_mem(log.buf, log.len, p->case_sha, &n,
	    e)) != IR_OK) {
		ir_err_prefix(e, "%s: the custody chain does not hold "
		    "(not packing it)", p->casedir);
		goto out;
	}
	info->custody_entries = n;
	if ((rc = ir_sha256_hex(log.buf, log.len, p->custody_sha, e)) != IR_OK)
		goto out;
	if (log.len == 0)
		memcpy(info->custody_head, p->case_sha, 65);
	else {
		/* The last line, without its '\n'. */
		for (start = 0, i = 0; i + 1 < log.len; i++)
			if (log.buf[i] == '\n')
				start = i + 1;
		last = log.buf + start;
		if ((rc = ir_sha256_hex(last, log.len - start - 1,
		    info->custody_head, e)) != IR_OK)
			goto out;
	}
	rc = load_logged(p, &log, e);
out:
	ir_buf_release(&meta);
	ir_buf_release(&log);
	return rc;
}

static struct logged *
find_logged(struct packer *p, const char *rel)
{
	struct logged key, *l;

	if (p->nlogged == 0)
		return NULL;
	key.path = (char *)(uintptr_t)rel;
	l = bsearch(&key, p->logged, p->nlogged, sizeof(*l), logged_cmp);
	/* Back to the first of equal paths. */
	while (l != NULL && l > p->logged && strcmp(l[-1].path, rel) == 0)
		l--;
	return l;
}

/* p->name = "<top>/<sub><rel>" */
static int
set_name(struct packer *p, const char *sub, const char *rel, int dir,
    struct ir_err *e)
{
	ir_buf_reset(&p->name);
	if (ir_buf_addf(&p->name, e, "%s/%s%s%s", p->info->top, sub, rel,
	    dir && *rel != '\0' ? "/" : "") != IR_OK)
		return e != NULL ? e->code : IR_ENOMEM;
	return IR_OK;
}

static void
entry_from_stat(struct ir_tar_entry *en, const struct stat *st)
{
	memset(en, 0, sizeof(*en));
	en->mode = st->st_mode & 07777;
	en->uid = st->st_uid;
	en->gid = st->st_gid;
	en->mtime = st->st_mtim.tv_sec;
	en->mtime_nsec = (int32_t)st->st_mtim.tv_nsec;
}

/* A generated tag file or directory: now, owner-only. */
static void
entry_now(struct packer *p, struct ir_tar_entry *en, enum ir_tar_type type,
    uint64_t size)
{
	memset(en, 0, sizeof(*en));
	en->type = type;
	en->mode = type == IR_TAR_DIR ? 0700 : 0600;
	en->uid = getuid();
	en->gid = getgid();
	en->size = size;
	en->mtime = p->now.sec;
	en->mtime_nsec = p->now.nsec;
}

static int
add_tag(struct packer *p, const char *file, const struct ir_buf *content,
    char sha[65], struct ir_err *e)
{
	struct ir_tar_entry en;
	int rc;

	if ((rc = set_name(p, "", file, 0, e)) != IR_OK)
		return rc;
	entry_now(p, &en, IR_TAR_REG, content->len);
	en.name = p->name.buf;
	if ((rc = ir_tar_add(p->tar, &en, content->buf, e)) != IR_OK)
		return rc;
	p->info->members++;
	return sha != NULL ? ir_sha256_hex(content->buf, content->len, sha, e) :
	    IR_OK;
}

/*
 * A symlink pointing out of the case (ir-collect keeps the links it
 * copies, such as /etc/systemd/system/x.service -> /lib/...): packed as a
 * small file holding its target, in the manifest like any file, so that no
 * link of an extracted package leads out of it.  The collect records say
 * it was a link and where it pointed.
 */
static int
pack_link_as_file(struct packer *p, const char *rel, const struct stat *st,
    const char *target, size_t n, struct ir_err *e)
{
	struct ir_tar_entry en;
	char hex[65];
	int rc;

	entry_from_stat(&en, st);
	en.name = p->name.buf;
	en.type = IR_TAR_REG;
	en.mode = 0644;
	en.size = n;
	if ((rc = ir_tar_add(p->tar, &en, target, e)) != IR_OK ||
	    (rc = ir_sha256_hex(target, n, hex, e)) != IR_OK)
		return rc;
	p->info->members++;
	p->info->payload_files++;
	p->info->payload_bytes += n;
	ir_buf_reset(&p->name);
	rc = ir_buf_addf(&p->name, e, "data/%s", rel);
	return rc == IR_OK ? ir_bagit_line(&p->manifest, hex, p->name.buf,
	    p->name.len, e) : rc;
}

static int
pack_file(struct packer *p, int dirfd, const char *name, const char *rel,
    const struct stat *lst, struct ir_err *e)
{
	struct ir_tar_entry en;
	struct ir_digest d;
	struct logged *l;
	struct stat st;
	char hex[65];
	uint64_t left;
	ssize_t got;
	size_t want;
	int fd, rc;

	if ((fd = ir_open_evidence(dirfd, name, 0, e)) < 0)
		return ir_err_prefix(e, "%s/%s", p->casedir, rel);
	if (fstat(fd, &st) != 0) {
		rc = ir_err_set(e, IR_EIO, errno, "%s/%s", p->casedir, rel);
		goto out;
	}
	if (st.st_ino != lst->st_ino || st.st_dev != lst->st_dev ||
	    !S_ISREG(st.st_mode)) {
		rc = ir_err_set(e, IR_EIO, 0, "%s/%s was replaced while it was "
		    "packed", p->casedir, rel);
		goto out;
	}
	if (p->outreg && st.st_dev == p->outdev && st.st_ino == p->outino) {
		rc = ir_err_set(e, IR_EINVAL, 0, "%s/%s is the package being "
		    "written: write it outside the case directory", p->casedir,
		    rel);
		goto out;
	}
	entry_from_stat(&en, &st);
	en.type = IR_TAR_REG;
	en.size = (uint64_t)st.st_size;
	en.name = p->name.buf;
	if ((rc = ir_tar_begin(p->tar, &en, e)) != IR_OK ||
	    (rc = ir_hash_reset(p->h, e)) != IR_OK)
		goto out;
	for (left = en.size; ; left -= (uint64_t)got) {
		if (p->o->stop != NULL && *p->o->stop) {
			rc = ir_err_set(e, IR_EINTR, 0, "interrupted");
			goto out;
		}
		/* One byte more at the end: a file that grew is an error. */
		want = left == 0 ? 1 : left < CHUNK ? (size_t)left : CHUNK;
		if ((got = ir_read_full(fd, p->buf, want)) < 0) {
			rc = ir_err_set(e, IR_EIO, errno, "cannot read %s/%s",
			    p->casedir, rel);
			goto out;
		}
		if (left == 0 && got > 0) {
			rc = ir_err_set(e, IR_EIO, 0, "%s/%s grew while it was "
			    "packed (a tool still writing?)", p->casedir, rel);
			goto out;
		}
		if (left == 0)
			break;
		if ((size_t)got < want) {
			rc = ir_err_set(e, IR_EIO, 0, "%s/%s shrank while it "
			    "was packed: %" PRIu64 " bytes short", p->casedir,
			    rel, left - (uint64_t)got);
			goto out;
		}
		if ((rc = ir_hash_update(p->h, p->buf, (size_t)got, e)) !=
		    IR_OK ||
		    (rc = ir_tar_write(p->tar, p->buf, (size_t)got, e)) != IR_OK)
			goto out;
		p->bytes += (uint64_t)got;
		if (p->o->progress != NULL)
			p->o->progress(p->o->progress_arg, p->bytes);
	}
	if ((rc = ir_tar_end(p->tar, e)) != IR_OK ||
	    (rc = ir_hash_final(p->h, &d, e)) != IR_OK)
		goto out;
	ir_digest_hex(&d, IR_HASH_SHA256, hex);
	/* What the custody chain was checked on is what is packed. */
	if ((strcmp(rel, "case.json") == 0 && strcmp(hex, p->case_sha) != 0) ||
	    (strcmp(rel, "custody.jsonl") == 0 && (!p->have_custody ||
	    strcmp(hex, p->custody_sha) != 0))) {
		rc = ir_err_set(e, IR_EIO, 0, "%s/%s changed while the case "
		    "was packed", p->casedir, rel);
		goto out;
	}
	for (l = find_logged(p, rel); l != NULL && l < p->logged + p->nlogged &&
	    strcmp(l->path, rel) == 0; l++) {
		if (strcmp(l->sha, hex) != 0) {
			rc = ir_err_set(e, IR_EFORMAT, 0, "%s/%s was altered "
			    "after the custody log recorded it (sha256 %s, "
			    "logged %s)", p->casedir, rel, hex, l->sha);
			goto out;
		}
		l->seen = 1;
	}
	p->info->members++;
	p->info->payload_files++;
	p->info->payload_bytes += en.size;
	ir_buf_reset(&p->name);
	rc = ir_buf_addf(&p->name, e, "data/%s", rel);
	if (rc == IR_OK)
		rc = ir_bagit_line(&p->manifest, hex, p->name.buf, p->name.len,
		    e);
out:
	(void)close(fd);
	return rc;
}

static int
pack_entry(struct packer *p, int dirfd, const char *name, struct ir_buf *rel,
    struct ir_err *e)
{
	struct ir_tar_entry en;
	struct stat st;
	char *target = NULL, hex[65];
	ssize_t n;
	int rc;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return ir_err_set(e, IR_EIO, errno, "%s/%s", p->casedir,
		    rel->buf);
	if ((rc = set_name(p, "data/", rel->buf, S_ISDIR(st.st_mode), e)) !=
	    IR_OK)
		return rc;
	if (S_ISREG(st.st_mode))
		return pack_file(p, dirfd, name, rel->buf, &st, e);
	entry_from_stat(&en, &st);
	en.name = p->name.buf;
	if (S_ISDIR(st.st_mode)) {	/* its entries come next, from the walk */
		en.type = IR_TAR_DIR;
		if ((rc = ir_tar_add(p->tar, &en, NULL, e)) != IR_OK)
			return rc;
		p->info->members++;
		return IR_OK;
	}
	if (!S_ISLNK(st.st_mode))
		return ir_err_set(e, IR_EUNSUPP, 0, "%s/%s is a %s: a case holds "
		    "files, directories and symlinks only", p->casedir,
		    rel->buf, S_ISFIFO(st.st_mode) ? "FIFO" :
		    S_ISSOCK(st.st_mode) ? "socket" : "device node");
	if ((target = malloc((size_t)st.st_size + 2)) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	n = readlinkat(dirfd, name, target, (size_t)st.st_size + 1);
	if (n < 0 || n > st.st_size) {
		rc = ir_err_set(e, IR_EIO, n < 0 ? errno : 0, "cannot read "
		    "symlink %s/%s", p->casedir, rel->buf);
		goto out;
	}
	target[n] = '\0';
	if (!ir_bagit_link_inside(rel->buf, target)) {
		rc = pack_link_as_file(p, rel->buf, &st, target, (size_t)n, e);
		goto out;
	}
	en.type = IR_TAR_SYMLINK;
	en.link = target;
	if ((rc = ir_tar_add(p->tar, &en, NULL, e)) != IR_OK ||
	    (rc = ir_sha256_hex(target, (size_t)n, hex, e)) != IR_OK)
		goto out;
	p->info->members++;
	ir_buf_reset(&p->name);
	if ((rc = ir_buf_addf(&p->name, e, "data/%s", rel->buf)) == IR_OK)
		rc = ir_bagit_line(&p->links, hex, p->name.buf, p->name.len, e);
out:
	free(target);
	return rc;
}

struct packwalk {
	struct packer	*p;
	struct ir_buf	*rel;
	struct ir_err	*e;
	size_t		 rootlen;
	int		 rc;
};

/*
 * One object of the case, in the walk's order (a directory before its
 * entries, names in byte order): libir's walk holds a bounded number of
 * directory fds however deep the case is (ir-collect copies whatever
 * depth a host has).
 */
static enum ir_walk_act
pack_one(struct ir_walk_ent *ent, void *arg)
{
	struct packwalk *w = arg;
	const struct ir_file *f = ent->file;
	const char *r;

	if (f->depth == 0) {		/* the case directory itself */
		w->rootlen = f->pathlen;
		return IR_WALK_CONTINUE;
	}
	if (f->error[0] != '\0') {
		w->rc = ir_err_set(w->e, IR_EIO, 0, "%s: %s", f->path,
		    f->error);
		return IR_WALK_STOP;
	}
	r = f->path + w->rootlen;
	if (*r == '/')
		r++;
	ir_buf_reset(w->rel);
	if ((w->rc = ir_buf_addstr(w->rel, r, w->e)) != IR_OK ||
	    (w->rc = pack_entry(w->p, ent->dirfd, ent->relname, w->rel,
	    w->e)) != IR_OK)
		return IR_WALK_STOP;
	return IR_WALK_CONTINUE;
}

static int
pack_tree(struct packer *p, struct ir_buf *rel, struct ir_err *e)
{
	struct packwalk w = { p, rel, e, 0, IR_OK };
	struct ir_walk_opts o = { 0, 0, NULL };
	struct ir_err we;
	unsigned long nerr = 0;
	int rc;

	o.stop = p->o->stop;
	/* pack_one's error, in e, is the one to tell: the walk's is "stopped". */
	rc = ir_walk_tree(p->casedir, &o, pack_one, &w, &nerr, &we);
	if (w.rc != IR_OK)
		return w.rc;
	if (rc != IR_OK)
		*e = we;
	return rc;
}

static int
bag_info(struct packer *p, struct ir_buf *b, struct ir_err *e)
{
	struct ir_pack_info *info = p->info;
	char id[sizeof(info->case_id)], date[16];
	time_t t = (time_t)p->now.sec;
	struct tm tm;
	size_t i;

	/* One line per label: no control characters in the value. */
	for (i = 0; info->case_id[i] != '\0'; i++)
		id[i] = (unsigned char)info->case_id[i] < 0x20 ||
		    info->case_id[i] == 0x7f ? '?' : info->case_id[i];
	id[i] = '\0';
	(void)gmtime_r(&t, &tm);
	(void)strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	return ir_buf_addf(b, e,
	    "Bag-Software-Agent: irkit ir-pack %s\n"
	    "Bagging-Date: %s\n"
	    "External-Identifier: %s\n"
	    "Payload-Oxum: %" PRIu64 ".%" PRIu64 "\n"
	    "Custody-Entries: %" PRIu64 "\n"
	    "Custody-Head: %s\n",
	    ir_version(), date, id, info->payload_bytes, info->payload_files,
	    info->custody_entries, info->custody_head);
}

/* The tag files after the payload, and the end of the tar. */
static int
seal(struct packer *p, struct ir_err *e)
{
	struct ir_buf info = IR_BUF_INIT(MAX_META), tags = IR_BUF_INIT(MAX_META);
	char sha[65];
	size_t i;
	int rc;

	if ((rc = ir_bagit_line(&tags, p->bagit_sha, "bagit.txt", 9, e)) !=
	    IR_OK ||
	    (rc = add_tag(p, "manifest-sha256.txt", &p->manifest, sha, e)) !=
	    IR_OK ||
	    (rc = ir_bagit_line(&tags, sha, "manifest-sha256.txt", 19, e)) !=
	    IR_OK)
		goto out;
	if (p->links.len > 0 &&
	    ((rc = add_tag(p, "irkit-links.txt", &p->links, sha, e)) != IR_OK ||
	    (rc = ir_bagit_line(&tags, sha, "irkit-links.txt", 15, e)) != IR_OK))
		goto out;
	for (i = 0; i < p->nlogged; i++)
		if (!p->logged[i].seen) {
			rc = ir_err_set(e, IR_EFORMAT, 0, "%s/%s is in the "
			    "custody log but not in the case directory",
			    p->casedir, p->logged[i].path);
			goto out;
		}
	if ((rc = bag_info(p, &info, e)) != IR_OK ||
	    (rc = add_tag(p, "bag-info.txt", &info, sha, e)) != IR_OK ||
	    (rc = ir_bagit_line(&tags, sha, "bag-info.txt", 12, e)) != IR_OK)
		goto out;
	if ((rc = add_tag(p, "tagmanifest-sha256.txt", &tags, p->info->seal,
	    e)) != IR_OK)
		goto out;
	rc = ir_tar_finish(p->tar, e);
out:
	ir_buf_release(&info);
	ir_buf_release(&tags);
	return rc;
}

/* bagit.txt goes first: it is what says "a bag". */
static int
start(struct packer *p, int casefd, struct ir_err *e)
{
	struct ir_buf bagit = IR_BUF_INIT(256);
	struct ir_tar_entry en;
	struct stat st;
	int rc;

	if (fstat(casefd, &st) != 0)
		return ir_err_set(e, IR_EIO, errno, "%s", p->casedir);
	if ((rc = set_name(p, "", "", 1, e)) != IR_OK)
		return rc;
	entry_now(p, &en, IR_TAR_DIR, 0);
	en.name = p->name.buf;
	if ((rc = ir_tar_add(p->tar, &en, NULL, e)) != IR_OK)
		return rc;
	p->info->members++;
	if ((rc = ir_buf_addstr(&bagit, IR_BAGIT_TXT, e)) == IR_OK)
		rc = add_tag(p, "bagit.txt", &bagit, p->bagit_sha, e);
	ir_buf_release(&bagit);
	if (rc != IR_OK || (rc = set_name(p, "data/", "", 1, e)) != IR_OK)
		return rc;
	entry_from_stat(&en, &st);
	en.type = IR_TAR_DIR;
	en.name = p->name.buf;
	if ((rc = ir_tar_add(p->tar, &en, NULL, e)) != IR_OK)
		return rc;
	p->info->members++;
	return IR_OK;
}

int
ir_pack_write(const char *casedir, int outfd, const struct ir_pack_opts *o,
    struct ir_pack_info *info, struct ir_err *e)
{
	struct packer p;
	struct sink s;
	struct stat ost;
	struct ir_buf rel = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct ir_digest d;
	struct ir_age_enc *age = NULL;
	int casefd = -1, rc;
	size_t i;

	memset(info, 0, sizeof(*info));
	memset(&p, 0, sizeof(p));
	memset(&s, 0, sizeof(s));
	p.o = o;
	p.info = info;
	p.casedir = casedir;
	p.now = ir_time_now();
	ir_buf_init(&p.manifest, IR_BUF_NOLIMIT);
	ir_buf_init(&p.links, IR_BUF_NOLIMIT);
	ir_buf_init(&p.name, IR_BUF_NOLIMIT);
	if (o->nrecip > 0 && o->passphrase != NULL)
		return ir_err_set(e, IR_EINVAL, 0, "a passphrase excludes "
		    "recipients");
	if (fstat(outfd, &ost) == 0 && S_ISREG(ost.st_mode)) {
		p.outreg = 1;
		p.outdev = ost.st_dev;
		p.outino = ost.st_ino;
	}
	s.fd = outfd;
	casefd = open(casedir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (casefd < 0)
		return ir_err_set(e, IR_EIO, errno, "cannot open case directory "
		    "'%s'", casedir);
	if ((rc = check_case(&p, casefd, e)) != IR_OK)
		goto out;
	if ((p.buf = malloc(CHUNK)) == NULL) {
		rc = ir_err_set(e, IR_ENOMEM, 0, "out of memory");
		goto out;
	}
	if ((rc = ir_hash_new(&p.h, IR_HASH_BIT(IR_HASH_SHA256), 0, e)) !=
	    IR_OK ||
	    (rc = ir_hash_new(&s.h, IR_HASH_BIT(IR_HASH_SHA256), 0, e)) !=
	    IR_OK)
		goto out;
	/* tar -> gzip on every core -> [age] -> the descriptor. */
	if ((o->nrecip > 0 || o->passphrase != NULL) &&
	    (rc = ir_age_enc_new(&age, o->recipients, o->nrecip,
	    o->passphrase, sink_write, &s, e)) != IR_OK)
		goto out;
	info->encrypted = age != NULL;
	if ((rc = ir_pgzip_new(&p.gz, o->level > 0 ? o->level : 6,
	    o->nthreads, age != NULL ? age_write : sink_write,
	    age != NULL ? (void *)age : (void *)&s, e)) != IR_OK ||
	    (rc = ir_tar_new(&p.tar, gz_write, p.gz, e)) != IR_OK)
		goto out;
	if ((rc = start(&p, casefd, e)) != IR_OK ||
	    (rc = pack_tree(&p, &rel, e)) != IR_OK ||
	    (rc = seal(&p, e)) != IR_OK ||
	    (rc = ir_pgzip_finish(p.gz, e)) != IR_OK ||
	    (age != NULL && (rc = ir_age_enc_finish(age, e)) != IR_OK) ||
	    (rc = ir_hash_final(s.h, &d, e)) != IR_OK)
		goto out;
	ir_digest_hex(&d, IR_HASH_SHA256, info->sha256);
	info->tar_bytes = ir_tar_offset(p.tar);
	info->out_bytes = s.n;
out:
	if (casefd >= 0)
		(void)close(casefd);
	ir_tar_free(p.tar);
	ir_pgzip_free(p.gz);
	ir_age_enc_free(age);
	ir_hash_free(p.h);
	ir_hash_free(s.h);
	free(p.buf);
	for (i = 0; i < p.nlogged; i++)
		free(p.logged[i].path);
	free(p.logged);
	ir_buf_release(&p.manifest);
	ir_buf_release(&p.links);
	ir_buf_release(&p.name);
	ir_buf_release(&rel);
	return rc;
}
