/*
 * ir-timeline: mactime's peer.  Reads irkit records (JSON Lines) and
 * mactime bodyfiles, one row per file and distinct time with its MACB
 * letters, sorted by time with bounded memory, as CSV (mactime -d -y) or
 * JSON Lines.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tool.h"

#define MAXSHOWN	20		/* bad lines reported one by one */
#define MAXLINE		(16U << 20)	/* longer is not a timeline line */
#define OUTFLUSH	(1U << 20)

struct timeline {
	struct ir_tl_parser	*parser;
	struct ir_tl_sort	*sort;
	struct ir_tl_range	 range;
	struct ir_progress	 prog;
	unsigned long		 nbad;		/* lines not understood */
	unsigned long		 nunread;	/* inputs not read to the end */
};

static const struct option longopts[] = {
	{ "format",		required_argument,	NULL, 'f' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "output",		required_argument,	NULL, 'o' },
	{ "from",		required_argument,	NULL, 'F' },
	{ "to",			required_argument,	NULL, 'U' },
	{ "tz",			required_argument,	NULL, 'z' },
	{ "buffer-size",	required_argument,	NULL, 'S' },
	{ "tmpdir",		required_argument,	NULL, 'T' },
	TOOL_CASE_LONGOPTS,
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 }
};

static __dead void
usage(int status)
{
	FILE *fp = status == 0 ? stdout : stderr;

	(void)fprintf(fp,
"usage: %s [-f format] [-o file] [--from when] [--to when] [--tz zone]\n"
"               [--buffer-size size] [--tmpdir dir]\n"
"               [--case dir [--case-id id] [--examiner name]] [file ...]\n"
"Merge irkit records (JSON Lines) and mactime bodyfiles into one timeline:\n"
"a row per file and distinct time with its MACB letters, sorted by time.\n"
"No file or '-': standard input.\n"
"  -f, --format FMT       csv (default, as mactime -d -y) or jsonl\n"
"  -o, --output FILE      write to FILE (a new file) instead of stdout\n"
"      --from WHEN        only times at or after WHEN\n"
"      --to WHEN          only times before WHEN\n"
"                         WHEN: YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS[Z],\n"
"                         'YYYY-MM-DD HH:MM:SS' or @SECONDS; UTC unless --tz\n"
"      --tz ZONE          show dates and read WHEN in ZONE (Europe/Berlin)\n"
"      --buffer-size SIZE memory for sorting before spilling to temporary\n"
"                         files (default 256M)\n"
"      --tmpdir DIR       where those go (default $TMPDIR or /tmp)\n"
"      --case DIR         write into case DIR and log it in its custody chain\n"
"Exit: 0 done, 2 usage, 3 incomplete (a bad line, an unreadable input).\n",
	    tool_progname());
	exit(status);
}

/*
 * glibc takes an unknown zone for UTC without a word: a name must be a
 * file of the zone database, anything with a digit a POSIX TZ rule.
 */
