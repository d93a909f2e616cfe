/*
 * ioc: file name patterns (Loki's filename-iocs format) and keyword lists
 * turned into YARA rules.  Hash lists are ir/hashset.h's.
 *
 * The patterns are Python regular expressions.  Each is translated into a
 * POSIX extended one for glibc's regcomp: everything Python gives a meaning
 * is spelt out (\d, \w and \s as bracket expressions, \xNN as the byte, '.'
 * as "anything but newline", classes rebuilt from a byte set), and a
 * backslash is kept only before the ERE specials, because glibc gives \<,
 * \>, \` and \' meanings that Python does not.  What ERE cannot say
 * (look-around, back-references, flags other than a leading (?i)) is
 * refused with the line.  Patterns are compiled and run in the C locale:
 * paths are bytes, and a caller's UTF-8 locale must not change that.
 *
 * Matching 3828 patterns against every path is costly, so each pattern
 * also yields a literal that any match must contain (the longest run of
 * plain characters outside groups, when there is no top-level '|').  An
 * index of one 4-byte piece of each literal, chosen to be the rarest among
 * the patterns, picks the few patterns worth a regexec for a given path.
 */
#include <ctype.h>
#include <locale.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir/buf.h"
#include "ir/error.h"
#include "ir/ioc.h"

#define NONE		((size_t)-1)
/*
 * The forms of a path a pattern is tried on.  One that names '\\' is
 * Windows': the '\\' form (which keeps any '\\' the name has), else its
 * [^\\] would step over '/'.  One that names '/' is tried as it is.
 */
#define FORM_AS_IS	1
#define FORM_BS		2
#define GRAM		4		/* bytes of literal the index keys on */
/*
 * Bound on a pattern's size once glibc has expanded its repetitions: the
 * largest of signature-base's weighs 1370; at this bound a hostile one
 * costs a regexec of 0.15 s on a 4 KiB path ("(.{1,49}){1,49}x": 4 s).
 */
#define MAX_WEIGHT	2000
#define MAX_DEPTH	64		/* nested groups */
#define STACK_MARKS	8192		/* patterns whose marks fit on the stack */
#define STACK_PATH	4096
#define LIT_MAX		64		/* bytes of a required literal kept */
#define MAX_ALTS	32		/* alternatives of a group, as literals */
#define BLOOM_BITS	65536		/* quick "no pattern has this piece" */

struct pat {
	regex_t		 re, fp;
	int		 has_fp;
	int		 forms, fpforms;	/* FORM_* to try each on */
	int		 score;
	int		 line;
	size_t		 pattern;	/* offsets into strs */
	size_t		 comment;	/* or NONE */
	size_t		 source;
	size_t		 lit;		/* required literals: length byte, bytes */
	size_t		 nlit;		/* 0: none, the pattern is always tried */
};

/* One literal of a pattern, filed in the index under a piece of it. */
struct ent {
	uint32_t	 id;		/* the pattern */
	uint32_t	 len;
	size_t		 off;		/* into strs */
};

struct slot {
	uint32_t	 key;
	uint32_t	 start, count;	/* into ents; count 0: empty slot */
};

/* A set of literals of which any match must contain one. */
struct lits {
	size_t		 n;
	size_t		 len[MAX_ALTS];
	char		 s[MAX_ALTS][LIT_MAX];
};

struct ir_names {
	struct pat	*p;
	size_t		 n, alloc;
	struct ir_buf	 strs;		/* NUL-terminated strings */
	locale_t	 cloc;
	/* The index: gram -> patterns, and the patterns without a gram. */
	struct slot	*slots;
	size_t		 nslots;	/* a power of two */
	struct ent	*ents;
	uint32_t	*always;
	size_t		 nalways;
	uint64_t	 bloom[BLOOM_BITS / 64];
};

/*
 * Translation of one Python pattern.
 */
struct tr {
	const char	*s;		/* the pattern */
	size_t		 n, i;
	struct ir_buf	*out;
	int		 icase, dotall;
	const char	*why;		/* why it cannot be translated */
	/*
	 * What any match must contain: the run of plain characters outside
	 * groups, the alternatives of a group of plain ones (with the run
	 * before it and the characters after it), the best of these so far.
	 */
	char		 run[LIT_MAX], pre[LIT_MAX];
	size_t		 runlen, prelen;
	int		 lit_atom;	/* the last atom was a plain character */
	int		 cur_atom;	/* the last atom was that group */
	int		 grp_ok;	/* the open outer group is plain so far */
	struct lits	 grp, cur, best;
	long		 bestscore;
	int		 topalt;	/* a '|' outside any group */
	int		 forms;		/* FORM_*: the separators it names */
	int		 depth;
	/* Expanded size: per group level, total and that of the last atom. */
	unsigned long	 sum[MAX_DEPTH + 1], last[MAX_DEPTH + 1];
};

static int
fail(struct tr *t, const char *why)
{
	if (t->why == NULL)
		t->why = why;
	return -1;
}

static int
emit(struct tr *t, const char *s, size_t n)
{
	if (ir_buf_add(t->out, s, n, NULL) != IR_OK)
		return fail(t, "out of memory");
	return 0;
}

static int
emits(struct tr *t, const char *s)
{
	return emit(t, s, strlen(s));
}

/* Keep c as the requirement if it beats the best so far. */
static void
consider(struct tr *t, const struct lits *c)
{
	size_t i, min = (size_t)-1;
	long score;

	for (i = 0; i < c->n; i++)
		if (c->len[i] < min)
			min = c->len[i];
	if (c->n == 0 || min < GRAM)
		return;
	/* Longer is rarer; one literal is cheaper than several. */
	score = (long)min - (c->n > 1);
	if (t->best.n == 0 || score > t->bestscore) {
		memcpy(&t->best, c, sizeof(*c));
		t->bestscore = score;
	}
}

/* The run of plain characters (and a group extended by it) ends. */
static void
end_run(struct tr *t)
{
	struct lits one;

	if (t->runlen > 0) {
		one.n = 1;
		one.len[0] = t->runlen;
		memcpy(one.s[0], t->run, t->runlen);
		consider(t, &one);
	}
	consider(t, &t->cur);
	t->runlen = t->cur.n = 0;
	t->lit_atom = t->cur_atom = 0;
}

static void
lit_byte(struct tr *t, int c)
{
	size_t k;

	c = tolower(c);
	if (t->depth == 1 && t->grp_ok) {
		k = t->grp.n - 1;
		if (t->grp.len[k] == LIT_MAX)
			t->grp_ok = 0;
		else
			t->grp.s[k][t->grp.len[k]++] = (char)c;
	}
	if (t->depth != 0)
		return;
	if (t->runlen == LIT_MAX)
		end_run(t);
	for (k = 0; k < t->cur.n; k++)
		if (t->cur.len[k] == LIT_MAX) {
			consider(t, &t->cur);
			t->cur.n = 0;
		}
	for (k = 0; k < t->cur.n; k++)
		t->cur.s[k][t->cur.len[k]++] = (char)c;
	t->run[t->runlen++] = (char)c;
	t->lit_atom = 1;
	t->cur_atom = 0;
}

