#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <magic.h>

#include "ir/error.h"
#include "ir/magic.h"

struct ir_magic {
	magic_t		 cookie;
};

/*
 * Is path (one file, not a ':' list) something other than a compiled
 * database?  libmagic would parse it as magic source and print warnings
 * on stderr: a library must not.
 */
static int
not_compiled(const char *path)
{
	unsigned char b[4];
	uint32_t v;
	FILE *fp;
	size_t n;

	if (strchr(path, ':') != NULL || (fp = fopen(path, "rbe")) == NULL)
		return 0;		/* magic_load reports it */
	n = fread(b, 1, sizeof(b), fp);
	(void)fclose(fp);
	if (n != sizeof(b))
		return 1;
	v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24;
	return v != 0xf11e041cU && v != 0x1c041ef1U;	/* either order */
}

int
ir_magic_open(struct ir_magic **mp, const char *db, struct ir_err *e)
{
	struct ir_magic *m;

	*mp = NULL;
	if (db != NULL && not_compiled(db))
		return ir_err_set(e, IR_EDEP, 0, "libmagic: cannot load %s: "
		    "not a compiled magic database", db);
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	/*
	 * No decompression (evidence is typed as stored) and no external
	 * helpers; MAGIC_ERROR makes a broken database an error, not "data".
	 */
	m->cookie = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR |
	    MAGIC_NO_CHECK_COMPRESS);
	if (m->cookie == NULL) {
		free(m);
		return ir_err_set(e, IR_EDEP, 0, "libmagic: cannot start");
	}
	if (magic_load(m->cookie, db) != 0) {
		ir_err_set(e, IR_EDEP, 0, "libmagic: cannot load %s: %s",
		    db != NULL ? db : "the default database",
		    magic_error(m->cookie) ? magic_error(m->cookie) : "?");
		magic_close(m->cookie);
		free(m);
		return IR_EDEP;
	}
	*mp = m;
	return IR_OK;
}

void
ir_magic_close(struct ir_magic *m)
{
	if (m == NULL)
		return;
	magic_close(m->cookie);
	free(m);
}

int
ir_magic_mime(struct ir_magic *m, const void *buf, size_t n, char *out,
    size_t outsz, struct ir_err *e)
{
	const char *r;

	if ((r = magic_buffer(m->cookie, buf, n)) == NULL) {
		const char *why = magic_error(m->cookie);

		return ir_err_set(e, IR_EDEP, 0, "libmagic: %s",
		    why != NULL ? why : "no type");
	}
	(void)snprintf(out, outsz, "%s", r);
	return IR_OK;
}

static const char *const exec_mimes[] = {
	"application/x-executable",
	"application/x-pie-executable",
	"application/x-sharedlib",
	"application/x-object",
	"application/x-coredump",
	"application/x-dosexec",
	"application/x-msdownload",
	"application/vnd.microsoft.portable-executable",
	"application/x-mach-binary",
	"application/x-elf",
	NULL
};

/* Names that promise a document, picture, sound or plain data. */
static const char *const inert_exts[] = {
	"jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "ico", "webp",
	"svg", "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt",
	"ods", "odp", "rtf", "txt", "csv", "log", "md", "json", "xml",
	"htm", "html", "css", "mp3", "mp4", "m4a", "wav", "avi", "mkv",
	"mov", "flac", "ogg", "wmv", "zip", "gz", "tar", "7z", "rar",
	"conf", "cfg", "ini", NULL
};

int
ir_magic_mismatch(const char *name, const char *mime)
{
	const char *dot;
	int i, exec = 0;

	if (name == NULL || mime == NULL)
		return 0;
	for (i = 0; exec_mimes[i] != NULL; i++)
		if (strcmp(mime, exec_mimes[i]) == 0)
			exec = 1;
	if (!exec || (dot = strrchr(name, '.')) == NULL || dot == name)
		return 0;
	for (i = 0; inert_exts[i] != NULL; i++)
		if (strcasecmp(dot + 1, inert_exts[i]) == 0)
			return 1;
	return 0;
}

int
ir_magic_exec_header(const void *buf, size_t n)
{
	const unsigned char *p = buf;
	uint32_t lfanew, m;

	if (n >= 4 && memcmp(p, "\x7f" "ELF", 4) == 0)
		return 1;
	if (n >= 4) {
		m = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		    (uint32_t)p[3] << 24;
		if (m == 0xfeedface || m == 0xfeedfacf || m == 0xcefaedfe ||
		    m == 0xcffaedfe || m == 0xcafebabe || m == 0xbebafeca)
			return 1;	/* Mach-O, either order, or fat */
	}
	if (n < 0x40 || p[0] != 'M' || p[1] != 'Z')
		return 0;
	lfanew = (uint32_t)p[0x3c] | (uint32_t)p[0x3d] << 8 |
	    (uint32_t)p[0x3e] << 16 | (uint32_t)p[0x3f] << 24;
	if (lfanew < 0x40 || lfanew > n - 4)
		return 0;
	p += lfanew;
	return memcmp(p, "PE\0\0", 4) == 0 || memcmp(p, "NE", 2) == 0 ||
	    memcmp(p, "LE", 2) == 0 || memcmp(p, "LX", 2) == 0;
}
