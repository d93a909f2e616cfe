/*
 * ir-live: the volatile state of the running host as JSON Lines records,
 * read from /proc, /sys and the files themselves, never through the
 * host's ps, ss, lsmod, mount, ip or who: provenance first, then mounts,
 * processes (listed and probed) with their open files, sockets mapped to
 * processes, modules, interfaces, routes, neighbours, DNS configuration,
 * sessions and logins; "finding" records for what a responder must look
 * at, "problem" records for what could not be seen.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "live.h"
#include "tool.h"

static const struct option longopts[] = {
	{ "env",		no_argument,		NULL, 'e' },
	TOOL_CASE_LONGOPTS,
	{ "help",		no_argument,		NULL, 'h' },
	{ "no-probe",		no_argument,		NULL, 'P' },
	{ "output",		required_argument,	NULL, 'o' },
	{ "root",		required_argument,	NULL, 'R' },
	{ "save-exe",		required_argument,	NULL, 'S' },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 }
};

static __dead void
usage(int status)
{
	FILE *fp = status == 0 ? stdout : stderr;

	(void)fprintf(fp,
"usage: %s [-e] [-o file | --case dir [--case-id id] [--examiner name]]\n"
"               [--save-exe dir] [--root dir] [--no-probe]\n"
"Record the volatile state of this host from /proc and /sys, never through\n"
"its programs: provenance, mounts, processes (listed and probed up to\n"
"pid_max) with their open files, sockets mapped to processes, kernel\n"
"modules, interfaces, routes, neighbours, DNS configuration, sessions and\n"
"logins; \"finding\" records for hidden processes and modules, deleted,\n"
"replaced or temporary executables, LD_PRELOAD, orphan listeners,\n"
"promiscuous interfaces.\n"
"  -e, --env             write every process's environment\n"
"  -o, --output FILE     write to FILE (never overwritten), not stdout\n"
"      --case DIR        write into case DIR and log it in its custody chain\n"
"      --case-id ID, --examiner NAME   recorded when the case is made\n"
"      --save-exe DIR    copy every executable, memfd and deleted open file\n"
"                        whole into DIR (made if missing), once per content\n"
"      --root DIR        read /etc and /var files (ld.so.preload, DNS\n"
"                        files, utmp, wtmp, btmp, machine-id) under DIR\n"
"      --no-probe        list /proc only; do not probe pids up to pid_max\n"
"Exit: 0 nothing found, 1 findings, 2 usage error, 3 something could not\n"
"be read (see the \"problem\" records).\n",
	    tool_progname());
	exit(status);
}

static int
open_save_dir(const char *dir)
{
	int fd;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		tool_die(IR_EXIT_USAGE, "--save-exe: cannot make '%s': %s",
		    dir, strerror(errno));
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		tool_die(IR_EXIT_USAGE, "--save-exe: cannot open '%s': %s",
		    dir, strerror(errno));
	return fd;
}

static void
live_free(struct live *l)
{
	size_t i;

	for (i = 0; i < l->nexes; i++)
		free(l->exes[i].saved);
	for (i = 0; i < l->ncovers; i++) {
		free(l->covers[i].point);
		free(l->covers[i].fstype);
		free(l->covers[i].source);
	}
	free(l->exes);
	free(l->covers);
	free(l->procs);
	free(l->owners);
	ir_hash_free(l->hash);
	free(l->iobuf);
	if (l->save_fd >= 0)
		(void)close(l->save_fd);
	(void)close(l->proc_fd);
}

static void
summary(struct live *l, int complete)
{
	struct ir_field f[8];

	f[0] = IR_FSTR("type", "summary");
	f[1] = IR_FU64("records", l->nrecords);
	f[2] = IR_FU64("processes", l->nprocs);
	f[3] = IR_FU64("findings", l->nfindings);
	f[4] = IR_FU64("problems", l->nproblems);
	f[5] = IR_FBOOL("complete", complete);
	f[6] = IR_FTIME("time", ir_time_now());
	(void)live_emit(l, f, 7);
}

int
main(int argc, char *argv[])
{
	struct live l;
	struct tool_case tc;
	struct tool_case_opts co = { NULL, NULL, NULL };
	struct live_socks *own;
	struct ir_err e;
	const char *outpath = NULL;
	char link[128], type[16];
	ssize_t r;
	int ch, complete, status = IR_EXIT_OK;

	tool_setprogname(argv[0]);
	if (ir_init(&e) != IR_OK)
		tool_die(IR_EXIT_USAGE, "%s", e.msg);
	memset(&l, 0, sizeof(l));
	l.probe = 1;
	l.save_fd = -1;
	while ((ch = getopt_long(argc, argv, "eho:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'e':
			l.env = 1;
			break;
		case 'h':
			usage(0);
		case 'o':
			outpath = optarg;
			break;
		case 'P':
			l.probe = 0;
			break;
		case 'R':
			if (optarg[0] == '\0')
				tool_usage_error("empty --root");
			l.root = optarg;
			break;
		case 'S':
			l.save_dir = optarg;
			break;
		case 'V':
			tool_version();
		default:
			if (!tool_case_opt(&co, ch, optarg))
				tool_usage_error("unknown option");
		}
	}
	if (optind < argc)
		tool_usage_error("unexpected operand '%s'", argv[optind]);
	if (outpath != NULL && co.dir != NULL)
		tool_usage_error("--output and --case exclude each other");

	if ((l.proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) <
	    0)
		tool_die(IR_EXIT_USAGE, "cannot open /proc: %s",
		    strerror(errno));
	if (faccessat(l.proc_fd, "self/stat", R_OK, 0) != 0)
		tool_die(IR_EXIT_USAGE, "/proc is not a proc file system "
		    "(mount -t proc proc /proc)");
	if (ir_hash_new(&l.hash, IR_HASH_BIT(IR_HASH_SHA256), 0, &e) != IR_OK)
		tool_die(IR_EXIT_USAGE, "%s", e.msg);
	if ((l.iobuf = malloc(LIVE_IOBUF)) == NULL)
		tool_die(IR_EXIT_USAGE, "out of memory");
	if (l.save_dir != NULL)
		l.save_fd = open_save_dir(l.save_dir);
	l.argc = argc;
	l.argv = argv;
	l.self = getpid();
	if ((r = readlinkat(l.proc_fd, "self/ns/net", link, sizeof(link))) >
	    0 && (size_t)r < sizeof(link))
		(void)ir_ns_link_parse(link, (size_t)r, type, &l.self_netns,
		    NULL);

	tool_setup();
	if (co.dir != NULL)
		l.out = tool_case_open(&tc, &co, "jsonl", argc, argv);
	else
		l.out = outpath != NULL ? tool_open_output(outpath) : stdout;
	if (ir_writer_open(&l.w, IR_FMT_JSONL, l.out, NULL, &e) != IR_OK)
		tool_die(IR_EXIT_USAGE, "%s", e.msg);

	/* Provenance first; the tables before the processes that hold them. */
	live_provenance(&l);
	live_mounts(&l);
	own = live_socks_snapshot(&l, 0, l.self_netns);
	live_processes(&l);
	live_socks_report(&l, own);
	if (!tool_stop)
		live_sockets_other_ns(&l);
	if (!tool_stop)
		live_preload_file(&l);
	if (!tool_stop)
		live_modules(&l);
	if (!tool_stop)
		live_network(&l);
	if (!tool_stop)
		live_dns(&l);
	if (!tool_stop)
		live_sessions(&l);

	if (tool_stop) {
		tool_warnx("interrupted: output is incomplete");
		live_problem(&l, "run", NULL, "interrupted");
	}
	complete = l.nproblems == 0 && !tool_stop;
	summary(&l, complete);
	if (l.failed)
		tool_warnx("cannot write records: %s", l.werr.msg);
	if (ir_writer_close(l.w, &e) != IR_OK ||
	    (l.out != stdout ? fclose(l.out) != 0 : fflush(stdout) != 0)) {
		if (!l.failed)
			tool_warnx("cannot write records");
		l.failed = 1;
	}
	if (l.failed)
		complete = 0;
	if (l.nproblems > 0)
		tool_warnx("%lu thing%s could not be read: see the \"problem\" "
		    "records", l.nproblems, l.nproblems == 1 ? "" : "s");
	if (l.nfindings > 0)
		status = IR_EXIT_FOUND;
	if (!complete)
		status = IR_EXIT_INCOMPLETE;
	if (co.dir != NULL)
		status = tool_case_close(&tc, status, complete);
	live_free(&l);
	return status;
}
