/*
 * A small JSON writer for the --json report (SPEC 9): one object built
 * in memory, members in the order they are added.  Pure: it grows a
 * buffer and never does I/O; the caller writes the text out.  Strings
 * are escaped whatever they hold: '"', '\\' and control bytes as JSON
 * escapes, and each byte that is not part of valid UTF-8 as \u00XX (the
 * byte's value, as Latin-1 would read it), so the output is always valid
 * JSON and valid UTF-8.  Out of memory, the writer fails once and stays
 * failed; json_text() then says so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* Append n bytes.  Returns false (and fails the writer) without memory. */
static bool
put(struct json *j, const char *p, size_t n)
{
	size_t cap;
	char *nb;

	if (j->failed)
		return false;
	if (j->len + n + 1 > j->cap) {
		cap = j->cap == 0 ? 1024 : j->cap;
		while (cap < j->len + n + 1)
			cap *= 2;
		if ((nb = realloc(j->buf, cap)) == NULL) {
			j->failed = true;
			return false;
		}
		j->buf = nb;
		j->cap = cap;
	}
	memcpy(j->buf + j->len, p, n);
	j->len += n;
	j->buf[j->len] = '\0';
	return true;
}

static void
puts_(struct json *j, const char *s)
{
	(void)put(j, s, strlen(s));
}

/*
 * The length of the valid UTF-8 sequence at p (n bytes left), or 0 when
 * p[0] starts none: a stray continuation byte, an overlong form, a
 * surrogate, past U+10FFFF, or cut short.
 */
size_t
json_utf8_len(const unsigned char *p, size_t n)
{
	size_t len, i;
	unsigned long cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* s[0, n) as a JSON string, quotes included. */
static void
put_string(struct json *j, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	char esc[8];
	size_t i = 0, k;

	puts_(j, "\"");
	while (i < n) {
		k = json_utf8_len(p + i, n - i);
		if (k > 1 || (k == 1 && p[i] >= 0x20 && p[i] != '"' &&
		    p[i] != '\\')) {
			(void)put(j, s + i, k);
			i += k;
			continue;
		}
		if (p[i] == '"' || p[i] == '\\')
			snprintf(esc, sizeof(esc), "\\%c", p[i]);
		else if (p[i] == '\n')
			strlcpy(esc, "\\n", sizeof(esc));
		else if (p[i] == '\r')
			strlcpy(esc, "\\r", sizeof(esc));
		else if (p[i] == '\t')
			strlcpy(esc, "\\t", sizeof(esc));
		else
			snprintf(esc, sizeof(esc), "\\u%04x", p[i]);
		puts_(j, esc);
		i++;
	}
	puts_(j, "\"");
}

/* The separator and the key before a member (key NULL: an array item). */
static void
member(struct json *j, const char *key)
{
	if (j->more)
		puts_(j, ",");
	j->more = true;
	if (key != NULL) {
		put_string(j, key, strlen(key));
		puts_(j, ":");
	}
}

/* Open an object ('{') or an array ('['), as member key of the open one. */
void
json_open(struct json *j, const char *key, char kind)
{
	member(j, key);
	(void)put(j, &kind, 1);
	j->more = false;
}

/* Close what json_open() opened: kind '}' or ']'. */
void
json_close(struct json *j, char kind)
{
	(void)put(j, &kind, 1);
	j->more = true;
}

void
json_str(struct json *j, const char *key, const char *s)
{
	member(j, key);
	if (s == NULL)
		puts_(j, "null");
	else
		put_string(j, s, strlen(s));
}

/* A string of n bytes, binary-safe. */
void
json_bytes(struct json *j, const char *key, const char *s, size_t n)
{
	member(j, key);
	put_string(j, s, n);
}

/* An integer; with null_if_negative, a negative value ("not yet") is null. */
void
json_int(struct json *j, const char *key, long long v, bool null_if_negative)
{
	char num[24];

	member(j, key);
	if (null_if_negative && v < 0) {
		puts_(j, "null");
		return;
	}
	snprintf(num, sizeof(num), "%lld", v);
	puts_(j, num);
}

void
json_null(struct json *j, const char *key)
{
	member(j, key);
	puts_(j, "null");
}

void
json_bool(struct json *j, const char *key, bool v)
{
	member(j, key);
	puts_(j, v ? "true" : "false");
}

/* The text so far, or NULL when memory ran out; the caller frees it. */
char *
json_text(struct json *j, size_t *len)
{
	char *text = j->failed ? NULL : j->buf;

	if (j->failed)
		free(j->buf);
	*len = j->failed ? 0 : j->len;
	memset(j, 0, sizeof(*j));
	return text;
}