/* Anything but a plain character. */
static void
lit_break(struct tr *t)
{
	if (t->depth == 0)
		end_run(t);
	else
		t->grp_ok = 0;
}

static void
lit_open(struct tr *t)
{
	if (t->depth != 0) {
		t->grp_ok = 0;
		return;
	}
	memcpy(t->pre, t->run, t->runlen);
	t->prelen = t->runlen;
	end_run(t);
	t->grp_ok = 1;
	t->grp.n = 1;
	t->grp.len[0] = 0;
}

static void
lit_bar(struct tr *t)
{
	if (t->depth == 0) {
		t->topalt = 1;
		end_run(t);
	} else if (t->depth == 1 && t->grp_ok) {
		if (t->grp.n == MAX_ALTS)
			t->grp_ok = 0;
		else
			t->grp.len[t->grp.n++] = 0;
	}
}

/* After ')', at the depth outside it. */
static void
lit_close(struct tr *t)
{
	size_t k, l;

	if (t->depth != 0) {
		t->grp_ok = 0;
		return;
	}
	end_run(t);
	if (!t->grp_ok)
		return;
	/* Each alternative after the run before the group. */
	for (k = 0; k < t->grp.n; k++) {
		memcpy(t->cur.s[k], t->pre, t->prelen);
		l = t->grp.len[k];
		if (l > LIT_MAX - t->prelen)
			l = LIT_MAX - t->prelen;
		memcpy(t->cur.s[k] + t->prelen, t->grp.s[k], l);
		t->cur.len[k] = t->prelen + l;
	}
	t->cur.n = t->grp.n;
	t->cur_atom = 1;
	t->grp_ok = 0;
}

/* A quantifier with this minimum on the last atom. */
static void
lit_quant(struct tr *t, unsigned long min)
{
	size_t k;

	if (t->depth != 0) {
		t->grp_ok = 0;
		return;
	}
	if (t->cur_atom && min == 0)
		t->cur.n = 0;
	else if (t->lit_atom && min == 0) {
		/* Optional: what it added is not required. */
		t->runlen--;
		for (k = 0; k < t->cur.n; k++)
			t->cur.len[k]--;
	}
	end_run(t);
}

/* An atom of expanded size w at the current level. */
static void
weigh(struct tr *t, unsigned long w)
{
	t->sum[t->depth] += w;
	t->last[t->depth] = w;
	if (t->sum[t->depth] > MAX_WEIGHT)
		(void)fail(t, "pattern too large once repetitions are expanded");
}

/* A non-literal atom (class, anchor). */
static void
other_atom(struct tr *t, unsigned long w)
{
	lit_break(t);
	weigh(t, w);
}

static int
is_ere_special(int c)
{
	return c != '\0' && strchr(".[]()*+?{}|^$\\", c) != NULL;
}

/* One literal byte, escaped for ERE when it must be. */
static int
literal(struct tr *t, unsigned char c)
{
	char b[2] = { '\\', (char)c };

	if (c == '\0')
		return fail(t, "NUL byte");
	if (c == '\\')
		t->forms |= FORM_BS;
	else if (c == '/')
		t->forms |= FORM_AS_IS;
	lit_byte(t, c);
	weigh(t, 1);
	return is_ere_special(c) ? emit(t, b, 2) : emit(t, b + 1, 1);
}

/* The byte a Python escape stands for (after the backslash), or -1. */
static int
escaped_byte(struct tr *t, int in_class)
{
	int c = (unsigned char)t->s[t->i], h, l;

	switch (c) {
	case 'a':
		return '\a';
	case 'f':
		return '\f';
	case 'n':
		return '\n';
	case 'r':
		return '\r';
	case 't':
		return '\t';
	case 'v':
		return '\v';
	case 'b':
		return in_class ? '\b' : -1;
	case 'x':
		if (t->i + 2 >= t->n || (h = ir_hexval(t->s[t->i + 1])) < 0 ||
		    (l = ir_hexval(t->s[t->i + 2])) < 0)
			return fail(t, "bad \\x escape");
		t->i += 2;
		return h << 4 | l;
	}
	if (c >= '0' && c <= '9')
		return fail(t, "back-references and octal escapes are not "
		    "supported");
	if (isalpha(c) || c >= 0x80)
		return fail(t, "unknown escape");
	return c;		/* escaped punctuation: itself */
}

/* A 256-bit byte set. */
struct set {
	uint32_t	 w[8];
};

static void
set_add(struct set *s, int c)
{
	s->w[c >> 5] |= 1U << (c & 31);
}

static int
set_has(const struct set *s, int c)
{
	return (s->w[c >> 5] >> (c & 31)) & 1;
}

/* Which non-ASCII characters a class takes besides its bytes. */
#define EX_ANY		1	/* every one */
#define EX_SPACE	2	/* Python's \s: U+0085, U+00A0, U+2000 ... */

/*
 * \d \w \s and their negations into s; 0 if c is none of them.  Python's
 * are Unicode's: \s gets its non-ASCII spaces, \w every non-ASCII
 * character (letters are too many to list; a responder would rather see
 * "Fonts\\\xc3\xb6kj.exe" than not), \d the ASCII digits only.
 */
static int
shorthand(struct set *s, int c, int *extra)
{
	struct set x = { { 0 } };
	int b, k;

	switch (tolower(c)) {
	case 'd':
		for (b = '0'; b <= '9'; b++)
			set_add(&x, b);
		break;
	case 'w':
		for (b = 0; b < 128; b++)
			if (isalnum(b) || b == '_')
				set_add(&x, b);
		if (c == 'w')
			*extra |= EX_ANY;
		break;
	case 's':
		for (b = 0; b < 128; b++)
			if (isspace(b) || (b >= 0x1c && b <= 0x1f))
				set_add(&x, b);
		if (c == 's')
			*extra |= EX_SPACE;
		break;
	default:
		return 0;
	}
	for (k = 0; k < 8; k++)
		s->w[k] |= isupper(c) ? ~x.w[k] : x.w[k];
	return 1;
}

/*
 * Python matches a class, '.' or \W against one character, and a path's
 * non-ASCII characters are UTF-8 sequences: where the class holds every
 * non-ASCII character, it also takes one whole sequence ("svch[^o]st"
 * must find "svch\xc3\xb6st").
 */
