/*
 * age_codec: the two text encodings of age v1.  Base64 is the standard
 * alphabet without padding, and a reader accepts only its canonical form
 * (age.md: "non-canonical encodings MUST be rejected").  Keys are Bech32
 * (BIP 173) without BIP 173's 90-character limit, as age's own bech32
 * package has none.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "age_impl.h"

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t
ir__age_b64_len(size_t n)
{
	return n / 3 * 4 + (n % 3 == 0 ? 0 : n % 3 + 1);
}

void
ir__age_b64_encode(char *out, const unsigned char *in, size_t n)
{
	uint32_t v;
	size_t i;

	for (i = 0; i + 3 <= n; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		*out++ = b64[v >> 18];
		*out++ = b64[v >> 12 & 63];
		*out++ = b64[v >> 6 & 63];
		*out++ = b64[v & 63];
	}
	if (n - i == 1) {
		v = (uint32_t)in[i] << 16;
		*out++ = b64[v >> 18];
		*out++ = b64[v >> 12 & 63];
	} else if (n - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		*out++ = b64[v >> 18];
		*out++ = b64[v >> 12 & 63];
		*out++ = b64[v >> 6 & 63];
	}
	*out = '\0';
}

static int
b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int
ir__age_b64_decode(unsigned char *out, size_t cap, size_t *outlen,
    const char *in, size_t len)
{
	uint32_t acc = 0;
	size_t i, o = 0;
	int bits = 0, v;

	if (len % 4 == 1)
		return -1;
	if (len / 4 * 3 + (len % 4 == 0 ? 0 : len % 4 - 1) > cap)
		return -1;
	for (i = 0; i < len; i++) {
		if ((v = b64val((unsigned char)in[i])) < 0)
			return -1;
		acc = (acc << 6 | (uint32_t)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	/* Canonical: the bits left over from the last group are zero. */
	if ((acc & ((1U << bits) - 1)) != 0)
		return -1;
	*outlen = o;
	return 0;
}

static const char b32[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

static uint32_t
polymod_step(uint32_t c, unsigned v)
{
	static const uint32_t gen[5] = { 0x3b6a57b2, 0x26508e6d, 0x1ea119fa,
	    0x3d4233dd, 0x2a1462b3 };
	uint32_t b = c >> 25;
	int i;

	c = (c & 0x1ffffff) << 5 ^ v;
	for (i = 0; i < 5; i++)
		if (b >> i & 1)
			c ^= gen[i];
	return c;
}

/* The checksum state after the expanded human-readable part. */
static uint32_t
polymod_hrp(const char *hrp, size_t n)
{
	uint32_t c = 1;
	size_t i;

	for (i = 0; i < n; i++)
		c = polymod_step(c, (unsigned char)hrp[i] >> 5);
	c = polymod_step(c, 0);
	for (i = 0; i < n; i++)
		c = polymod_step(c, (unsigned char)hrp[i] & 31);
	return c;
}

int
ir__age_bech32_encode(char *out, size_t outsz, const char *hrp,
    const unsigned char *data, size_t n, int upper)
{
	size_t hl = strlen(hrp), ngroups = (n * 8 + 4) / 5, o = 0, i;
	uint32_t c, acc = 0;
	int bits = 0, k;
	unsigned v;

	if (hl + 1 + ngroups + 6 + 1 > outsz)
		return -1;
	c = polymod_hrp(hrp, hl);
	for (i = 0; i < hl; i++)
		out[o++] = hrp[i];
	out[o++] = '1';
	for (i = 0; i < n || bits > 0; ) {
		if (bits < 5 && i < n) {
			acc = (acc << 8 | data[i++]) & 0xfff;
			bits += 8;
		}
		if (bits >= 5) {
			bits -= 5;
			v = acc >> bits & 31;
		} else {
			v = acc << (5 - bits) & 31;	/* zero padding */
			bits = 0;
		}
		c = polymod_step(c, v);
		out[o++] = b32[v];
	}
	for (k = 0; k < 6; k++)
		c = polymod_step(c, 0);
	c ^= 1;
	for (k = 0; k < 6; k++)
		out[o++] = b32[c >> (5 * (5 - k)) & 31];
	out[o] = '\0';
	if (upper)
		for (i = 0; i < o; i++)
			if (out[i] >= 'a' && out[i] <= 'z')
				out[i] = (char)(out[i] - 'a' + 'A');
	return 0;
}

const char *
ir__age_bech32_decode(const char *s, size_t len, char *hrp, size_t hrpsz,
    unsigned char *data, size_t cap, size_t *datalen)
{
	int lower = 0, upper = 0, bits = 0, v;
	size_t i, sep, hl, o = 0;
	uint32_t c, acc = 0;
	const char *p;
	char ch;

	for (i = 0, sep = len; i < len; i++) {
		ch = s[i];
		if (ch < 33 || ch > 126)
			return "a character outside printable ASCII";
		if (ch >= 'a' && ch <= 'z')
			lower = 1;
		if (ch >= 'A' && ch <= 'Z')
			upper = 1;
		if (ch == '1')
			sep = i;
	}
	if (lower && upper)
		return "mixed case";
	if (sep == len || sep == 0)
		return "no separator '1' after a prefix";
	if (len - sep - 1 < 6)
		return "too short for its checksum";
	hl = sep;
	if (hl + 1 > hrpsz)
		return "prefix too long";
	for (i = 0; i < hl; i++)
		hrp[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') :
		    s[i];
	hrp[hl] = '\0';
	c = polymod_hrp(hrp, hl);
	for (i = sep + 1; i < len; i++) {
		ch = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
		if ((p = strchr(b32, ch)) == NULL || ch == '\0')
			return "a character outside the Bech32 alphabet";
		v = (int)(p - b32);
		c = polymod_step(c, (unsigned)v);
		if (i >= len - 6)
			continue;			/* checksum */
		acc = (acc << 5 | (uint32_t)v) & 0xfff;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (o == cap)
				return "longer than a key";
			data[o++] = (unsigned char)(acc >> bits);
		}
	}
	if (c != 1)
		return "bad checksum";
	if (bits >= 5 || (acc & ((1U << bits) - 1)) != 0)
		return "bad padding";
	*datalen = o;
	return NULL;
}
