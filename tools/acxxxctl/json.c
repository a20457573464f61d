// SPDX-License-Identifier: GPL-2.0-only
/*
 * acxxxctl: JSON output.  Every string goes through json_str(), which
 * escapes what RFC 8259 requires and replaces bytes that are not UTF-8
 * with U+FFFD, so the output is valid JSON whatever sysfs or the firmware
 * holds.
 */
#include <stdio.h>
#include <string.h>

#include "acxxxctl.h"

/* Length of the UTF-8 sequence at @s (at most @n bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/**
 * json_str() - write @s as a JSON string, quotes included
 * @f: where to
 * @s: the bytes, NUL-terminated
 */
void json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), len;

	fputc('"', f);
	while (n) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				fprintf(f, "\\u%04x", *p);
				break;
			}
			len = utf8_len(p, n);
			if (!len) {
				fputs("\\ufffd", f);
				break;
			}
			fwrite(p, 1, len, f);
			p += len - 1;
			n -= len - 1;
		}
		p++;
		n--;
	}
	fputc('"', f);
}

/**
 * json_key() - write a member's name and its colon, after a comma unless
 * it is the object's first
 * @f: where to
 * @first: in: whether no member was written yet; set to 0
 * @key: the name
 */
void json_key(FILE *f, int *first, const char *key)
{
	if (!*first)
		fputc(',', f);
	*first = 0;
	json_str(f, key);
	fputc(':', f);
}

/**
 * json_kstr() - a member whose value is a string
 * @f: where to
 * @first: see json_key()
 * @key: the name
 * @val: the string
 */
void json_kstr(FILE *f, int *first, const char *key, const char *val)
{
	json_key(f, first, key);
	json_str(f, val);
}

/**
 * json_knum() - a member whose value is an unsigned number
 * @f: where to
 * @first: see json_key()
 * @key: the name
 * @val: the number
 */
void json_knum(FILE *f, int *first, const char *key, unsigned long long val)
{
	json_key(f, first, key);
	fprintf(f, "%llu", val);
}

/**
 * json_khex() - a member whose value is bytes written as a hex string
 * @f: where to
 * @first: see json_key()
 * @key: the name
 * @buf: the bytes
 * @len: how many
 */
void json_khex(FILE *f, int *first, const char *key, const void *buf,
	       size_t len)
{
	const unsigned char *b = buf;
	size_t i;

	json_key(f, first, key);
	fputc('"', f);
	for (i = 0; i < len; i++)
		fprintf(f, "%02x", b[i]);
	fputc('"', f);
}
