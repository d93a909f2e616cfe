/*
 * ir-collect: copy the artifacts named by the catalogue (accounts, ssh,
 * persistence, logs, histories, temporary directories ...) from a live
 * root into a case, in one walk of the root, with metadata and SHA-256,
 * and say for every catalogue entry what became of it: collected, empty,
 * skipped (why), failed (errno) or truncated.  --raw also lists chosen
 * directories through libtsk from the block device and reports names the
 * mounted view hides.
 */
#include <sys/resource.h>
#include <sys/sysmacros.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "collect.h"
#include "collect_copy.h"
#include "collect_plan.h"
#include "collect_raw.h"
#include "ir/pack.h"
#include "tool.h"

#define DEFAULT_MIN_FREE	(64ULL << 20)

static const struct option longopts[] = {
	{ "artifact-deadline",	required_argument,	NULL, 'A' },
	TOOL_CASE_LONGOPTS,
	{ "catalog",		required_argument,	NULL, 'c' },
	{ "deadline",		required_argument,	NULL, 'D' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "list",		no_argument,		NULL, 'l' },
	{ "min-free",		required_argument,	NULL, 'M' },
	{ "no-nice",		no_argument,		NULL, 'N' },
	{ "output",		required_argument,	NULL, 'o' },
	{ "raw",		no_argument,		NULL, 'R' },
	{ "root",		required_argument,	NULL, 'r' },
	{ "since",		required_argument,	NULL, 'S' },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 }
};

static __dead void
usage(int status)
{
	FILE *fp = status == 0 ? stdout : stderr;

	(void)fprintf(fp,
"usage: %s [--catalog file|dir] [--root dir] [--since date] [--raw]\n"
"              [--deadline time] [--artifact-deadline time] [--min-free size]\n"
"              [--no-nice] --case dir | -o dir\n"
"       %s [--catalog file|dir] --list\n"
"Copy the artifacts the catalogue names (accounts, ssh, persistence, logs,\n"
"histories, temporary directories ...) from the root into a case, in one\n"
"walk, with metadata and SHA-256; one outcome record per catalogue entry.\n"
"  -c, --catalog PATH        a catalogue file or directory of *.json (default:\n"
"                            the kit's catalog/); may be given several times\n"
"  -r, --root DIR            collect from DIR (a mounted image, a chroot), not /\n"
"  -o, --output DIR          copies in DIR/collect/, records in DIR/collect.jsonl\n"
"      --case DIR            copies in DIR/collect/, records in the case, logged\n"
"                            in its custody chain (--case-id, --examiner)\n"
"      --since DATE          only files modified or changed since DATE\n"
"                            (2026-11-30 or 2026-11-30T12:00:00Z)\n"
"      --raw                 list the high-value directories also through\n"
"                            libtsk from their block device: report hidden names\n"
"      --deadline TIME       stop after TIME (90, 90s, 5m, 1h) in all\n"
"      --artifact-deadline TIME  at most TIME copying one artifact's files\n"
"      --min-free SIZE       stop when the output has less free (default 64M)\n"
"      --no-nice             do not lower CPU and I/O priority\n"
"  -l, --list                print the catalogue (JSON Lines) and exit\n"
"Exit: 0 complete, 1 complete with findings (--raw), 2 usage or setup error,\n"
"3 incomplete (an artifact failed or was truncated, interrupted).\n",
	    tool_progname(), tool_progname());
	exit(status);
}

static double
now_mono(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* "90", "90s", "5m", "1h" to seconds. */
static int
parse_duration(const char *s, double *out)
{
	char *end;
	double v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || v <= 0)
		return -1;
	if (*end == 'm')
		v *= 60, end++;
	else if (*end == 'h')
		v *= 3600, end++;
	else if (*end == 's')
		end++;
	if (*end != '\0')
		return -1;
	*out = v;
	return 0;
}

/* "2026-11-30" or the ISO form ir_time_parse takes. */
static int
parse_since(const char *s, struct ir_time *t)
{
	char buf[64];

	if (strlen(s) == 10 && s[4] == '-' && s[7] == '-') {
		(void)snprintf(buf, sizeof(buf), "%sT00:00:00Z", s);
		s = buf;
	}
	return ir_time_parse(s, t);
}

static int
time_before(const struct ir_time *a, const struct ir_time *b)
{
	return a->sec < b->sec || (a->sec == b->sec && a->nsec < b->nsec);
}

/* --- records --------------------------------------------------------- */

static void
astat_reason(struct astat *s, const char *fmt, const char *arg)
{
	if (s->reason[0] == '\0')
		(void)snprintf(s->reason, sizeof(s->reason), fmt, arg);
}

static void
astat_fail(struct astat *s, int err, const char *path, const char *msg)
{
	s->failed++;
	if (s->err == 0)
		s->err = err;
	if (s->error[0] == '\0')
		(void)snprintf(s->error, sizeof(s->error), "%s: %s", path, msg);
}

