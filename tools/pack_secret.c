#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "pack_secret.h"
#include "tool.h"

#define PASS_MAX	1024

int
pack_check_recipient(const char *s, struct ir_err *e)
{
	return ir_age_recipient_check(s, e);
}

static char *
first_line(const char *buf, size_t n, const char *what)
{
	size_t k = strcspn(buf, "\r\n");
	char *p;

	if (k > n)
		k = n;
	if (k == 0) {
		tool_warnx("%s: empty passphrase", what);
		return NULL;
	}
	if ((p = malloc(k + 1)) == NULL) {
		tool_warnx("out of memory");
		return NULL;
	}
	memcpy(p, buf, k);
	p[k] = '\0';
	return p;
}

char *
pack_read_passphrase_file(const char *path)
{
	struct ir_buf b = IR_BUF_INIT(PASS_MAX * 4);
	struct ir_err e;
	char *p = NULL;
	int fd;

	if (strcmp(path, "-") == 0)
		fd = dup(STDIN_FILENO);
	else
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		tool_warnx("cannot open passphrase file '%s': %s", path,
		    strerror(errno));
		return NULL;
	}
	if (ir_read_fd(fd, path, &b, &e) != IR_OK)
		tool_warnx("%s", e.msg);
	else
		p = first_line(b.buf, b.len, path);
	(void)close(fd);
	explicit_bzero(b.buf, b.len);
	ir_buf_release(&b);
	return p;
}

/* One line from the terminal, not echoed. */
static char *
tty_line(int fd, const char *prompt)
{
	struct termios t, saved;
	char buf[PASS_MAX];
	size_t n = 0;
	ssize_t r;
	char c, *p;

	(void)ir_write_full(fd, prompt, strlen(prompt));
	if (tcgetattr(fd, &saved) != 0)
		return NULL;
	t = saved;
	t.c_lflag &= (tcflag_t)~(ECHO | ECHONL);
	t.c_lflag |= ICANON;
	(void)tcsetattr(fd, TCSAFLUSH, &t);
	while ((r = read(fd, &c, 1)) == 1 && c != '\n')
		if (n < sizeof(buf) - 1)
			buf[n++] = c;
	(void)tcsetattr(fd, TCSAFLUSH, &saved);
	(void)ir_write_full(fd, "\n", 1);
	buf[n] = '\0';
	p = r < 0 ? NULL : first_line(buf, n, "terminal");
	explicit_bzero(buf, sizeof(buf));
	return p;
}

char *
pack_ask_passphrase(int confirm)
{
	const char *env = getenv("IRKIT_PASSPHRASE");
	char *p, *q;
	int fd;

	if (env != NULL)
		return first_line(env, strlen(env), "IRKIT_PASSPHRASE");
	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) < 0) {
		tool_warnx("no passphrase: set IRKIT_PASSPHRASE, use "
		    "--passphrase-file, or run on a terminal");
		return NULL;
	}
	p = tty_line(fd, "Passphrase: ");
	if (p != NULL && confirm) {
		q = tty_line(fd, "Passphrase again: ");
		if (q == NULL || strcmp(p, q) != 0) {
			tool_warnx("the passphrases differ");
			explicit_bzero(p, strlen(p));
			free(p);
			p = NULL;
		}
		if (q != NULL) {
			explicit_bzero(q, strlen(q));
			free(q);
		}
	}
	(void)close(fd);
	return p;
}
