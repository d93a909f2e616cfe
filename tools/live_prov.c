/*
 * live_prov: the first record, before anything else is read: which tool
 * (version and the SHA-256 of its own executable), run how (argv, euid,
 * capabilities), on which host (hostname, machine-id, boot_id, kernel),
 * when (boot time, uptime, the clock, the time zone), and in what state
 * the kernel is (taint, lockdown).  Everything is read from /proc, /sys
 * and /etc as files; nothing is asked of the host's programs.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "live.h"
#include "tool.h"

/* The first line of a small file, trailing blanks cut; "" if unreadable. */
static char *
first_line(int dirfd, const char *path, char *out, size_t outsz)
{
	struct ir_buf b = IR_BUF_INIT(65536);
	struct ir_err e;
	size_t n;
	char *nl;

	out[0] = '\0';
	if (live_readat(dirfd, path, &b, 65536, &e) == IR_OK) {
		if ((nl = memchr(b.buf, '\n', b.len)) != NULL)
			*nl = '\0';
		n = strlen(b.buf);
		while (n > 0 && (b.buf[n - 1] == ' ' || b.buf[n - 1] == '\t' ||
		    b.buf[n - 1] == '\r'))
			n--;
		if (n >= outsz)
			n = outsz - 1;
		memcpy(out, b.buf, n);
		out[n] = '\0';
	}
	ir_buf_release(&b);
	return out;
}

/* The same for a file of the host's /etc, under --root. */
static char *
etc_line(struct live *l, const char *abs, char *out, size_t outsz)
{
	struct ir_buf b = IR_BUF_INIT(65536);
	struct ir_err e;
	char final[4096];
	size_t n;

	out[0] = '\0';
	if (live_read_host_file(l, abs, &b, final, sizeof(final), &e) ==
	    IR_OK) {
		n = 0;
		while (n < b.len && b.buf[n] != '\n' && b.buf[n] != '\0')
			n++;
		while (n > 0 && (b.buf[n - 1] == ' ' || b.buf[n - 1] == '\t' ||
		    b.buf[n - 1] == '\r'))
			n--;
		if (n >= outsz)
			n = outsz - 1;
		memcpy(out, b.buf, n);
		out[n] = '\0';
	} else if (e.code != IR_ENOENT)
		live_problem(l, "provenance", abs, e.msg);
	ir_buf_release(&b);
	return out;
}

static int64_t
boot_time(struct live *l)
{
	struct ir_buf b = IR_BUF_INIT(SIZE_MAX / 4);
	struct ir_err e;
	const char *p;
	int64_t v = 0;

	if (live_readat(l->proc_fd, "stat", &b, (size_t)16 << 20, &e) != IR_OK)
		live_problem(l, "boot time", "/proc/stat", e.msg);
	else if ((p = strstr(b.buf, "\nbtime ")) != NULL)
		v = strtoll(p + 7, NULL, 10);
	ir_buf_release(&b);
	return v;
}