/* The record of one matched object. */
static void
file_record(struct coll *c, const struct ir_file *fi, size_t art,
    const struct ccopy_res *r, int err)
{
	struct ir_field f[IR_FILE_MAXFIELDS + 12];
	char scratch[IR_FILE_SCRATCH][IR_HASH_MAXLEN * 2 + 1];
	struct ir_err e;
	size_t n, i;

	n = ir_file_fields(fi, f, scratch);
	f[n++] = IR_FSTR("artifact", c->cat.v[art].name);
	/* Named by several artifacts: all of them, in catalogue order. */
	ir_buf_reset(&c->scratch);
	if (c->narts > 1) {
		for (i = 0; i < c->narts; i++)
			if (ir_buf_addstr(&c->scratch, i == 0 ? "[" : ",", &e) !=
			    IR_OK || ir_json_quote(&c->scratch,
			    c->cat.v[c->arts[i]].name,
			    strlen(c->cat.v[c->arts[i]].name), &e) != IR_OK)
				break;
		if (i == c->narts && ir_buf_addch(&c->scratch, ']', &e) ==
		    IR_OK)
			f[n++] = IR_FRAW("artifacts", c->scratch.buf);
	}
	if (r != NULL) {
		if (r->made != NULL) {
			(void)snprintf(c->outrel, sizeof(c->outrel), "%s/%s",
			    c->outdir, r->made);
			f[n++] = IR_FSTR("output", c->outrel);
		}
		if (S_ISREG(fi->mode)) {
			f[n++] = IR_FBOOL("changed_while_copied", r->changed);
			if (r->copied != fi->size || r->truncated ||
			    r->interrupted)
				f[n++] = IR_FU64("copied", r->copied);
		}
		if (r->truncated)
			f[n++] = IR_FBOOL("truncated", 1);
		if (r->interrupted)
			f[n++] = IR_FBOOL("interrupted", 1);
		if (r->xattrs.len > 0)
			f[n++] = IR_FRAW("xattrs", r->xattrs.buf);
	}
	if (err != 0)
		f[n++] = IR_FI64("errno", err);
	if (ir_writer_record(c->w, f, n, &e) != IR_OK)
		c->out_failed = 1;
	c->nrecords++;
}

/* --- the walk -------------------------------------------------------- */

/* Stop the collection at rel (not done): why. */
static void
stop_at(struct coll *c, const char *rel, const char *why)
{
	if (c->stop_reason[0] != '\0')
		return;
	(void)snprintf(c->stop_reason, sizeof(c->stop_reason), "%s", why);
	(void)snprintf(c->stop_path, sizeof(c->stop_path), "%s", rel);
}

static int
copy_expired(void *arg)
{
	struct coll *c = arg;
	double t = now_mono();
	size_t i;

	if (tool_stop)
		return 1;
	if (c->deadline > 0 && t >= c->deadline)
		return 1;
	if (c->art_deadline > 0 && c->narts > 0) {
		/* Every artifact naming the file is out of time. */
		for (i = 0; i < c->narts; i++)
			if (c->st[c->arts[i]].secs + (t - c->copy_started) <
			    c->art_deadline)
				return 0;
		return 1;
	}
	return 0;
}

static const char *
mount_fstype(const struct coll *c, uint64_t dev)
{
	size_t i;

	for (i = 0; i < c->nmounts; i++)
		if (((uint64_t)c->mounts[i].major << 32 |
		    c->mounts[i].minor) == dev)
			return c->mounts[i].fstype;
	return NULL;
}

/* Mounts never entered: the network, and what is not data. */
static int
network_fs(const char *t)
{
	static const char *const net[] = { "nfs", "nfs4", "cifs", "smb3",
	    "smbfs", "ncpfs", "9p", "ceph", "glusterfs", "afs", "lustre",
	    "fuse.sshfs", "fuse.rclone", "fuse.s3fs", "fuse.gcsfuse",
	    "fuse.glusterfs", "davfs", "fuse.davfs2", "autofs", NULL };
	size_t i;

	for (i = 0; net[i] != NULL; i++)
		if (strcmp(t, net[i]) == 0)
			return 1;
	return 0;
}

static int
pseudo_fs(const char *t)
{
	static const char *const ps[] = { "proc", "sysfs", "devtmpfs",
	    "devpts", "cgroup", "cgroup2", "securityfs", "debugfs", "tracefs",
	    "bpf", "pstore", "configfs", "fusectl", "mqueue", "hugetlbfs",
	    "binfmt_misc", "efivarfs", "nsfs", "rpc_pipefs", "selinuxfs",
	    NULL };
	size_t i;

	for (i = 0; ps[i] != NULL; i++)
		if (strcmp(t, ps[i]) == 0)
			return 1;
	return 0;
}