#define UTF8_SEQ	"|[\xc2-\xf4][\x80-\xbf]{1,3})"
#define UTF8_SPACE	"|\xc2[\x85\xa0]|\xe1\x9a\x80|" \
			"\xe2\x80[\x80-\x8a\xa8\xa9\xaf]|\xe2\x81\x9f|\xe3\x80\x80)"

/*
 * A byte set as a POSIX bracket expression: ']' first, '-' last, '^' never
 * first, '[' only where no '.', ':' or '=' can follow it.  NUL is left out
 * (no path holds one).
 */
static int
emit_set(struct tr *t, const struct set *s, int neg, int extra)
{
	const char *tail = NULL;
	int c, e, n = 0, lone = -1, any = 1;

	for (c = 1; c < 256; c++)
		if (set_has(s, c)) {
			n++;
			lone = c;
		} else if (c >= 0x80)
			any = 0;
	if (any || neg || (extra & EX_ANY))
		tail = UTF8_SEQ;
	else if (extra & EX_SPACE)
		tail = UTF8_SPACE;
	if (n == 0)
		return fail(t, neg ? "class of every character" :
		    "class of no character");
	if (n == 1 && !neg && tail == NULL)
		return literal(t, (unsigned char)lone);
	other_atom(t, 4);
	if (tail != NULL && emit(t, "(", 1) != 0)
		return -1;
	if (emits(t, neg ? "[^" : "[") != 0)
		return -1;
	if (set_has(s, ']') && emit(t, "]", 1) != 0)
		return -1;
	for (c = 1; c < 256; c = e) {
		for (e = c; e < 256 && set_has(s, e) && strchr("]^-[", e) == NULL;
		    e++)
			;
		if (e - c >= 3) {
			char r[3] = { (char)c, '-', (char)(e - 1) };

			if (emit(t, r, 3) != 0)
				return -1;
		} else
			for (; c < e; c++) {
				char b = (char)c;

				if (emit(t, &b, 1) != 0)
					return -1;
			}
		if (e == c)
			e++;
	}
	if (set_has(s, '[') && emit(t, "[", 1) != 0)
		return -1;
	if (set_has(s, '^')) {
		/* Only '^' and '-' left, and nothing written yet: "-^". */
		if (t->out->buf[t->out->len - 1] == '[' &&
		    !set_has(s, '[') && set_has(s, '-')) {
			if (emits(t, "-^]") != 0)
				return -1;
			return tail != NULL ? emits(t, tail) : 0;
		}
		if (emit(t, "^", 1) != 0)
			return -1;
	}
	if (set_has(s, '-') && emit(t, "-", 1) != 0)
		return -1;
	if (emit(t, "]", 1) != 0)
		return -1;
	return tail != NULL ? emits(t, tail) : 0;
}

/* One byte of a class, escapes resolved: the byte, or -2 for a shorthand. */
static int
class_char(struct tr *t, struct set *s, int *extra)
{
	int c = (unsigned char)t->s[t->i];

	if (c == '\\') {
		if (++t->i == t->n)
			return fail(t, "trailing backslash");
		if (shorthand(s, t->s[t->i], extra))
			return -2;
		c = escaped_byte(t, 1);
	} else if (c >= 0x80)
		return fail(t, "non-ASCII character in [...]");
	return c;
}

/* [...] at t->i (just after '['). */
static int
bracket(struct tr *t)
{
	struct set s = { { 0 } };
	int neg = 0, first = 1, extra = 0, lo, hi, c;

	if (t->i < t->n && t->s[t->i] == '^') {
		neg = 1;
		t->i++;
	}
	for (;; t->i++) {
		if (t->i >= t->n)
			return fail(t, "unterminated [");
		if (t->s[t->i] == ']' && !first)
			break;
		first = 0;
		if ((lo = class_char(t, &s, &extra)) == -1)
			return -1;
		if (lo == -2)
			continue;
		if (t->i + 2 < t->n && t->s[t->i + 1] == '-' &&
		    t->s[t->i + 2] != ']') {
			t->i += 2;
			if ((hi = class_char(t, &s, &extra)) == -1)
				return -1;
			if (hi == -2)
				return fail(t, "class shorthand in a range");
			if (hi < lo)
				return fail(t, "bad character range");
			for (c = lo; c <= hi; c++)
				set_add(&s, c);
		} else
			set_add(&s, lo);
	}
	t->i++;
	if (set_has(&s, '\\'))
		t->forms |= FORM_BS;
	if (set_has(&s, '/'))
		t->forms |= FORM_AS_IS;
	return emit_set(t, &s, neg, extra);
}

/* A quantifier {m,n} at t->i; its repeat count, or 0 if '{' is literal. */
static unsigned long
brace(struct tr *t, size_t *end, unsigned long *min)
{
	size_t i = t->i + 1, d0, d1;
	unsigned long a = 0, b = 0;

	for (d0 = i; i < t->n && isdigit((unsigned char)t->s[i]); i++)
		a = a < 100000 ? a * 10 + (unsigned long)(t->s[i] - '0') : a;
	d0 = i - d0;
	if (i < t->n && t->s[i] == '}') {
		if (d0 == 0)
			return 0;
		b = a;
	} else if (i < t->n && t->s[i] == ',') {
		for (d1 = ++i; i < t->n && isdigit((unsigned char)t->s[i]); i++)
			b = b < 100000 ? b * 10 + (unsigned long)(t->s[i] - '0') :
			    b;
		d1 = i - d1;
		if (i >= t->n || t->s[i] != '}')
			return 0;
		if (d1 == 0)
			b = a + 1;	/* {m,}: weigh as one more */
	} else
		return 0;
	*end = i + 1;
	*min = a;
	return b > a ? b : (a > 0 ? a : 1);
}

/* After an atom: a quantifier, if any. */
static int
quantifier(struct tr *t)
{
	unsigned long mult, min = 1;
	size_t end;
	int c;

	if (t->i >= t->n)
		return 0;
	c = t->s[t->i];
	if (c == '*' || c == '+' || c == '?') {
		min = c == '+';
		mult = 2;
		if (emit(t, &t->s[t->i], 1) != 0)
			return -1;
		t->i++;
	} else if (c == '{' && (mult = brace(t, &end, &min)) > 0) {
		if (t->s[t->i + 1] == ',') {	/* {,n} is {0,n} */
			if (emits(t, "{0") != 0)
				return -1;
			t->i++;
		}
		if (emit(t, &t->s[t->i], end - t->i) != 0)
			return -1;
		t->i = end;
	} else
		return 0;
	lit_quant(t, min);
	if (t->last[t->depth] > 0 && mult > 1) {
		unsigned long w = t->last[t->depth];

		w = w > MAX_WEIGHT ? MAX_WEIGHT + 1 : w * (mult - 1);
		weigh(t, w);
		t->last[t->depth] = 0;	/* a quantified atom is not again */
	}
	if (t->i < t->n && t->s[t->i] == '?')	/* lazy: same match set */
		t->i++;
	else if (t->i < t->n && (t->s[t->i] == '+' || t->s[t->i] == '*'))
		return fail(t, "possessive or repeated quantifier");
	return 0;
}

