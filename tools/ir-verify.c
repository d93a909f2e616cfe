/*
 * ir-verify: check an evidence package made by ir-pack (or any BagIt bag
 * in a tar.gz with SHA-256 manifests): every member against the manifest,
 * the manifests against the tag manifest, the custody chain against
 * bag-info.txt and the outputs it logged; unsafe member names and types.
 * One JSON record per finding, then one for the package.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pack_secret.h"
#include "tool.h"

static const struct option longopts[] = {
	{ "help",		no_argument,		NULL, 'h' },
	{ "identity",		required_argument,	NULL, 'i' },
	{ "passphrase",		no_argument,		NULL, 'P' },
	{ "passphrase-file",	required_argument,	NULL, 'F' },
	{ "seal",		required_argument,	NULL, 's' },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 }
};

static __dead void
usage(int status)
{
	FILE *fp = status == 0 ? stdout : stderr;

	(void)fprintf(fp,
"usage: %s [-i identity_file] [--passphrase | --passphrase-file file]\n"
"              [--seal sha256] package\n"
"Check an evidence package made by ir-pack: every member against the\n"
"BagIt manifests, the manifests against the tag manifest, the custody\n"
"chain; unsafe names, links and types.  One JSON record per finding,\n"
"then one for the package.  package may be - for stdin.\n"
"  -i, --identity FILE      decrypt with the age identity in FILE\n"
"      --passphrase         decrypt with $IRKIT_PASSPHRASE or one asked on\n"
"                           the terminal\n"
"      --passphrase-file F  decrypt with the passphrase in F (first line)\n"
"      --seal SHA256        the seal ir-pack printed: the tag manifest must\n"
"                           have this SHA-256\n"
"Exit: 0 verified, 1 findings (altered, missing ...), 2 usage (or\n"
"encrypted, no key that opens it), "
"3 the package is unreadable or cut short\n"
"(the findings until then are reported).\n",
	    tool_progname());
	exit(status);
}

struct rd {
	int	 fd;
	const char *name;
};

static ssize_t
rd_fd(void *arg, void *buf, size_t n, struct ir_err *e)
{
	struct rd *r = arg;
	ssize_t got;

	if ((got = ir_read_full(r->fd, buf, n)) < 0)
		(void)ir_err_set(e, IR_EIO, errno, "cannot read '%s'", r->name);
	return got;
}

struct out {
	struct ir_writer *w;
	const char	*pkg;
	int		 failed;
	uint64_t	 findings;
};

/*
 * What the package is found to be (altered, missing ...) is a "finding"
 * record, as irkit(7) has them: exit 1.  A package that cannot be read to
 * its end is a "problem" record: exit 3.
 */
static void
on_problem(void *arg, const struct ir_pack_problem *p)
{
	struct out *o = arg;
	struct ir_field f[6];
	struct ir_err e;
	int finding = p->kind != IR_PACK_TRUNCATED;
	size_t n = 0;

	f[n++] = IR_FSTR("type", finding ? "finding" : "problem");
	f[n++] = IR_FSTR("source", o->pkg);
	f[n++] = IR_FSTR("reason", ir_pack_kind_name(p->kind));
	if (p->path != NULL)
		f[n++] = IR_FBYTES("path", p->path, p->pathlen);
	f[n++] = IR_FSTR(finding ? "detail" : "error", p->detail);
	if (finding)
		o->findings++;
	if (!o->failed && ir_writer_record(o->w, f, n, &e) != IR_OK) {
		tool_warnx("%s", e.msg);
		o->failed = 1;
	}
}

