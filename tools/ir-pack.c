/*
 * ir-pack: seal a case directory into one evidence package: a tar.gz
 * (BagIt bag with SHA-256 manifests, the case's custody chain bound into
 * the tag manifest), compressed on every core, optionally encrypted to
 * age recipients.  The package appears under its name only when it is
 * complete: it is written to a temporary name beside it, synced, then
 * renamed; an error or a signal removes the temporary file.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pack_secret.h"
#include "tool.h"

#define MAX_RECIP	64

static const struct option longopts[] = {
	{ "help",		no_argument,		NULL, 'h' },
	{ "jobs",		required_argument,	NULL, 'j' },
	{ "level",		required_argument,	NULL, 'l' },
	{ "output",		required_argument,	NULL, 'o' },
	{ "recipient",		required_argument,	NULL, 'r' },
	{ "passphrase",		no_argument,		NULL, 'P' },
	{ "passphrase-file",	required_argument,	NULL, 'F' },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 }
};

static __dead void
usage(int status)
{
	FILE *fp = status == 0 ? stdout : stderr;

	(void)fprintf(fp,
"usage: %s [-j n] [-l level] [-r recipient]... [--passphrase |\n"
"              --passphrase-file file] case_dir -o package\n"
"Seal a case directory into one tar.gz package (a BagIt bag with SHA-256\n"
"manifests; the custody chain bound into the tag manifest), optionally\n"
"encrypted in the age format.  Prints the package's record and its seal\n"
"(the SHA-256 of the tag manifest); writes package.sha256 beside it.\n"
"  -o, --output FILE        the package (never overwritten); - for stdout\n"
"  -j, --jobs N             compression threads (default: every CPU)\n"
"  -l, --level N            gzip level 1-9 (default 6)\n"
"  -r, --recipient AGE1...  encrypt to this age public key (repeatable)\n"
"      --passphrase         encrypt with a passphrase: $IRKIT_PASSPHRASE,\n"
"                           else asked on the terminal\n"
"      --passphrase-file F  encrypt with the passphrase in F (first line)\n"
"Exit: 0 sealed, 2 usage or a case that cannot be sealed (nothing written),\n"
"3 a write error, disk full or interrupted (no package left behind).\n",
	    tool_progname());
	exit(status);
}

static struct ir_progress prog;
static uint64_t prog_last;

static void
on_progress(void *arg, uint64_t bytes)
{
	(void)arg;
	if (ir_progress_add(&prog, 0, bytes - prog_last))
		tool_progress(&prog, "files", 0);
	prog_last = bytes;
}

/* The package's name appears only now, and never replaces a file. */
static int
publish(const char *tmp, const char *path)
{
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* A file system without RENAME_NOREPLACE: link never replaces. */
	if (link(tmp, path) != 0)
		return -1;
	(void)unlink(tmp);
	return 0;
}

/* PKG.sha256, before PKG is named: a package never goes without it. */
static int
write_sum(const char *path, const char *sha, struct ir_err *e)
{
	char sum[PATH_MAX + 8], base[PATH_MAX];
	FILE *fp;
	int fd;

	(void)snprintf(sum, sizeof(sum), "%s.sha256", path);
	(void)snprintf(base, sizeof(base), "%s", path);
	fd = open(sum, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 || (fp = fdopen(fd, "w")) == NULL) {
		if (fd >= 0)
			(void)close(fd);
		return ir_err_set(e, IR_EIO, errno, "cannot create '%s'", sum);
	}
	(void)fprintf(fp, "%s  %s\n", sha, basename(base));
	if (fflush(fp) != 0 || fsync(fd) != 0) {
		(void)ir_err_set(e, IR_EIO, errno, "cannot write '%s'", sum);
		(void)fclose(fp);
		(void)unlink(sum);
		return IR_EIO;
	}
	if (fclose(fp) != 0) {
		(void)unlink(sum);
		return ir_err_set(e, IR_EIO, errno, "cannot write '%s'", sum);
	}
	return IR_OK;
}

static void
record(FILE *fp, const char *path, const struct ir_pack_info *in)
{
	struct ir_field f[16];
	struct ir_writer *w;
	struct ir_err e;
	size_t n = 0;

	f[n++] = IR_FSTR("type", "package");
	f[n++] = IR_FSTR("path", path);
	f[n++] = IR_FSTR("case_id", in->case_id);
	f[n++] = IR_FSTR("top", in->top);
	f[n++] = IR_FSTR("seal", in->seal);
	f[n++] = IR_FSTR("sha256", in->sha256);
	f[n++] = IR_FU64("size", in->out_bytes);
	f[n++] = IR_FU64("members", in->members);
	f[n++] = IR_FU64("payload_files", in->payload_files);
	f[n++] = IR_FU64("payload_bytes", in->payload_bytes);
	f[n++] = IR_FU64("custody_entries", in->custody_entries);
	f[n++] = IR_FSTR("custody_head", in->custody_head);
	f[n++] = IR_FBOOL("encrypted", in->encrypted);
	if (ir_writer_open(&w, IR_FMT_JSONL, fp, NULL, &e) != IR_OK ||
	    ir_writer_record(w, f, n, &e) != IR_OK ||
	    ir_writer_close(w, &e) != IR_OK)
		tool_warnx("%s", e.msg);
}