void
live_provenance(struct live *l)
{
	struct ir_field f[40];
	struct ir_buf argv = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct ir_pstatus ss;
	struct ir_digest d;
	struct ir_err e;
	struct ir_time now, bt;
	struct timespec mono;
	char sha[IR_HASH_MAXLEN * 2 + 1], host[256], dom[256], mid[128];
	char bootid[128], rel[256], ver[512], up[128], tz[256], taint[32];
	char lockdown[256], kcmd[4096], pidmax[32], capeff[20], tzlink[512];
	char rootbuf[4096];
	const char *p;
	struct ir_buf b = IR_BUF_INIT(SIZE_MAX / 4);
	char *link;
	size_t n = 0, ll;
	int fd, i;

	now = ir_time_now();
	(void)clock_gettime(CLOCK_MONOTONIC, &mono);
	l->btime = boot_time(l);
	l->hz = sysconf(_SC_CLK_TCK);
	if (l->hz <= 0)
		l->hz = 100;

	f[n++] = IR_FSTR("type", "provenance");
	f[n++] = IR_FSTR("tool", "ir-live");
	f[n++] = IR_FSTR("version", ir_version());
	sha[0] = '\0';
	if ((fd = openat(l->proc_fd, "self/exe", O_RDONLY | O_CLOEXEC)) < 0 ||
	    ir_hash_reset(l->hash, &e) != IR_OK ||
	    ir_hash_fd(l->hash, fd, &d, &e) != IR_OK)
		live_problem(l, "own executable", "/proc/self/exe",
		    fd < 0 ? strerror(errno) : e.msg);
	else {
		ir_digest_hex(&d, IR_HASH_SHA256, sha);
		f[n++] = IR_FSTR("tool_sha256", sha);
	}
	if (fd >= 0)
		(void)close(fd);
	(void)ir_buf_addch(&argv, '[', &e);
	for (i = 0; i < l->argc; i++) {
		if (i > 0)
			(void)ir_buf_addch(&argv, ',', &e);
		(void)ir_json_quote(&argv, l->argv[i], strlen(l->argv[i]), &e);
	}
	(void)ir_buf_addch(&argv, ']', &e);
	f[n++] = IR_FRAW("argv", argv.buf);
	f[n++] = IR_FI64("pid", l->self);
	f[n++] = IR_FU64("uid", getuid());
	f[n++] = IR_FU64("euid", geteuid());
	if (live_readat(l->proc_fd, "self/status", &b, 1 << 20, &e) == IR_OK &&
	    ir_pstatus_parse(b.buf, b.len, &ss, &e) == IR_OK &&
	    (ss.have & IR_ST_CAPEFF)) {
		(void)snprintf(capeff, sizeof(capeff), "%016" PRIx64,
		    ss.cap_eff);
		f[n++] = IR_FSTR("cap_eff", capeff);
	}
	if (first_line(l->proc_fd, "sys/kernel/hostname", host,
	    sizeof(host))[0] != '\0')
		f[n++] = IR_FSTR("hostname", host);
	if (first_line(l->proc_fd, "sys/kernel/domainname", dom,
	    sizeof(dom))[0] != '\0')
		f[n++] = IR_FSTR("domainname", dom);
	if (etc_line(l, "/etc/machine-id", mid, sizeof(mid))[0] != '\0')
		f[n++] = IR_FSTR("machine_id", mid);
	if (first_line(l->proc_fd, "sys/kernel/random/boot_id", bootid,
	    sizeof(bootid))[0] != '\0')
		f[n++] = IR_FSTR("boot_id", bootid);
	if (first_line(l->proc_fd, "sys/kernel/osrelease", rel,
	    sizeof(rel))[0] != '\0')
		f[n++] = IR_FSTR("kernel", rel);
	if (first_line(l->proc_fd, "sys/kernel/version", ver,
	    sizeof(ver))[0] != '\0')
		f[n++] = IR_FSTR("kernel_version", ver);
	if (first_line(l->proc_fd, "cmdline", kcmd, sizeof(kcmd))[0] != '\0')
		f[n++] = IR_FSTR("kernel_cmdline", kcmd);
	bt.sec = l->btime;
	bt.nsec = 0;
	bt.valid = l->btime > 0;
	f[n++] = IR_FTIME("boot_time", bt);
	if (first_line(l->proc_fd, "uptime", up, sizeof(up))[0] != '\0') {
		char *sp = strchr(up, ' ');

		if (sp != NULL)
			*sp = '\0';
		/* A JSON number only if it is one: "12345.67". */
		if (up[0] >= '0' && up[0] <= '9' &&
		    strspn(up, "0123456789.") == strlen(up) &&
		    strchr(up, '.') == strrchr(up, '.') &&
		    up[strlen(up) - 1] != '.')
			f[n++] = IR_FRAW("uptime", up);
	}
	f[n++] = IR_FTIME("time", now);
	f[n++] = IR_FI64("monotonic_ns", (int64_t)mono.tv_sec * 1000000000 +
	    mono.tv_nsec);
	if (etc_line(l, "/etc/timezone", tz, sizeof(tz))[0] != '\0')
		f[n++] = IR_FSTR("timezone", tz);
	if ((link = live_readlink(AT_FDCWD, live_path(l, "/etc/localtime",
	    rootbuf, sizeof(rootbuf)), &ll)) != NULL) {
		(void)snprintf(tzlink, sizeof(tzlink), "%s", link);
		f[n++] = IR_FSTR("localtime", tzlink);
		free(link);
	}
	if ((p = getenv("TZ")) != NULL)
		f[n++] = IR_FSTR("tz_env", p);
	if (first_line(l->proc_fd, "sys/kernel/tainted", taint,
	    sizeof(taint))[0] != '\0')
		f[n++] = IR_FU64("tainted", strtoull(taint, NULL, 10));
	else
		live_problem(l, "kernel taint", "/proc/sys/kernel/tainted",
		    "not readable");
	if (first_line(AT_FDCWD, "/sys/kernel/security/lockdown", lockdown,
	    sizeof(lockdown))[0] != '\0')
		f[n++] = IR_FSTR("lockdown", lockdown);
	if (first_line(l->proc_fd, "sys/kernel/pid_max", pidmax,
	    sizeof(pidmax))[0] != '\0')
		f[n++] = IR_FU64("pid_max", strtoull(pidmax, NULL, 10));
	if (l->root != NULL)
		f[n++] = IR_FSTR("files_root", l->root);
	(void)live_emit(l, f, n);
	ir_buf_release(&argv);
	ir_buf_release(&b);
}