int
main(int argc, char *argv[])
{
	struct ir_verify_opts vo;
	struct ir_verify_info info;
	struct ir_field f[16];
	struct ir_err e;
	struct out o;
	struct rd r;
	const char *pkg, *seal = NULL, *passfile = NULL;
	struct ir_buf idbuf = IR_BUF_INIT(1U << 20);
	struct ir_age_ids *ids = NULL;
	char *pass = NULL;
	size_t n = 0;
	int ch, rc, askpass = 0, status;

	tool_setprogname(argv[0]);
	while ((ch = getopt_long(argc, argv, "hi:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(0);
		case 'i':
			/* Several files: their keys together. */
			if (ir_read_file(AT_FDCWD, optarg, &idbuf, &e) != IR_OK ||
			    ir_buf_addch(&idbuf, '\n', &e) != IR_OK)
				tool_die(IR_EXIT_USAGE, "identity: %s", e.msg);
			break;
		case 'P':
			askpass = 1;
			break;
		case 'F':
			passfile = optarg;
			break;
		case 's':
			if (strlen(optarg) != 64 ||
			    strspn(optarg, "0123456789abcdefABCDEF") != 64)
				tool_usage_error("bad --seal '%s': 64 hex digits",
				    optarg);
			seal = optarg;
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
		tool_usage_error("give one package");
	pkg = argv[0];
	if (askpass && passfile != NULL)
		tool_usage_error("--passphrase and --passphrase-file exclude "
		    "each other");
	if (idbuf.len > 0) {
		if (ir_age_ids_parse(idbuf.buf, idbuf.len, &ids, &e) != IR_OK)
			tool_die(IR_EXIT_USAGE, "identity: %s", e.msg);
		explicit_bzero(idbuf.buf, idbuf.len);
	}
	ir_buf_release(&idbuf);
	if (passfile != NULL && (pass = pack_read_passphrase_file(passfile)) ==
	    NULL)
		exit(IR_EXIT_USAGE);
	if (askpass && (pass = pack_ask_passphrase(0)) == NULL)
		exit(IR_EXIT_USAGE);

	tool_setup();
	r.name = pkg;
	if (strcmp(pkg, "-") == 0)
		r.fd = STDIN_FILENO;
	else if ((r.fd = ir_open_evidence(AT_FDCWD, pkg, 0, &e)) < 0)
		tool_die(IR_EXIT_INCOMPLETE, "%s", e.msg);
	else
		(void)fcntl(r.fd, F_SETFL, fcntl(r.fd, F_GETFL) & ~O_NONBLOCK);
	memset(&o, 0, sizeof(o));
	o.pkg = pkg;
	if (ir_writer_open(&o.w, IR_FMT_JSONL, stdout, NULL, &e) != IR_OK)
		tool_die(IR_EXIT_USAGE, "%s", e.msg);
	memset(&vo, 0, sizeof(vo));
	vo.read = rd_fd;
	vo.read_arg = &r;
	vo.ids = ids;
	vo.passphrase = pass;
	vo.seal = seal;
	vo.problem = on_problem;
	vo.arg = &o;
	vo.stop = &tool_stop;
	rc = ir_pack_verify(&vo, &info, &e);
	ir_age_ids_free(ids);
	if (pass != NULL) {
		explicit_bzero(pass, strlen(pass));
		free(pass);
	}
	if (r.fd != STDIN_FILENO)
		(void)close(r.fd);
	/* Encrypted, and no key given opens it: nothing was checked. */
	if (rc == IR_EUNSUPP || (rc == IR_ENOENT && info.encrypted) ||
	    (rc == IR_ELIMIT && info.encrypted && info.members == 0)) {
		(void)ir_writer_close(o.w, NULL);
		tool_die(IR_EXIT_USAGE, "%s: %s", pkg, e.msg);
	}
	status = o.findings > 0 ? IR_EXIT_FOUND : IR_EXIT_OK;
	if (rc != IR_OK) {
		tool_warnx("%s: %s", pkg, e.msg);
		status = IR_EXIT_INCOMPLETE;
	}
	f[n++] = IR_FSTR("type", "package");
	f[n++] = IR_FSTR("path", pkg);
	f[n++] = IR_FSTR("case_id", info.case_id);
	f[n++] = IR_FSTR("top", info.top);
	f[n++] = IR_FSTR("seal", info.seal);
	f[n++] = IR_FU64("members", info.members);
	f[n++] = IR_FU64("payload_files", info.payload_files);
	f[n++] = IR_FU64("payload_bytes", info.payload_bytes);
	f[n++] = IR_FU64("custody_entries", info.custody_entries);
	f[n++] = IR_FBOOL("encrypted", info.encrypted);
	f[n++] = IR_FU64("findings", o.findings);
	f[n++] = IR_FBOOL("complete", rc == IR_OK);
	f[n++] = IR_FBOOL("verified", rc == IR_OK && info.problems == 0);
	if (ir_writer_record(o.w, f, n, &e) != IR_OK ||
	    ir_writer_close(o.w, &e) != IR_OK || fclose(stdout) != 0) {
		tool_warnx("stdout: cannot write");
		status = IR_EXIT_INCOMPLETE;
	}
	if (rc == IR_OK && info.problems == 0)
		(void)fprintf(stderr, "%s: %s: verified: %llu files, %llu bytes, "
		    "%llu custody entries, case '%s'; seal %s\n",
		    tool_progname(), pkg,
		    (unsigned long long)info.payload_files,
		    (unsigned long long)info.payload_bytes,
		    (unsigned long long)info.custody_entries, info.case_id,
		    info.seal);
	else
		(void)fprintf(stderr, "%s: %s: NOT verified: %llu finding%s%s\n",
		    tool_progname(), pkg, (unsigned long long)o.findings,
		    o.findings == 1 ? "" : "s", rc != IR_OK ?
		    ", package not read to its end" : "");
	return status;
}