/* "(?" at t->i: returns 1 for a group to open, 0 when handled, -1 error. */
static int
extension(struct tr *t)
{
	size_t i = t->i + 2;
	int c = i < t->n ? t->s[i] : '\0';

	switch (c) {
	case ':':
		t->i = i + 1;
		return 1;
	case 'P':
		if (i + 1 < t->n && t->s[i + 1] == '<') {
			for (i += 2; i < t->n && t->s[i] != '>'; i++)
				;
			if (i >= t->n)
				return fail(t, "unterminated (?P<");
			t->i = i + 1;
			return 1;
		}
		return fail(t, "back-references are not supported");
	case '#':
		for (; i < t->n && t->s[i] != ')'; i++)
			;
		if (i >= t->n)
			return fail(t, "unterminated (?#");
		t->i = i + 1;
		return 0;
	case '=':
	case '!':
	case '<':
		return fail(t, "look-around is not supported");
	}
	/* Flags: only at the very start, and only those ERE can honour. */
	if (t->i != 0)
		return fail(t, "inline flags other than a leading (?i)");
	for (; i < t->n && t->s[i] != ')'; i++) {
		if (t->s[i] == 'i')
			t->icase = 1;
		else if (t->s[i] == 's')
			t->dotall = 1;
		else if (t->s[i] != 'a' && t->s[i] != 'u')
			return fail(t, "inline flags other than a leading (?i)");
	}
	if (i >= t->n)
		return fail(t, "unterminated (?");
	t->i = i + 1;
	return 0;
}

static int
escape(struct tr *t)
{
	struct set s = { { 0 } };
	int c, b, extra = 0;

	if (++t->i == t->n)
		return fail(t, "trailing backslash");
	c = (unsigned char)t->s[t->i];
	if (shorthand(&s, c, &extra)) {
		t->i++;
		return emit_set(t, &s, 0, extra);
	}
	switch (c) {
	case 'b':
	case 'B':
		t->i++;
		other_atom(t, 0);
		return emits(t, c == 'b' ? "\\b" : "\\B");
	case 'A':
	case 'Z':
		t->i++;
		other_atom(t, 0);
		return emits(t, c == 'A' ? "^" : "$");
	}
	if ((b = escaped_byte(t, 0)) < 0)
		return -1;
	t->i++;
	return literal(t, (unsigned char)b);
}

/* A UTF-8 sequence: kept whole, and grouped when a quantifier follows. */
static int
multibyte(struct tr *t)
{
	size_t k = 1, j;
	int q;

	while (t->i + k < t->n && ((unsigned char)t->s[t->i + k] & 0xc0) == 0x80)
		k++;
	q = t->i + k < t->n && strchr("*+?{", t->s[t->i + k]) != NULL;
	if (q) {
		other_atom(t, k);
		if (emit(t, "(", 1) != 0 || emit(t, t->s + t->i, k) != 0 ||
		    emit(t, ")", 1) != 0)
			return -1;
		t->i += k;
		return 0;
	}
	for (j = 0; j < k; j++)
		if (literal(t, (unsigned char)t->s[t->i++]) != 0)
			return -1;
	return 0;
}

static int
translate(struct tr *t)
{
	int c, r;

	while (t->i < t->n && t->why == NULL) {
		c = (unsigned char)t->s[t->i];
		switch (c) {
		case '\\':
			r = escape(t);
			break;
		case '[':
			t->i++;
			r = bracket(t);
			break;
		case '.':
			t->i++;
			other_atom(t, 4);
			/* Python's '.' stops at newline; glibc's without
			 * REG_NEWLINE does not. */
			r = emits(t, t->dotall ? "(." UTF8_SEQ :
			    "([^\n]" UTF8_SEQ);
			break;
		case '(':
			if (t->i + 1 < t->n && t->s[t->i + 1] == '?') {
				if ((r = extension(t)) <= 0)
					break;
			} else
				t->i++;
			lit_open(t);
			if (t->depth == MAX_DEPTH)
				return fail(t, "groups nested too deep");
			t->depth++;
			t->sum[t->depth] = t->last[t->depth] = 0;
			r = emit(t, "(", 1);
			continue;	/* no quantifier on '(' */
		case ')':
			if (t->depth == 0)
				return fail(t, "unbalanced )");
			t->i++;
			t->depth--;
			lit_close(t);
			weigh(t, t->sum[t->depth + 1]);
			r = emit(t, ")", 1);
			break;
		case '|':
			t->i++;
			lit_bar(t);
			t->last[t->depth] = 0;
			r = emit(t, "|", 1);
			continue;
		case '^':
		case '$':
			t->i++;
			other_atom(t, 0);
			t->last[t->depth] = 0;
			r = emit(t, (char *)&t->s[t->i - 1], 1);
			continue;
		case '*':
		case '+':
		case '?':
			return fail(t, "nothing to repeat");
		case '{':
		case '}':
			/* Not a quantifier here: a literal brace. */
			t->i++;
			r = literal(t, (unsigned char)c);
			break;
		default:
			if (c >= 0x80) {
				r = multibyte(t);
				break;
			}
			t->i++;
			r = literal(t, (unsigned char)c);
			break;
		}
		if (r != 0 || quantifier(t) != 0)
			return -1;
	}
	if (t->why != NULL)
		return -1;
	if (t->depth != 0)
		return fail(t, "unbalanced (");
	end_run(t);
	if (t->topalt)
		t->best.n = 0;
	return emit(t, "", 1);		/* the NUL regcomp needs */
}

/*
 * Loading.
 */