int
main(int argc, char *argv[])
{
	const char *recip[MAX_RECIP], *out = NULL, *casedir, *passfile = NULL;
	struct ir_pack_opts o;
	struct ir_pack_info info;
	struct ir_err e;
	struct stat st;
	char tmp[PATH_MAX], dir[PATH_MAX], base[PATH_MAX], sum[PATH_MAX + 8];
	char *pass = NULL;
	uint64_t v;
	int ch, fd, rc, askpass = 0, status;
	size_t nrecip = 0;

	tool_setprogname(argv[0]);
	memset(&o, 0, sizeof(o));
	o.level = 6;
	o.nthreads = -1;
	while ((ch = getopt_long(argc, argv, "hj:l:o:r:", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'h':
			usage(0);
		case 'j':
			if (tool_parse_size(optarg, &v) != 0 || v > 256)
				tool_usage_error("bad --jobs '%s'", optarg);
			o.nthreads = v <= 1 ? 0 : (int)v;
			break;
		case 'l':
			if (tool_parse_size(optarg, &v) != 0 || v < 1 || v > 9)
				tool_usage_error("bad --level '%s': 1-9", optarg);
			o.level = (int)v;
			break;
		case 'o':
			out = optarg;
			break;
		case 'r':
			if (nrecip == MAX_RECIP)
				tool_usage_error("more than %d recipients",
				    MAX_RECIP);
			if (pack_check_recipient(optarg, &e) != IR_OK)
				tool_usage_error("%s", e.msg);
			recip[nrecip++] = optarg;
			break;
		case 'P':
			askpass = 1;
			break;
		case 'F':
			passfile = optarg;
			break;
		case 'V':
			tool_version();
		default:
			tool_usage_error("unknown option");
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		tool_usage_error("give one case directory");
	casedir = argv[0];
	if (out == NULL)
		tool_usage_error("no output: -o package.tar.gz, or -o - for "
		    "stdout");
	if ((askpass || passfile != NULL) && nrecip > 0)
		tool_usage_error("a passphrase excludes recipients (age allows "
		    "one passphrase and nothing else)");
	if (askpass && passfile != NULL)
		tool_usage_error("--passphrase and --passphrase-file exclude "
		    "each other");
	if (passfile != NULL && (pass = pack_read_passphrase_file(passfile)) ==
	    NULL)
		exit(IR_EXIT_USAGE);
	if (askpass && (pass = pack_ask_passphrase(1)) == NULL)
		exit(IR_EXIT_USAGE);
	o.recipients = recip;
	o.nrecip = nrecip;
	o.passphrase = pass;
	o.stop = &tool_stop;
	o.progress = on_progress;

	tool_setup();
	if (strcmp(out, "-") == 0) {
		if (isatty(STDOUT_FILENO))
			tool_usage_error("stdout is a terminal: use -o FILE or "
			    "a pipe");
		fd = STDOUT_FILENO;
		tmp[0] = '\0';
	} else {
		(void)snprintf(sum, sizeof(sum), "%s.sha256", out);
		if (lstat(out, &st) == 0)
			tool_die(IR_EXIT_USAGE, "'%s' exists; not overwriting "
			    "it", out);
		if (lstat(sum, &st) == 0)
			tool_die(IR_EXIT_USAGE, "'%s' exists; not overwriting "
			    "it", sum);
		(void)snprintf(dir, sizeof(dir), "%s", out);
		(void)snprintf(base, sizeof(base), "%s", out);
		if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX",
		    dirname(dir), basename(base)) >= sizeof(tmp))
			tool_usage_error("output name too long");
		if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
			tool_die(IR_EXIT_USAGE, "cannot create a file beside "
			    "'%s': %s", out, strerror(errno));
	}
	ir_progress_init(&prog, 0);
	rc = ir_pack_write(casedir, fd, &o, &info, &e);
	if (rc == IR_OK && tmp[0] != '\0' && fsync(fd) != 0)
		rc = ir_err_set(&e, IR_EIO, errno, "cannot write '%s'", out);
	if (tmp[0] != '\0' && close(fd) != 0 && rc == IR_OK)
		rc = ir_err_set(&e, IR_EIO, errno, "cannot write '%s'", out);
	if (rc == IR_OK && tmp[0] != '\0')
		rc = write_sum(out, info.sha256, &e);
	if (rc == IR_OK && tmp[0] != '\0' && publish(tmp, out) != 0) {
		rc = ir_err_set(&e, IR_EIO, errno, "cannot name the package "
		    "'%s'", out);
		(void)unlink(sum);
	}
	if (pass != NULL) {
		explicit_bzero(pass, strlen(pass));
		free(pass);
	}
	tool_progress(&prog, "files", 1);
	if (rc != IR_OK) {
		if (tmp[0] != '\0')
			(void)unlink(tmp);
		if (rc == IR_EINTR)
			tool_die(IR_EXIT_INCOMPLETE, "interrupted: no package "
			    "written");
		tool_die(rc == IR_EIO || rc == IR_ENOMEM || rc == IR_EDEP ?
		    IR_EXIT_INCOMPLETE : IR_EXIT_USAGE, "%s%s", e.msg,
		    tmp[0] != '\0' ? ": no package written" : "");
	}
	status = IR_EXIT_OK;
	if (tmp[0] != '\0') {
		record(stdout, out, &info);
		if (fclose(stdout) != 0) {
			tool_warnx("stdout: %s", strerror(errno));
			status = IR_EXIT_INCOMPLETE;
		}
	} else
		record(stderr, "-", &info);
	(void)fprintf(stderr, "%s: %s: sealed %llu files (%llu bytes) of case "
	    "'%s'; seal %s\n", tool_progname(), out,
	    (unsigned long long)info.payload_files,
	    (unsigned long long)info.payload_bytes, info.case_id, info.seal);
	return status;
}
