/*
 * catalog: the artifact catalogue that ir-collect reads.  Data a
 * responder edits: JSON files, one per category, each
 *
 *	{ "category": "ssh",
 *	  "artifacts": [
 *	    { "name": "ssh-authorized-keys",
 *	      "description": "keys that may log in without a password",
 *	      "paths": [ "{home}/.ssh/authorized_keys*", "/etc/ssh/sshd_config" ],
 *	      "max_size": "1M",
 *	      "recursive": false } ] }
 *
 * A path is a glob (fnmatch(3), component by component, "*" never
 * crosses a "/", a leading "." is matched by "*") that is absolute, or
 * starts with "{home}/" or "~/" for every home directory of the host.
 * recursive: a directory that matches is taken with everything below
 * it.  max_size: bytes per file (a number, or a string such as "64M");
 * a larger file is copied up to it and reported truncated.  Unknown keys
 * are errors (a typo must not silently drop a path).
 *
 * The input is untrusted in the sense that it is typed by hand: every
 * error names the file and the line and column (syntax) or the artifact
 * and field (meaning).
 */
#ifndef IR_CATALOG_H
#define IR_CATALOG_H

#include <stddef.h>
#include <stdint.h>

struct ir_err;

#define IR_CATALOG_HOME		"{home}"
#define IR_CATALOG_MAX_SIZE	(64ULL << 20)	/* when max_size is absent */
#define IR_CATALOG_FILE_MAX	(4U << 20)	/* bytes of one catalogue file */

struct ir_artifact {
	char		*name;		/* [A-Za-z0-9._-], unique */
	char		*category;
	char		*description;
	char		**paths;	/* "~/" already turned into "{home}/" */
	size_t		 npaths;
	uint64_t	 max_size;	/* > 0 */
	int		 recursive;
	const char	*file;		/* the catalogue file it is from */
};

struct ir_catalog {
	struct ir_artifact *v;
	size_t		 n;
	char		**files;	/* names of the files read */
	size_t		 nfiles;
};

#define IR_CATALOG_INIT	{ NULL, 0, NULL, 0 }

/*
 * Add the artifacts of one catalogue file (its n bytes; name is for
 * messages and the artifacts' file field) to c.  Nothing is added when
 * it fails (IR_EFORMAT, IR_ENOMEM).
 */
int	 ir_catalog_parse(struct ir_catalog *c, const char *name,
	    const char *buf, size_t n, struct ir_err *);
/*
 * Add a catalogue file, or every "*.json" of a directory in byte order
 * of their names (a directory without any is IR_ENOENT).
 */
int	 ir_catalog_load(struct ir_catalog *c, const char *path,
	    struct ir_err *);
void	 ir_catalog_free(struct ir_catalog *c);
/* Does pattern start with "{home}/"? */
int	 ir_catalog_home(const char *pattern);

#endif