int
ir_names_new(struct ir_names **np, struct ir_err *e)
{
	struct ir_names *n;

	if ((n = calloc(1, sizeof(*n))) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	ir_buf_init(&n->strs, IR_BUF_NOLIMIT);
	if ((n->cloc = newlocale(LC_ALL_MASK, "C", (locale_t)0)) ==
	    (locale_t)0) {
		free(n);
		return ir_err_set(e, IR_EDEP, 0, "cannot create the C locale");
	}
	*np = n;
	return IR_OK;
}

static void
free_pats(struct ir_names *n, size_t from)
{
	size_t i;

	for (i = from; i < n->n; i++) {
		regfree(&n->p[i].re);
		if (n->p[i].has_fp)
			regfree(&n->p[i].fp);
	}
	n->n = from;
}

static void
free_index(struct ir_names *n)
{
	free(n->slots);
	free(n->ents);
	free(n->always);
	n->slots = NULL;
	n->ents = NULL;
	n->always = NULL;
	n->nslots = n->nalways = 0;
	memset(n->bloom, 0, sizeof(n->bloom));
}

void
ir_names_free(struct ir_names *n)
{
	if (n == NULL)
		return;
	free_pats(n, 0);
	free(n->p);
	free_index(n);
	ir_buf_release(&n->strs);
	freelocale(n->cloc);
	free(n);
}

size_t
ir_names_count(const struct ir_names *n)
{
	return n->n;
}

static size_t
addstr(struct ir_names *n, const char *s, size_t len, struct ir_err *e)
{
	size_t off = n->strs.len;

	if (ir_buf_add(&n->strs, s, len, e) != IR_OK ||
	    ir_buf_addch(&n->strs, '\0', e) != IR_OK) {
		ir_buf_truncate(&n->strs, off);
		return NONE;
	}
	return off;
}

/*
 * Translate and compile one pattern into re.  IR_OK, IR_ENOMEM, or
 * IR_EFORMAT with *why set.  lits (may be NULL) gets the literals.
 */
static int
compile(const char *s, size_t len, regex_t *re, struct lits *lits,
    int *forms, const char **why, char *whybuf, size_t whysz)
{
	struct ir_buf out = IR_BUF_INIT(IR_BUF_NOLIMIT);
	struct tr t;
	int rc;

	memset(&t, 0, sizeof(t));
	t.s = s;
	t.n = len;
	t.out = &out;
	if (translate(&t) != 0) {
		ir_buf_release(&out);
		*why = t.why;
		return strcmp(t.why, "out of memory") == 0 ? IR_ENOMEM :
		    IR_EFORMAT;
	}
	rc = regcomp(re, out.buf, REG_EXTENDED | REG_NOSUB |
	    (t.icase ? REG_ICASE : 0));
	ir_buf_release(&out);
	if (rc == REG_ESPACE)
		return IR_ENOMEM;
	if (rc != 0) {
		(void)regerror(rc, NULL, whybuf, whysz);
		*why = whybuf;
		return IR_EFORMAT;
	}
	if (lits != NULL)
		memcpy(lits, &t.best, sizeof(*lits));
	/* Both separators, or neither: both forms. */
	*forms = t.forms == FORM_AS_IS || t.forms == FORM_BS ? t.forms :
	    FORM_AS_IS | FORM_BS;
	return IR_OK;
}

/* A comment that is a pattern put out of use ("#\\x\.exe;60"): no title. */
static int
disabled_pattern(const char *s, size_t len)
{
	const char *semi = memchr(s, ';', len);
	size_t i;

	if (semi == NULL || semi == s)
		return 0;
	i = (size_t)(semi - s) + 1;
	if (i == len || !isdigit((unsigned char)s[i]))
		return 0;
	while (i < len && isdigit((unsigned char)s[i]))
		i++;
	return i == len || s[i] == ';';
}

static int
parse_score(const char *s, size_t len, int *score)
{
	long v = 0;
	size_t i = 0;
	int neg = 0;

	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	while (len > i && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	if (i == len)
		return -1;
	for (; i < len; i++) {
		if (!isdigit((unsigned char)s[i]) || v > 1000000)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*score = (int)(neg ? -v : v);
	return 0;
}

/* One "REGEX;SCORE[;FP-REGEX]" line into n->p[n->n]. */
static int
pattern_line(struct ir_names *n, const char *s, size_t len, size_t comment,
    size_t source, int lineno, const char **why, char *whybuf, size_t whysz,
    struct ir_err *e)
{
	struct pat *p = &n->p[n->n];
	const char *semi, *semi2;
	struct lits lits;
	char fpwhy[128];
	size_t rlen, k;
	int rc, score;

	if (memchr(s, '\0', len) != NULL) {
		*why = "NUL byte";
		return IR_EFORMAT;
	}
	if ((semi = memchr(s, ';', len)) == NULL) {
		*why = "no ';SCORE' after the pattern";
		return IR_EFORMAT;
	}
	rlen = (size_t)(semi - s);
	semi++;
	/* The rest after a second ';' is the false-positive pattern. */
	semi2 = memchr(semi, ';', len - (size_t)(semi - s));
	if (rlen == 0) {
		*why = "empty pattern";
		return IR_EFORMAT;
	}
	if (parse_score(semi, (size_t)((semi2 != NULL ? semi2 : s + len) -
	    semi), &score) != 0) {
		*why = "score is not a number";
		return IR_EFORMAT;
	}
	memset(p, 0, sizeof(*p));
	p->score = score;
	if ((rc = compile(s, rlen, &p->re, &lits, &p->forms, why, whybuf,
	    whysz)) != IR_OK)
		return rc == IR_ENOMEM ?
		    ir_err_set(e, IR_ENOMEM, 0, "out of memory") : rc;
	if (semi2 != NULL && semi2 + 1 < s + len) {
		if ((rc = compile(semi2 + 1, (size_t)(s + len - semi2 - 1),
		    &p->fp, NULL, &p->fpforms, why, fpwhy, sizeof(fpwhy))) !=
		    IR_OK) {
			regfree(&p->re);
			if (rc == IR_ENOMEM)
				return ir_err_set(e, IR_ENOMEM, 0,
				    "out of memory");
			(void)snprintf(whybuf, whysz, "false-positive "
			    "pattern: %s", *why);
			*why = whybuf;
			return rc;
		}
		p->has_fp = 1;
	}
	p->line = lineno;
	p->comment = comment;
	p->source = source;
	p->nlit = lits.n;
	p->lit = n->strs.len;
	rc = (p->pattern = addstr(n, s, rlen, e)) == NONE ? IR_ENOMEM : IR_OK;
	if (rc == IR_OK)
		p->lit = n->strs.len;
	for (k = 0; k < lits.n && rc == IR_OK; k++) {
		if ((rc = ir_buf_addch(&n->strs, (int)lits.len[k], e)) ==
		    IR_OK)
			rc = ir_buf_add(&n->strs, lits.s[k], lits.len[k], e);
	}
	if (rc != IR_OK) {
		regfree(&p->re);
		if (p->has_fp)
			regfree(&p->fp);
		return IR_ENOMEM;
	}
	n->n++;
	return IR_OK;
}

static uint32_t
gram_at(const char *s)
{
	return (uint32_t)(unsigned char)s[0] |
	    (uint32_t)(unsigned char)s[1] << 8 |
	    (uint32_t)(unsigned char)s[2] << 16 |
	    (uint32_t)(unsigned char)s[3] << 24;
}

static size_t
slot_of(const struct ir_names *n, uint32_t key)
{
	size_t h = (size_t)((key * 2654435761U) >> 7) & (n->nslots - 1);

	while (n->slots[h].count != 0 && n->slots[h].key != key)
		h = (h + 1) & (n->nslots - 1);
	return h;
}

struct pair {
	uint32_t	 key, id;
};

static int
cmp_pair(const void *x, const void *y)
{
	const struct pair *a = x, *b = y;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static uint32_t
bloom_hash(uint32_t key)
{
	return (key * 2654435761U) >> 16;
}

/*
 * The index over all patterns.  Each literal of a pattern is filed under
 * the GRAM-byte piece of it that fewest patterns share (the rarer a piece
 * among IOCs, the rarer, as a rule, in paths).
 */
static int
build_index(struct ir_names *n, struct ir_err *e)
{
	struct pair *all = NULL;
	struct ent *use = NULL;
	size_t nall = 0, nuse = 0, nkey = 0, i, j, k, l, off, cnt, bestcnt;
	uint32_t *key = NULL, *kcnt = NULL, g, best;
	const unsigned char *lit;
	struct slot *sl;

	free_index(n);
	for (i = 0; i < n->n; i++)
		for (k = 0, off = n->p[i].lit; k < n->p[i].nlit; k++) {
			l = (unsigned char)n->strs.buf[off];
			nall += l - GRAM + 1;
			nuse++;
			off += 1 + l;
		}
	if ((all = calloc(nall + 1, sizeof(*all))) == NULL ||
	    (key = calloc(nall + 1, sizeof(*key))) == NULL ||
	    (kcnt = calloc(nall + 1, sizeof(*kcnt))) == NULL ||
	    (use = calloc(nuse + 1, sizeof(*use))) == NULL ||
	    (n->always = calloc(n->n + 1, sizeof(*n->always))) == NULL)
		goto nomem;
	nall = 0;
	for (i = 0; i < n->n; i++)
		for (k = 0, off = n->p[i].lit; k < n->p[i].nlit; k++) {
			lit = (const unsigned char *)n->strs.buf + off;
			for (j = 0; j + GRAM <= lit[0]; j++) {
				all[nall].key = gram_at((const char *)lit + 1 + j);
				all[nall++].id = (uint32_t)i;
			}
			off += 1 + lit[0];
		}
	/* How many patterns hold each piece. */
	qsort(all, nall, sizeof(*all), cmp_pair);
	for (i = 0; i < nall; i++) {
		if (i == 0 || all[i].key != all[i - 1].key) {
			key[nkey] = all[i].key;
			kcnt[nkey++] = 0;
		}
		if (i == 0 || all[i].key != all[i - 1].key ||
		    all[i].id != all[i - 1].id)
			kcnt[nkey - 1]++;
	}
	nuse = 0;
	for (i = 0; i < n->n; i++) {
		if (n->p[i].nlit == 0)
			n->always[n->nalways++] = (uint32_t)i;
		for (k = 0, off = n->p[i].lit; k < n->p[i].nlit; k++) {
			lit = (const unsigned char *)n->strs.buf + off;
			bestcnt = (size_t)-1;
			for (j = 0, best = 0; j + GRAM <= lit[0]; j++) {
				size_t lo = 0, hi = nkey;

				g = gram_at((const char *)lit + 1 + j);
				while (lo < hi) {
					size_t m = lo + (hi - lo) / 2;

					if (key[m] < g)
						lo = m + 1;
					else
						hi = m;
				}
				if ((cnt = kcnt[lo]) < bestcnt) {
					bestcnt = cnt;
					best = g;
				}
			}
			use[nuse].id = (uint32_t)i;
			use[nuse].len = lit[0];
			use[nuse].off = off + 1;
			/* The key rides in .off's place until sorted. */
			all[nuse].key = best;
			all[nuse].id = (uint32_t)nuse;
			nuse++;
			off += 1 + lit[0];
		}
	}
	free(key);
	free(kcnt);
	key = kcnt = NULL;
	/* Literals by piece, in pattern order within one. */
	qsort(all, nuse, sizeof(*all), cmp_pair);
	for (n->nslots = 16; n->nslots < nuse * 2; n->nslots *= 2)
		;
	if ((n->slots = calloc(n->nslots, sizeof(*n->slots))) == NULL ||
	    (n->ents = calloc(nuse + 1, sizeof(*n->ents))) == NULL)
		goto nomem;
	for (i = 0; i < nuse; i++) {
		n->ents[i] = use[all[i].id];
		sl = &n->slots[slot_of(n, all[i].key)];
		if (sl->count == 0) {
			sl->key = all[i].key;
			sl->start = (uint32_t)i;
		}
		sl->count++;
		g = bloom_hash(all[i].key);
		n->bloom[g / 64] |= (uint64_t)1 << (g % 64);
	}
	free(all);
	free(use);
	return IR_OK;
nomem:
	free(all);
	free(key);
	free(kcnt);
	free(use);
	free_index(n);
	return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
}

int
ir_names_load(struct ir_names *n, const char *buf, size_t len,
    const char *name, int skip_bad, size_t *skipped, struct ir_err *e)
{
	const char *p = buf, *end = buf + len, *nl, *why;
	size_t l, start = n->n, strs0 = n->strs.len, comment = NONE, source,
	    bad = 0, lineno = 0;
	char whybuf[128];
	locale_t old;
	int rc = IR_OK;

	old = uselocale(n->cloc);
	if ((source = addstr(n, name, strlen(name), e)) == NONE) {
		rc = IR_ENOMEM;
		goto out;
	}
	for (; p < end; p = nl != NULL ? nl + 1 : end) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		l = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		if (l > 0 && p[l - 1] == '\r')
			l--;
		if (lineno == 1 && l >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
			p += 3;
			l -= 3;
		}
		while (l > 0 && (p[l - 1] == ' ' || p[l - 1] == '\t'))
			l--;
		if (l == 0)
			continue;
		if (p[0] == '#') {
			size_t i = 1;

			while (i < l && (p[i] == '#' || p[i] == ' ' ||
			    p[i] == '\t'))
				i++;
			/* The last comment above a pattern is its title. */
			if (i < l && !disabled_pattern(p + i, l - i) &&
			    (comment = addstr(n, p + i, l - i, e)) == NONE) {
				rc = IR_ENOMEM;
				goto out;
			}
			continue;
		}
		if (n->n == n->alloc) {
			size_t na = n->alloc ? n->alloc * 2 : 256;
			struct pat *np = realloc(n->p, na * sizeof(*np));

			if (np == NULL) {
				rc = ir_err_set(e, IR_ENOMEM, 0,
				    "out of memory");
				goto out;
			}
			n->p = np;
			n->alloc = na;
		}
		if (lineno > 0x7fffffff) {
			rc = ir_err_set(e, IR_ELIMIT, 0, "%s: too many lines",
			    name);
			goto out;
		}
		why = NULL;
		rc = pattern_line(n, p, l, comment, source, (int)lineno, &why,
		    whybuf, sizeof(whybuf), e);
		if (rc == IR_EFORMAT && skip_bad) {
			bad++;
			rc = IR_OK;
		} else if (rc == IR_EFORMAT) {
			rc = ir_err_set(e, IR_EFORMAT, 0, "%s:%zu: %s",
			    name, lineno, why != NULL ? why : "bad pattern");
			goto out;
		} else if (rc != IR_OK)
			goto out;
	}
	rc = build_index(n, e);
out:
	if (rc != IR_OK) {
		/* All of this file or none of it. */
		free_pats(n, start);
		ir_buf_truncate(&n->strs, strs0);
		if (build_index(n, NULL) != IR_OK)
			free_index(n);
	} else if (skipped != NULL)
		*skipped = bad;
	(void)uselocale(old);
	return rc;
}

/*
 * Matching.
 */
static void
lower(char *dst, const char *src, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	dst[len] = '\0';
}

/*
 * Mark (bit k of marks) the patterns with a literal in low, form k of the
 * path, lower case; those newly marked are added to cand.
 */
static void
prefilter(const struct ir_names *n, const char *low, size_t len, int k,
    unsigned char *marks, uint32_t *cand, size_t *ncand)
{
	const struct slot *sl;
	const struct ent *en;
	size_t i, j;
	uint32_t g, b;

	for (i = 0; i + GRAM <= len; i++) {
		g = gram_at(low + i);
		b = bloom_hash(g);
		if (!(n->bloom[b / 64] & (uint64_t)1 << (b % 64)))
			continue;
		sl = &n->slots[slot_of(n, g)];
		for (j = sl->start; j < (size_t)sl->start + sl->count; j++) {
			en = &n->ents[j];
			if ((marks[en->id] & (1 << k)) ||
			    memmem(low, len, n->strs.buf + en->off, en->len) ==
			    NULL)
				continue;
			if (marks[en->id] == 0)
				cand[(*ncand)++] = en->id;
			marks[en->id] |= (unsigned char)(1 << k);
		}
	}
}

/*
 * Does re match one of the forms (FORM_* bits) of the path?  Without a '/'
 * in the path, form[0] is both.
 */
static int
tried(const regex_t *re, int forms, const char *const form[2])
{
	if (form[1] == NULL)
		return forms != 0 && regexec(re, form[0], 0, NULL, 0) == 0;
	return ((forms & FORM_AS_IS) && regexec(re, form[0], 0, NULL, 0) == 0) ||
	    ((forms & FORM_BS) && regexec(re, form[1], 0, NULL, 0) == 0);
}

static int
cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

size_t
ir_names_match(const struct ir_names *n, const char *path,
    void (*fn)(const struct ir_name_hit *, void *), void *arg)
{
	char stackpath[3 * STACK_PATH], *mem = NULL, *buf;
	unsigned char stackmarks[STACK_MARKS], *marks;
	uint32_t stackcand[STACK_MARKS], *cand;
	void *mmem = NULL;
	const char *form[2];
	size_t len = strlen(path), i, ncand = 0, hits = 0;
	struct ir_name_hit h;
	const struct pat *p;
	int k, nform, all = 0, m;
	locale_t old;

	if (n->n == 0)
		return 0;
	old = uselocale(n->cloc);
	nform = strchr(path, '/') != NULL ? 2 : 1;
	if (3 * (len + 1) <= sizeof(stackpath))
		buf = stackpath;
	else
		buf = mem = malloc(3 * (len + 1));
	if (n->n <= STACK_MARKS) {
		marks = memset(stackmarks, 0, n->n);
		cand = stackcand;
	} else if ((mmem = calloc(n->n, 1 + sizeof(*cand))) != NULL) {
		cand = mmem;
		marks = (unsigned char *)(cand + n->n);
	} else
		marks = NULL;
	/* Short of memory: every pattern on the path as it is. */
	if (buf == NULL || marks == NULL || n->slots == NULL) {
		all = 1;
		if (buf == NULL)
			nform = 1;
	}
	form[0] = path;
	form[1] = NULL;
	if (nform == 2) {
		char *bs = buf + 2 * (len + 1);

		for (i = 0; i <= len; i++)
			bs[i] = path[i] == '/' ? '\\' : path[i];
		form[1] = bs;
	}
	if (!all) {
		for (k = 0; k < nform; k++) {
			lower(buf + k * (len + 1), form[k], len);
			prefilter(n, buf + k * (len + 1), len, k, marks, cand,
			    &ncand);
		}
		for (i = 0; i < n->nalways; i++) {
			if (marks[n->always[i]] == 0)
				cand[ncand++] = n->always[i];
			marks[n->always[i]] = 3;
		}
		/* Hits in file order. */
		qsort(cand, ncand, sizeof(*cand), cmp_u32);
	}
	for (i = 0; i < (all ? n->n : ncand); i++) {
		p = &n->p[all ? i : cand[i]];
		m = all || form[1] == NULL ? 3 : marks[cand[i]];
		if (!tried(&p->re, p->forms & m, form))
			continue;
		if (p->has_fp && tried(&p->fp, p->fpforms, form))
			continue;
		hits++;
		if (fn == NULL)
			continue;
		h.pattern = n->strs.buf + p->pattern;
		h.score = p->score;
		h.comment = p->comment != NONE ? n->strs.buf + p->comment :
		    NULL;
		h.source = n->strs.buf + p->source;
		h.line = p->line;
		fn(&h, arg);
	}
	free(mem);
	free(mmem);
	(void)uselocale(old);
	return hits;
}

/*
 * Keyword and C2 lists to YARA.
 */
#define KEYWORD_MAX	4096	/* libyara's lexer holds a string in 8 KiB */
/*
 * libyara warns about a rule of more than 12000 atoms, and an "ascii wide
 * nocase" string makes up to 32 (16 cases of 4 bytes, twice): long lists
 * are split into rules of this many strings.
 */
#define STRINGS_PER_RULE 350

static const char *const yara_keywords[] = {
	"all", "and", "any", "ascii", "at", "base64", "base64wide",
	"condition", "contains", "defined", "endswith", "entrypoint", "false",
	"filesize", "for", "fullword", "global", "icontains", "iendswith",
	"iequals", "import", "in", "include", "int16", "int16be", "int32",
	"int32be", "int8", "int8be", "istartswith", "matches", "meta",
	"nocase", "none", "not", "of", "or", "private", "rule", "startswith",
	"strings", "them", "true", "uint16", "uint16be", "uint32",
	"uint32be", "uint8", "uint8be", "wide", "xor",
};

static int
yara_identifier(const char *s)
{
	size_t i, len = strlen(s);

	/* Room for a "_NN" part suffix within libyara's 128. */
	if (len == 0 || len > 120 || isdigit((unsigned char)s[0]))
		return 0;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return 0;
	for (i = 0; i < sizeof(yara_keywords) / sizeof(yara_keywords[0]); i++)
		if (strcmp(s, yara_keywords[i]) == 0)
			return 0;
	return 1;
}

/* s as the inside of a YARA text string: \" \\ and \xNN, else as is. */
static int
yara_text(struct ir_buf *out, const char *s, size_t len, struct ir_err *e)
{
	static const char hex[] = "0123456789abcdef";
	char esc[4] = { '\\', 'x', 0, 0 };
	size_t i, run;
	unsigned char c;
	int rc;

	for (i = 0; i < len; i += run) {
		for (run = 0; i + run < len; run++) {
			c = (unsigned char)s[i + run];
			if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
				break;
		}
		if (run > 0) {
			if ((rc = ir_buf_add(out, s + i, run, e)) != IR_OK)
				return rc;
			continue;
		}
		c = (unsigned char)s[i];
		run = 1;
		if (c == '"' || c == '\\') {
			esc[1] = (char)c;
			rc = ir_buf_add(out, esc, 2, e);
			esc[1] = 'x';
		} else {
			esc[2] = hex[c >> 4];
			esc[3] = hex[c & 15];
			rc = ir_buf_add(out, esc, 4, e);
		}
		if (rc != IR_OK)
			return rc;
	}
	return IR_OK;
}

/* The rule header, for part (1, 2 ... when a list is split). */
static int
rule_head(struct ir_buf *out, const char *name, const char *rule_name,
    size_t part, size_t nstr, struct ir_err *e)
{
	int rc;

	if (part == 1)
		rc = ir_buf_addf(out, e, "rule %s\n{\n", rule_name);
	else
		rc = ir_buf_addf(out, e, "rule %s_%zu\n{\n", rule_name, part);
	if (rc != IR_OK ||
	    (rc = ir_buf_addstr(out, "\tmeta:\n\t\tsource = \"", e)) != IR_OK ||
	    (rc = yara_text(out, name, strlen(name), e)) != IR_OK ||
	    (rc = ir_buf_addf(out, e, "\"\n\t\tcount = %zu\n", nstr)) != IR_OK)
		return rc;
	if (part > 1 && (rc = ir_buf_addf(out, e, "\t\tpart = %zu\n", part)) !=
	    IR_OK)
		return rc;
	return ir_buf_addstr(out, nstr > 0 ? "\tstrings:\n" : "", e);
}

static int
rule_tail(struct ir_buf *out, size_t nstr, struct ir_err *e)
{
	return ir_buf_addstr(out, nstr > 0 ? "\tcondition:\n\t\tany of them\n}\n" :
	    "\tcondition:\n\t\tfalse\n}\n", e);
}

/*
 * A list line: the string and its score (a trailing ";NN", as some C2
 * lists have), or len 0 for a comment or blank line.
 */
static size_t
keyword_line(const char *p, size_t l, long *score)
{
	size_t i, k;

	*score = -1;
	if (l > 0 && p[l - 1] == '\r')
		l--;
	while (l > 0 && (p[l - 1] == ' ' || p[l - 1] == '\t'))
		l--;
	if (l == 0 || p[0] == '#')
		return 0;
	for (i = l; i > 0 && isdigit((unsigned char)p[i - 1]) && l - i < 9;
	    i--)
		;
	if (i < l && i > 1 && p[i - 1] == ';') {
		/* Not strtol: the list need not end in a NUL. */
		for (*score = 0, k = i; k < l; k++)
			*score = *score * 10 + (p[k] - '0');
		for (l = i - 1; l > 0 && (p[l - 1] == ' ' || p[l - 1] == '\t');
		    l--)
			;
	}
	return l;
}

int
ir_keywords_to_yara(const char *buf, size_t n, const char *name,
    const char *rule_name, struct ir_buf *out, size_t *count,
    struct ir_err *e)
{
	const char *p, *end = buf + n, *nl;
	size_t len0 = out->len, l, lineno, total = 0, all, inrule, part, nrules;
	long score;
	int rc;

	if (!yara_identifier(rule_name))
		return ir_err_set(e, IR_EINVAL, 0, "'%s' cannot name a YARA "
		    "rule", rule_name);
	if (strlen(name) > KEYWORD_MAX)
		return ir_err_set(e, IR_EINVAL, 0, "list name too long");
	/* First pass: count, and refuse what libyara would. */
	for (p = buf, lineno = 0; p < end; p = nl != NULL ? nl + 1 : end) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		l = keyword_line(p, nl != NULL ? (size_t)(nl - p) :
		    (size_t)(end - p), &score);
		if (lineno == 1 && l >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
			l = l == 3 ? 0 : l;	/* a BOM alone */
		if (l > KEYWORD_MAX)
			return ir_err_set(e, IR_ELIMIT, 0, "%s:%zu: string "
			    "longer than %d bytes", name, lineno, KEYWORD_MAX);
		if (l > 0)
			total++;
	}
	all = total;
	nrules = all == 0 ? 1 : (all + STRINGS_PER_RULE - 1) / STRINGS_PER_RULE;
	part = 0;
	inrule = STRINGS_PER_RULE;
	if (total == 0 && (rc = rule_head(out, name, rule_name, 1, 0, e)) !=
	    IR_OK)
		goto fail;
	for (p = buf, lineno = 0, total = 0; p < end;
	    p = nl != NULL ? nl + 1 : end) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		l = keyword_line(p, nl != NULL ? (size_t)(nl - p) :
		    (size_t)(end - p), &score);
		if (lineno == 1 && l >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
			p += 3;
			l -= 3;
		}
		if (l == 0)
			continue;
		if (inrule == STRINGS_PER_RULE) {
			if (part > 0 && (rc = rule_tail(out, inrule, e)) != IR_OK)
				goto fail;
			part++;
			if ((rc = rule_head(out, name, rule_name, part,
			    part < nrules ? STRINGS_PER_RULE :
			    all - (nrules - 1) * STRINGS_PER_RULE, e)) != IR_OK)
				goto fail;
			inrule = 0;
		}
		total++;
		inrule++;
		if ((rc = ir_buf_addf(out, e, "\t\t$k%zu = \"", total)) !=
		    IR_OK ||
		    (rc = yara_text(out, p, l, e)) != IR_OK ||
		    (rc = ir_buf_addf(out, e, "\" ascii wide nocase\t// line "
		    "%zu", lineno)) != IR_OK)
			goto fail;
		if (score >= 0 &&
		    (rc = ir_buf_addf(out, e, ", score %ld", score)) != IR_OK)
			goto fail;
		if ((rc = ir_buf_addch(out, '\n', e)) != IR_OK)
			goto fail;
	}
	if ((rc = rule_tail(out, total > 0 ? inrule : 0, e)) != IR_OK)
		goto fail;
	if (count != NULL)
		*count = total;
	return IR_OK;
fail:
	ir_buf_truncate(out, len0);
	return rc;
}