static int
grow_stack(struct coll *c, size_t depth, size_t need, struct ir_err *e)
{
	struct cstack *ns;
	struct calive *na;
	size_t i;

	if (depth >= c->nstack) {
		if ((ns = reallocarray(c->stack, depth + 16, sizeof(*ns))) ==
		    NULL)
			return ir_err_set(e, IR_ENOMEM, ENOMEM, "out of memory");
		for (i = c->nstack; i < depth + 16; i++)
			memset(&ns[i], 0, sizeof(ns[i]));
		c->stack = ns;
		c->nstack = depth + 16;
	}
	if (c->stack[depth].cap < need) {
		if ((na = reallocarray(c->stack[depth].v, need,
		    sizeof(*na))) == NULL)
			return ir_err_set(e, IR_ENOMEM, ENOMEM, "out of memory");
		c->stack[depth].v = na;
		c->stack[depth].cap = need;
	}
	return IR_OK;
}

/* One regular copy for the custody entry: its path in the case, digest. */
static void
add_copy(struct coll *c, const char *made, const struct ir_digest *d)
{
	char hex[65];

	ir_digest_hex(d, IR_HASH_SHA256, hex);
	tool_outputs_add(&c->copies, c->outdir, made, hex);
}

/* Copy or record one object the catalogue names; 0, or -1 to stop. */
static int
take(struct coll *c, struct ir_walk_ent *ent, const char *rel)
{
	struct ir_file fi = *ent->file;
	struct ccopy_res r;
	struct statvfs vfs;
	uint64_t max = 0;
	struct astat *s;
	size_t i, a0 = c->arts[0];
	char why[128], *outrel = NULL;
	double t0;
	int err, left, islink;

	fi.path = rel;
	fi.pathlen = strlen(rel);
	fi.source = c->root;
	for (i = 0; i < c->narts; i++)
		if (c->cat.v[c->arts[i]].max_size > max)
			max = c->cat.v[c->arts[i]].max_size;
	if (fi.error[0] != '\0' && fi.mode == 0) {
		/* Not even examined: say why, with the errno. */
		err = fstatat(ent->dirfd, ent->relname, &(struct stat){ 0 },
		    AT_SYMLINK_NOFOLLOW) != 0 ? errno : EIO;
		for (i = 0; i < c->narts; i++) {
			s = &c->st[c->arts[i]];
			if (err != ENOENT) {
				astat_fail(s, err, rel, fi.error);
				continue;
			}
			/* Gone between the listing and now: not a failure. */
			s->skipped++;
			s->vanished++;
		}
		file_record(c, &fi, a0, NULL, err);
		return 0;
	}
	if (c->have_since && time_before(&fi.mtime, &c->since) &&
	    time_before(&fi.ctime, &c->since) && (!fi.crtime.valid ||
	    time_before(&fi.crtime, &c->since))) {
		for (i = 0; i < c->narts; i++)
			c->st[c->arts[i]].old++;
		return 0;
	}
	if (S_ISDIR(fi.mode)) {
		for (i = 0; i < c->narts; i++)
			c->st[c->arts[i]].dirs++;
		file_record(c, &fi, a0, NULL, 0);
		return 0;
	}
	if (!S_ISREG(fi.mode) && !S_ISLNK(fi.mode)) {
		(void)snprintf(why, sizeof(why), "a %s: no content to copy",
		    ir_file_kind(fi.mode));
		fi.skipped = why;
		for (i = 0; i < c->narts; i++) {
			c->st[c->arts[i]].skipped++;
			astat_reason(&c->st[c->arts[i]], "%s", "special files "
			    "(fifo, socket, device) have no content to copy");
		}
		file_record(c, &fi, a0, NULL, 0);
		return 0;
	}
	if (ent->pseudo_fs || (c->cur_fstype != NULL &&
	    pseudo_fs(c->cur_fstype))) {
		fi.skipped = "on a pseudo file system: content is not data";
		for (i = 0; i < c->narts; i++) {
			c->st[c->arts[i]].skipped++;
			astat_reason(&c->st[c->arts[i]], "%s", fi.skipped);
		}
		file_record(c, &fi, a0, NULL, 0);
		return 0;
	}
	if (c->art_deadline > 0) {
		/* Left only when no artifact naming it has time left. */
		for (i = 0, left = 0; i < c->narts; i++)
			if (c->st[c->arts[i]].secs < c->art_deadline)
				left = 1;
		if (!left) {
			fi.skipped = "its artifact's --artifact-deadline was "
			    "reached";
			for (i = 0; i < c->narts; i++) {
				c->st[c->arts[i]].deadline_hit = 1;
				c->st[c->arts[i]].skipped++;
			}
			file_record(c, &fi, a0, NULL, 0);
			return 0;
		}
	}
	if (S_ISREG(fi.mode) && fstatvfs(c->cp.outfd, &vfs) == 0 &&
	    (uint64_t)vfs.f_bavail * vfs.f_frsize < c->min_free +
	    (fi.size < max ? fi.size : max)) {
		(void)snprintf(why, sizeof(why), "the output's free space "
		    "would fall below --min-free (%" PRIu64 " bytes)",
		    c->min_free);
		stop_at(c, rel, why);
		return -1;
	}
	islink = S_ISLNK(fi.mode);
	if (c->in_case && ((outrel = strdup(rel + 1)) == NULL ||
	    (outrel = tool_utf8_name(outrel)) == NULL))
		tool_die(IR_EXIT_INCOMPLETE, "out of memory");
	ccopy_res_init(&r);
	c->copy_started = t0 = now_mono();
	if (islink)
		ccopy_link(&c->cp, outrel != NULL ? outrel : rel + 1, &fi, &r);
	else
		ccopy_file(&c->cp, ent->dirfd, ent->relname, outrel != NULL ?
		    outrel : rel + 1, max, &fi, &r);
	t0 = now_mono() - t0;
	free(outrel);
	if (r.error[0] != '\0')
		(void)snprintf(fi.error, sizeof(fi.error), "%s", r.error);
	for (i = 0; i < c->narts; i++) {
		s = &c->st[c->arts[i]];
		s->secs += t0;
		if (r.err == ENOENT && r.made == NULL) {
			s->skipped++;	/* gone before it could be opened */
			s->vanished++;
		} else if (r.err != 0 || r.out_failed)
			astat_fail(s, r.err != 0 ? r.err : EIO, rel, r.error);
		else {
			s->files++;
			s->bytes += r.copied;
			if (r.truncated) {
				s->truncated++;
				astat_reason(s, "%s", "files larger than "
				    "max_size were copied up to it");
			}
			if (r.interrupted) {
				s->truncated++;
				if (c->art_deadline > 0 && s->secs >=
				    c->art_deadline)
					s->deadline_hit = 1;
			}
			if (r.changed)
				s->changed++;
		}
	}
	if (r.err == 0 && !r.out_failed) {
		c->nfiles++;
		c->nbytes += r.copied;
		/* Cut short or changed, it is still what the case holds. */
		if (c->in_case && !islink && r.made != NULL)
			add_copy(c, r.made, &fi.digest);
	}
	file_record(c, &fi, a0, &r, r.err);
	if (r.out_failed) {
		stop_at(c, rel, r.error);
		c->out_failed = 1;
	} else if (r.interrupted && tool_stop)
		stop_at(c, rel, "interrupted");
	else if (r.interrupted && c->deadline > 0 && now_mono() >= c->deadline)
		stop_at(c, rel, "the overall --deadline was reached");
	ccopy_res_release(&r);
	if (ir_progress_add(&c->prog, 1, 0))
		tool_progress(&c->prog, "files", 0);
	return c->stop_reason[0] != '\0' ? -1 : 0;
}