static int
zone_ok(const char *zone)
{
	const char *dir = getenv("TZDIR");
	char path[4096];
	struct stat st;

	if (*zone == ':')
		zone++;
	if (*zone == '\0')
		return 0;
	if (strcmp(zone, "UTC") == 0 || strcmp(zone, "GMT") == 0)
		return 1;
	if (*zone == '/')
		return stat(zone, &st) == 0 && S_ISREG(st.st_mode);
	if (strstr(zone, "..") != NULL)
		return 0;
	if (strpbrk(zone, "0123456789") != NULL && strchr(zone, '/') == NULL)
		return 1;
	(void)snprintf(path, sizeof(path), "%s/%s",
	    dir != NULL && *dir != '\0' ? dir : "/usr/share/zoneinfo", zone);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static void
bad_line(struct timeline *tl, const char *name, unsigned long lineno,
    const char *msg)
{
	if (++tl->nbad <= MAXSHOWN)
		tool_warnx("%s:%lu: %s", name, lineno, msg);
	else if (tl->nbad == MAXSHOWN + 1)
		tool_warnx("%s:%lu: more bad lines follow; not shown", name,
		    lineno);
}

/* Every line of one input into the sorter; -1 when the sorter failed. */
static int
read_input(struct timeline *tl, const char *name, FILE *fp, struct ir_err *se)
{
	struct ir_tl_entry en;
	struct ir_tl_row rows[4];
	struct ir_err e;
	char *line = NULL;
	size_t cap = 0, n, i;
	ssize_t len;
	unsigned long lineno = 0;
	int rc, ret = 0;

	while (!tool_stop && (len = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		if (ir_progress_add(&tl->prog, 1, (uint64_t)len))
			tool_progress(&tl->prog, "lines", 0);
		if (len > 0 && line[len - 1] == '\n')
			len--;
		if ((size_t)len > MAXLINE) {
			bad_line(tl, name, lineno, "line too long");
			continue;
		}
		rc = ir_tl_parse_line(tl->parser, line, (size_t)len, &en, &e);
		if (rc == IR_ENOENT)
			continue;
		if (rc != IR_OK) {
			bad_line(tl, name, lineno, e.msg);
			continue;
		}
		n = ir_tl_events(&en, &tl->range, rows);
		for (i = 0; i < n; i++)
			if (ir_tl_sort_add(tl->sort, &rows[i], se) != IR_OK) {
				ret = -1;
				goto out;
			}
	}
	if (ferror(fp)) {
		tool_warnx("%s: %s", name, strerror(errno));
		tl->nunread++;
	}
out:
	free(line);
	return ret;
}

static int
flush_out(struct ir_buf *b, FILE *out)
{
	if (b->len > 0 && fwrite(b->buf, 1, b->len, out) != b->len)
		return -1;
	ir_buf_reset(b);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct timeline tl;
	struct tool_case tc;
	struct tool_case_opts co = { NULL, NULL, NULL };
	struct ir_tl_row row;
	struct ir_err e;
	struct ir_buf ob = IR_BUF_INIT(IR_BUF_NOLIMIT);
	const char *outpath = NULL, *from = NULL, *to = NULL, *zone = NULL;
	const char *tmpdir = NULL, *name;
	uint64_t budget = 256ULL << 20;
	FILE *out = stdout, *fp;
	int ch, jsonl = 0, i, rc, stdin_used = 0, status = IR_EXIT_OK;
	int complete = 1, failed = 0;
	char *stdin_arg[] = { (char *)"-" }, **oargv = argv;
	int oargc = argc;

	tool_setprogname(argv[0]);
	memset(&tl, 0, sizeof(tl));
	while ((ch = getopt_long(argc, argv, "f:ho:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			if (strcmp(optarg, "csv") == 0)
				jsonl = 0;
			else if (strcmp(optarg, "jsonl") == 0)
				jsonl = 1;
			else
				tool_usage_error("unknown format '%s' (want csv "
				    "or jsonl)", optarg);
			break;
		case 'h':
			usage(IR_EXIT_OK);
		case 'o':
			outpath = optarg;
			break;
		case 'F':
			from = optarg;
			break;
		case 'U':
			to = optarg;
			break;
		case 'z':
			zone = optarg;
			break;
		case 'S':
			if (tool_parse_size(optarg, &budget) != 0 ||
			    budget > SIZE_MAX / 2)
				tool_usage_error("bad --buffer-size '%s'", optarg);
			break;
		case 'T':
			tmpdir = optarg;
			break;
		case 'V':
			tool_version();
		default:
			if (!tool_case_opt(&co, ch, optarg))
				tool_usage_error("unknown option");
		}
	}
	argc -= optind;
	argv += optind;
	if (outpath != NULL && co.dir != NULL)
		tool_usage_error("--output and --case exclude each other");
	if (zone != NULL) {
		if (!zone_ok(zone))
			tool_usage_error("unknown time zone '%s'", zone);
		if (setenv("TZ", zone, 1) != 0)
			tool_die(IR_EXIT_USAGE, "setenv: %s", strerror(errno));
		tzset();
	}
	if (from != NULL) {
		if (ir_tl_parse_when(from, zone != NULL, &tl.range.from, &e) !=
		    IR_OK)
			tool_usage_error("--from: %s", e.msg);
		tl.range.has_from = 1;
	}
	if (to != NULL) {
		if (ir_tl_parse_when(to, zone != NULL, &tl.range.to, &e) !=
		    IR_OK)
			tool_usage_error("--to: %s", e.msg);
		tl.range.has_to = 1;
	}
	if (from != NULL && to != NULL && tl.range.to <= tl.range.from)
		tool_usage_error("--to must be later than --from");
	if (tmpdir == NULL && ((tmpdir = getenv("TMPDIR")) == NULL ||
	    *tmpdir == '\0'))
		tmpdir = "/tmp";
	if (argc == 0) {
		argc = 1;
		argv = stdin_arg;
	}
	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], "-") == 0 && stdin_used++)
			tool_usage_error("standard input ('-') given twice");

	tool_setup();
	if (ir_tl_parser_new(&tl.parser, &e) != IR_OK ||
	    ir_tl_sort_new(&tl.sort, (size_t)budget, tmpdir, &e) != IR_OK)
		tool_die(IR_EXIT_USAGE, "%s", e.msg);
	if (co.dir != NULL)
		out = tool_case_open(&tc, &co, jsonl ? "jsonl" : "csv", oargc,
		    oargv);
	else if (outpath != NULL)
		out = tool_open_output(outpath);
	ir_progress_init(&tl.prog, 0);

	for (i = 0; i < argc && !tool_stop && !failed; i++) {
		name = argv[i];
		if (strcmp(name, "-") == 0) {
			fp = stdin;
			name = "stdin";
		} else if ((fp = fopen(name, "re")) == NULL) {
			tool_warnx("cannot open '%s': %s", name,
			    strerror(errno));
			tl.nunread++;
			continue;
		}
		if (read_input(&tl, name, fp, &e) != 0) {
			tool_warnx("%s", e.msg);
			failed = 1;
		}
		if (fp != stdin)
			(void)fclose(fp);
	}
	tool_progress(&tl.prog, "lines", 1);

	/* Nothing is written before every input is read: sorted output. */
	rc = failed ? IR_OK : jsonl ? IR_OK :
	    ir_buf_addstr(&ob, IR_TL_CSV_HEADER, &e);
	while (!failed && !tool_stop && rc == IR_OK &&
	    (rc = ir_tl_sort_next(tl.sort, &row, &e)) == IR_OK) {
		rc = jsonl ? ir_tl_format_json(&ob, &row, zone != NULL, &e) :
		    ir_tl_format_csv(&ob, &row, zone != NULL, &e);
		if (rc == IR_OK && ob.len >= OUTFLUSH && flush_out(&ob, out) != 0)
			rc = ir_err_set(&e, IR_EIO, errno, "cannot write output");
	}
	if (rc != IR_OK && rc != IR_EOF) {
		tool_warnx("%s", e.msg);
		complete = 0;
	}
	if (tool_stop) {
		tool_warnx("interrupted: output is incomplete");
		complete = 0;
	}
	if (failed || tl.nbad > 0 || tl.nunread > 0)
		complete = 0;
	if (tl.nbad > 0)
		tool_warnx("%lu line%s could not be read", tl.nbad,
		    tl.nbad == 1 ? "" : "s");
	if (!complete && jsonl && (rc == IR_OK || rc == IR_EOF))
		(void)ir_buf_addf(&ob, &e, "{\"type\":\"incomplete\","
		    "\"reason\":\"%s\"}\n", tool_stop ? "interrupted" :
		    failed ? "sorting failed" : tl.nunread > 0 ?
		    "an input could not be read" :
		    "some input lines could not be read");
	if (flush_out(&ob, out) != 0 ||
	    (out != stdout ? fclose(out) != 0 : fflush(stdout) != 0)) {
		tool_warnx("cannot write output: %s", strerror(errno));
		complete = 0;
	}
	if (!complete)
		status = IR_EXIT_INCOMPLETE;
	ir_buf_release(&ob);
	ir_tl_sort_free(tl.sort);
	ir_tl_parser_free(tl.parser);
	if (co.dir != NULL)
		status = tool_case_close(&tc, status, complete);
	return status;
}