/*
 * A copy is a package member "<top>/data/collect<path>": past this its
 * name would be one ir-verify refuses (IR_PACK_MAX_NAME), so an intruder's
 * tree 30,000 directories deep in /tmp cannot spoil the package.
 */
#define MAX_COPY_PATH	(IR_PACK_MAX_NAME - 1024)

static void
too_long(struct astat *s)
{
	s->truncated++;
	astat_reason(s, "%s", "paths too long for a package were not copied");
}

static enum ir_walk_act
on_ent(struct ir_walk_ent *ent, void *arg)
{
	struct coll *c = arg;
	struct ir_file *f = ent->file;
	size_t depth = (size_t)f->depth, k, i, nin;
	const char *rel, *fstype;
	char msg[300];
	int isdir;

	rel = f->path + c->rootlen;
	if (c->stop_reason[0] != '\0')
		return IR_WALK_STOP;
	if (tool_stop) {
		stop_at(c, rel, "interrupted");
		return IR_WALK_STOP;
	}
	if (c->deadline > 0 && now_mono() >= c->deadline) {
		stop_at(c, rel, "the overall --deadline was reached");
		return IR_WALK_STOP;
	}
	if (depth == 0) {
		if (grow_stack(c, 0, c->plan.n + 1, &c->err) != IR_OK)
			return IR_WALK_STOP;
		for (i = 0; i < c->plan.n; i++) {
			c->stack[0].v[i].pat = (uint32_t)i;
			c->stack[0].v[i].inside = 0;
		}
		c->stack[0].n = c->plan.n;
		c->stack[0].dev = f->dev;
		return IR_WALK_CONTINUE;
	}
	isdir = S_ISDIR(f->mode);
	nin = c->stack[depth - 1].n;
	if (grow_stack(c, depth, nin + 1, &c->err) != IR_OK)
		return IR_WALK_STOP;
	c->narts = 0;
	k = cplan_step(&c->plan, c->stack[depth - 1].v, nin, f->name, depth,
	    isdir, c->stack[depth].v, c->arts, &c->narts);
	c->stack[depth].n = k;
	c->stack[depth].dev = f->dev;
	c->cur_fstype = NULL;
	if (f->dev != c->root_dev || c->nmounts == 0)
		c->cur_fstype = mount_fstype(c, f->dev);
	if (isdir && f->dev == c->excl_dev && f->inode == c->excl_ino) {
		if (k > 0 || c->narts > 0)
			coll_problem(c, rel, "the output directory: not "
			    "collected");
		return IR_WALK_PRUNE;
	}
	if (isdir && (k > 0 || c->narts > 0) && f->dev !=
	    c->stack[depth - 1].dev && (fstype = mount_fstype(c, f->dev)) !=
	    NULL && network_fs(fstype)) {
		(void)snprintf(msg, sizeof(msg), "a %s mount: not entered "
		    "(network file system)", fstype);
		coll_problem(c, rel, msg);
		for (i = 0; i < k; i++)
			astat_reason(&c->st[c->plan.p[c->stack[depth].v[i].pat].
			    art], "%s", "a network mount on the way was not "
			    "entered");
		return IR_WALK_PRUNE;
	}
	if ((c->narts > 0 || (isdir && k > 0)) &&
	    f->pathlen - c->rootlen > MAX_COPY_PATH) {
		for (i = 0; i < c->narts; i++)
			too_long(&c->st[c->arts[i]]);
		for (i = 0; isdir && i < k; i++)
			too_long(&c->st[c->plan.p[c->stack[depth].v[i].pat].
			    art]);
		coll_problem(c, rel, "a path this long cannot be packed: not "
		    "copied, not gone into");
		return IR_WALK_PRUNE;
	}
	if (c->narts > 0 && take(c, ent, rel) != 0)
		return IR_WALK_STOP;
	if (isdir && k > 0 && f->error[0] != '\0') {
		/* A directory on the way that cannot be listed. */
		int err = EIO, fd;

		if ((fd = openat(ent->dirfd, ent->relname, O_RDONLY |
		    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
			err = errno;
		else
			(void)close(fd);
		for (i = 0; i < k; i++)
			astat_fail(&c->st[c->plan.p[c->stack[depth].v[i].pat].
			    art], err, rel, f->error);
		if (c->narts == 0)
			coll_problem(c, rel, f->error);
	}
	if (c->out_failed)
		return IR_WALK_STOP;
	return isdir && k > 0 ? IR_WALK_CONTINUE : IR_WALK_PRUNE;
}

/* --- outcomes -------------------------------------------------------- */

/* Did the walk see everything artifact art can match before it stopped? */
static int
art_done(const struct coll *c, size_t art)
{
	size_t i;

	if (c->stop_reason[0] == '\0')
		return 1;
	if (c->stop_path[0] == '\0')
		return 0;
	for (i = 0; i < c->plan.n; i++)
		if (c->plan.p[i].art == art &&
		    !cplan_done_before(&c->plan.p[i], c->stop_path))
			return 0;
	return 1;
}

static const char *
outcome(const struct coll *c, size_t art, const char **reason)
{
	const struct astat *s = &c->st[art];

	*reason = s->reason[0] != '\0' ? s->reason : NULL;
	if (s->failed > 0)
		return "failed";
	if (s->deadline_hit) {
		*reason = "the --artifact-deadline was reached";
		return s->files > 0 ? "truncated" : "skipped";
	}
	if (!art_done(c, art)) {
		*reason = c->stop_reason;
		return s->files > 0 ? "truncated" : "skipped";
	}
	if (s->truncated > 0)
		return "truncated";
	if (s->files > 0)
		return "collected";
	if (s->old > 0) {
		*reason = "every file is older than --since";
		return "skipped";
	}
	if (s->skipped > 0 || s->reason[0] != '\0')
		return "skipped";
	return "empty";
}

static int
write_outcomes(struct coll *c)
{
	struct ir_field f[16];
	const struct ir_artifact *a;
	const struct astat *s;
	const char *st, *reason;
	struct ir_err e;
	size_t i, n;
	int status = IR_EXIT_OK;
	uint64_t cnt[5] = { 0, 0, 0, 0, 0 };

	for (i = 0; i < c->cat.n; i++) {
		a = &c->cat.v[i];
		s = &c->st[i];
		st = outcome(c, i, &reason);
		n = 0;
		f[n++] = IR_FSTR("type", "outcome");
		f[n++] = IR_FSTR("source", c->root);
		f[n++] = IR_FSTR("artifact", a->name);
		f[n++] = IR_FSTR("category", a->category);
		f[n++] = IR_FSTR("status", st);
		f[n++] = IR_FU64("files", s->files);
		f[n++] = IR_FU64("bytes", s->bytes);
		if (s->failed > 0)
			f[n++] = IR_FU64("failed", s->failed);
		if (s->err != 0) {
			f[n++] = IR_FI64("errno", s->err);
			f[n++] = IR_FSTR("error", s->error);
		}
		if (s->truncated > 0)
			f[n++] = IR_FU64("truncated", s->truncated);
		if (s->skipped > 0)
			f[n++] = IR_FU64("skipped", s->skipped);
		if (s->old > 0)
			f[n++] = IR_FU64("older", s->old);
		if (s->vanished > 0)
			f[n++] = IR_FU64("vanished", s->vanished);
		if (s->changed > 0)
			f[n++] = IR_FU64("changed_while_copied", s->changed);
		if (reason != NULL)
			f[n++] = IR_FSTR("reason", reason);
		if (ir_writer_record(c->w, f, n, &e) != IR_OK)
			c->out_failed = 1;
		if (strcmp(st, "failed") == 0 || strcmp(st, "truncated") == 0)
			status = IR_EXIT_INCOMPLETE;
		cnt[st[0] == 'c' ? 0 : st[0] == 'e' ? 1 : st[0] == 's' ? 2 :
		    st[0] == 'f' ? 3 : 4]++;
	}
	tool_warnx("%zu artifacts: %" PRIu64 " collected, %" PRIu64 " empty, %"
	    PRIu64 " skipped, %" PRIu64 " failed, %" PRIu64 " truncated; %"
	    PRIu64 " files, %" PRIu64 " bytes", c->cat.n, cnt[0], cnt[1],
	    cnt[2], cnt[3], cnt[4], c->nfiles, c->nbytes);
	return status;
}

/* --- setup ----------------------------------------------------------- */

static void
list_catalog(const struct ir_catalog *cat)
{
	struct ir_field f[10];
	struct ir_writer *w;
	struct ir_buf b;
	struct ir_err e;
	size_t i, j, n;

	ir_buf_init(&b, IR_BUF_NOLIMIT);
	if (ir_writer_open(&w, IR_FMT_JSONL, stdout, NULL, &e) != IR_OK)
		tool_die(IR_EXIT_USAGE, "%s", e.msg);
	for (i = 0; i < cat->n; i++) {
		ir_buf_reset(&b);
		(void)ir_buf_addch(&b, '[', &e);
		for (j = 0; j < cat->v[i].npaths; j++) {
			if (j > 0)
				(void)ir_buf_addch(&b, ',', &e);
			(void)ir_json_quote(&b, cat->v[i].paths[j],
			    strlen(cat->v[i].paths[j]), &e);
		}
		if (ir_buf_addch(&b, ']', &e) != IR_OK)
			tool_die(IR_EXIT_INCOMPLETE, "out of memory");
		n = 0;
		f[n++] = IR_FSTR("type", "catalog");
		f[n++] = IR_FSTR("artifact", cat->v[i].name);
		f[n++] = IR_FSTR("category", cat->v[i].category);
		f[n++] = IR_FSTR("description", cat->v[i].description);
		f[n++] = IR_FRAW("paths", b.buf);
		f[n++] = IR_FU64("max_size", cat->v[i].max_size);
		f[n++] = IR_FBOOL("recursive", cat->v[i].recursive);
		f[n++] = IR_FSTR("file", cat->v[i].file);
		if (ir_writer_record(w, f, n, &e) != IR_OK)
			break;
	}
	ir_buf_release(&b);
	if (ir_writer_close(w, &e) != IR_OK || fclose(stdout) != 0)
		tool_die(IR_EXIT_INCOMPLETE, "stdout: %s", strerror(errno));
	exit(IR_EXIT_OK);
}

/* Lower our CPU and I/O priority: the host is still serving. */
static void
be_nice(void)
{
	int cur;

	/* Only ever lower it: a responder may have started us nicer. */
	errno = 0;
	cur = getpriority(PRIO_PROCESS, 0);
	if ((errno != 0 || cur < 10) && setpriority(PRIO_PROCESS, 0, 10) != 0)
		tool_warnx("cannot lower the CPU priority: %s", strerror(errno));
	/*
	 * IOPRIO_WHO_PROCESS, this process: best effort (2) level 7, unless
	 * it already runs idle (3).
	 */
	cur = (int)syscall(SYS_ioprio_get, 1, 0);
	if (cur >= 0 && cur >> 13 == 3)
		return;
	if (syscall(SYS_ioprio_set, 1, 0, (2 << 13) | 7) != 0)
		tool_warnx("cannot lower the I/O priority: %s", strerror(errno));
}

/* A new "collect", "collect.2" ... directory under basefd. */
static int
make_outdir(int basefd, const char *base, char *name, size_t namesz,
    int want_jsonl)
{
	char js[64];
	int i, fd;

	for (i = 1; i < 1000; i++) {
		if (i == 1)
			(void)snprintf(name, namesz, "collect");
		else
			(void)snprintf(name, namesz, "collect.%d", i);
		(void)snprintf(js, sizeof(js), "%s.jsonl", name);
		if (want_jsonl && faccessat(basefd, js, F_OK,
		    AT_SYMLINK_NOFOLLOW) == 0)
			continue;
		if (mkdirat(basefd, name, 0700) != 0) {
			if (errno == EEXIST)
				continue;
			tool_die(IR_EXIT_USAGE, "cannot create %s/%s: %s", base,
			    name, strerror(errno));
		}
		fd = openat(basefd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (fd < 0)
			tool_die(IR_EXIT_USAGE, "%s/%s: %s", base, name,
			    strerror(errno));
		return fd;
	}
	tool_die(IR_EXIT_USAGE, "%s: too many collect directories", base);
}

int
main(int argc, char *argv[])
{
	struct tool_case tc;
	struct tool_case_opts co = { NULL, NULL, NULL };
	struct coll c;
	struct ir_err e;
	struct ir_walk_opts wo;
	struct stat st, lst;
	const char *outdir = NULL, *catalogs[16], *base;
	char *rootreal = NULL, *walkroot = NULL, js[80];
	unsigned long nerr = 0;
	size_t ncat = 0, i;
	uint64_t v;
	double deadline = 0;
	int ch, list = 0, nice_ = 1, raw = 0, status, rc, basefd, fd, complete;
	FILE *out;

	tool_setprogname(argv[0]);
	memset(&c, 0, sizeof(c));
	c.root = "/";
	c.min_free = DEFAULT_MIN_FREE;
	ir_buf_init(&c.scratch, IR_BUF_NOLIMIT);
	ir_buf_init(&c.copies.b, IR_BUF_NOLIMIT);
	while ((ch = getopt_long(argc, argv, "c:hlo:r:V", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'A':
			if (parse_duration(optarg, &c.art_deadline) != 0)
				tool_usage_error("bad --artifact-deadline '%s': "
				    "90, 90s, 5m or 1h", optarg);
			break;
		case 'c':
			if (ncat == sizeof(catalogs) / sizeof(catalogs[0]))
				tool_usage_error("too many --catalog");
			catalogs[ncat++] = optarg;
			break;
		case 'D':
			if (parse_duration(optarg, &deadline) != 0)
				tool_usage_error("bad --deadline '%s': 90, 90s, "
				    "5m or 1h", optarg);
			break;
		case 'h':
			usage(0);
		case 'l':
			list = 1;
			break;
		case 'M':
			if (tool_parse_size(optarg, &v) != 0)
				tool_usage_error("bad --min-free '%s'", optarg);
			c.min_free = v;
			break;
		case 'N':
			nice_ = 0;
			break;
		case 'o':
			outdir = optarg;
			break;
		case 'r':
			c.root = optarg;
			break;
		case 'R':
			raw = 1;
			break;
		case 'S':
			if (parse_since(optarg, &c.since) != 0)
				tool_usage_error("bad --since '%s': 2026-11-30 or "
				    "2026-11-30T12:00:00Z", optarg);
			c.have_since = 1;
			break;
		case 'V':
			tool_version();
		default:
			if (!tool_case_opt(&co, ch, optarg))
				tool_usage_error("unknown option");
		}
	}
	if (optind != argc)
		tool_usage_error("unexpected operand '%s'", argv[optind]);
	if (ncat == 0) {
		if ((catalogs[0] = tool_catalog_dir()) == NULL)
			tool_die(IR_EXIT_USAGE, "no catalogue: the kit's "
			    "catalog/ is not beside it; give --catalog");
		ncat = 1;
	}
	for (i = 0; i < ncat; i++)
		if (ir_catalog_load(&c.cat, catalogs[i], &e) != IR_OK)
			tool_die(IR_EXIT_USAGE, "%s", e.msg);
	if (list)
		list_catalog(&c.cat);
	if ((co.dir == NULL) == (outdir == NULL))
		tool_usage_error("give --case DIR or -o DIR (one of them)");

	tool_setup();
	/*
	 * The root as given (trailing '/' dropped) is what is walked: an
	 * unprivileged responder may not search the directories above it.
	 * Its absolute name (for the records and the mounts) comes from the
	 * open directory; a symlink given as the root is walked resolved.
	 */
	if ((walkroot = strdup(c.root)) == NULL)
		tool_die(IR_EXIT_INCOMPLETE, "out of memory");
	for (i = strlen(walkroot); i > 1 && walkroot[i - 1] == '/'; i--)
		walkroot[i - 1] = '\0';
	if ((c.rootfd = open(walkroot, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) <
	    0 || fstat(c.rootfd, &st) != 0)
		tool_die(IR_EXIT_USAGE, "root '%s': %s", c.root,
		    strerror(errno));
	(void)snprintf(js, sizeof(js), "/proc/self/fd/%d", c.rootfd);
	if ((rootreal = calloc(1, PATH_MAX)) == NULL)
		tool_die(IR_EXIT_INCOMPLETE, "out of memory");
	if (readlink(js, rootreal, PATH_MAX - 1) <= 0 || rootreal[0] != '/') {
		free(rootreal);
		if ((rootreal = realpath(walkroot, NULL)) == NULL &&
		    (rootreal = strdup(walkroot)) == NULL)
			tool_die(IR_EXIT_INCOMPLETE, "out of memory");
	}
	if (lstat(walkroot, &lst) == 0 && S_ISLNK(lst.st_mode)) {
		free(walkroot);
		if ((walkroot = strdup(rootreal)) == NULL)
			tool_die(IR_EXIT_INCOMPLETE, "out of memory");
	}
	c.root = rootreal;
	c.rootlen = strcmp(walkroot, "/") == 0 ? 0 : strlen(walkroot);
	c.root_dev = (uint64_t)major(st.st_dev) << 32 | minor(st.st_dev);
	if (cplan_build(&c.plan, &c.cat, c.rootfd, &e) != IR_OK)
		tool_die(IR_EXIT_USAGE, "%s", e.msg);
	if (ir_mountinfo_read(getpid(), &c.mounts, &c.nmounts, &e) != IR_OK) {
		tool_warnx("mounts unknown (%s): network mounts may be entered",
		    e.msg);
		c.mounts = NULL;
		c.nmounts = 0;
	}
	if ((c.st = calloc(c.cat.n, sizeof(*c.st))) == NULL ||
	    (c.arts = calloc(c.cat.n, sizeof(*c.arts))) == NULL ||
	    (c.cp.buf = malloc(CCOPY_CHUNK)) == NULL)
		tool_die(IR_EXIT_INCOMPLETE, "out of memory");
	if (ir_hash_new(&c.cp.hash, IR_HASH_BIT(IR_HASH_SHA256), 0, &e) != IR_OK)
		tool_die(IR_EXIT_USAGE, "%s", e.msg);

	/* Where the copies and records go. */
	if (co.dir != NULL) {
		out = tool_case_open(&tc, &co, "jsonl", argc, argv);
		base = co.dir;
		c.in_case = 1;
	} else {
		if (mkdir(outdir, 0700) != 0 && errno != EEXIST)
			tool_die(IR_EXIT_USAGE, "cannot create '%s': %s", outdir,
			    strerror(errno));
		base = outdir;
		out = NULL;
	}
	if ((basefd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    fstat(basefd, &st) != 0)
		tool_die(IR_EXIT_USAGE, "%s: %s", base, strerror(errno));
	c.excl_dev = (uint64_t)major(st.st_dev) << 32 | minor(st.st_dev);
	c.excl_ino = st.st_ino;
	c.cp.outfd = make_outdir(basefd, base, c.outdir, sizeof(c.outdir),
	    out == NULL);
	if (out == NULL) {
		(void)snprintf(js, sizeof(js), "%s.jsonl", c.outdir);
		if ((fd = openat(basefd, js, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0600)) < 0 ||
		    (out = fdopen(fd, "w")) == NULL)
			tool_die(IR_EXIT_USAGE, "%s/%s: %s", base, js,
			    strerror(errno));
	}
	if (ir_writer_open(&c.w, IR_FMT_JSONL, out, NULL, &e) != IR_OK)
		tool_die(IR_EXIT_USAGE, "%s", e.msg);
	c.cp.expired = copy_expired;
	c.cp.arg = &c;
	if (nice_)
		be_nice();
	if (deadline > 0)
		c.deadline = now_mono() + deadline;
	if (c.excl_dev == c.root_dev)
		coll_problem(&c, NULL, "the output is on the file system being "
		    "collected: the copies take its free space, where deleted "
		    "files may still be (write to another disk)");
	if (c.plan.passwd_note[0] != '\0')
		coll_problem(&c, "/etc/passwd", c.plan.passwd_note);
	ir_progress_init(&c.prog, 0);

	/* The one walk of the root. */
	memset(&wo, 0, sizeof(wo));
	wo.stop = &tool_stop;
	status = IR_EXIT_OK;
	rc = ir_walk_tree(walkroot, &wo, on_ent, &c, &nerr, &e);
	if (rc == IR_EINTR && c.stop_reason[0] == '\0')
		(void)snprintf(c.stop_reason, sizeof(c.stop_reason),
		    "interrupted");
	else if (rc != IR_OK && rc != IR_EINTR) {
		(void)snprintf(c.stop_reason, sizeof(c.stop_reason), "%s",
		    c.err.msg[0] != '\0' ? c.err.msg : e.msg);
		coll_problem(&c, NULL, c.stop_reason);
	}
	tool_progress(&c.prog, "files", 1);
	if (c.stop_reason[0] != '\0') {
		tool_warnx("stopped: %s: the collection is incomplete",
		    c.stop_reason);
		status = IR_EXIT_INCOMPLETE;
	}
	if (raw && c.stop_reason[0] == '\0')
		status = tool_status(status, craw_run(&c));
	else if (raw)
		coll_problem(&c, NULL, "--raw: not run: the collection stopped");
	status = tool_status(status, write_outcomes(&c));
	if (ir_writer_close(c.w, &e) != IR_OK || c.out_failed) {
		tool_warnx("cannot write the records: %s", e.msg);
		status = IR_EXIT_INCOMPLETE;
	}
	complete = status == IR_EXIT_OK || status == IR_EXIT_FOUND;
	if (co.dir != NULL)
		status = tool_case_close_with(&tc, status, complete,
		    &c.copies);
	else if (fclose(out) != 0) {
		tool_warnx("%s/%s.jsonl: %s", base, c.outdir, strerror(errno));
		status = IR_EXIT_INCOMPLETE;
	}
	(void)close(c.cp.outfd);
	(void)close(basefd);
	(void)close(c.rootfd);
	for (i = 0; i < c.nstack; i++)
		free(c.stack[i].v);
	free(c.stack);
	ir_mounts_free(c.mounts, c.nmounts);
	ir_hash_free(c.cp.hash);
	free(c.cp.buf);
	free(c.st);
	free(c.arts);
	cplan_free(&c.plan);
	ir_catalog_free(&c.cat);
	free(rootreal);
	free(walkroot);
	ir_buf_release(&c.scratch);
	ir_buf_release(&c.copies.b);
	return status;
}
