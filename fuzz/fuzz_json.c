/*
 * libFuzzer harness for the --json report's writer (src/json.c).
 *
 * The input is one string of any bytes, written as a member of an
 * object.  The text must be valid UTF-8 (as glibc's C.UTF-8 decoder
 * reads it, not json.c's own check) with no byte below 0x20, its
 * shape exactly {"k":"..."}, and decoding the string back (\uXXXX below
 * 0x100 as that one byte, the short escapes as theirs) must give the
 * input: every byte is kept, escaped or not, and nothing is added.
 */
#include <locale.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "json.h"

#include "fuzz_check.h"

static int
hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Decode the JSON string at p (after its opening quote) into out.
 * Returns the decoded length; *end is its closing quote.
 */
static size_t
decode(const unsigned char *p, unsigned char *out, const unsigned char **end)
{
	size_t n = 0;
	int v, i, d;

	while (*p != '"') {
		CHECK(*p != '\0');
		if (*p != '\\') {
			out[n++] = *p++;
			continue;
		}
		p++;
		switch (*p) {
		case '"': case '\\': out[n++] = *p; break;
		case 'n': out[n++] = '\n'; break;
		case 'r': out[n++] = '\r'; break;
		case 't': out[n++] = '\t'; break;
		case 'u':
			for (v = 0, i = 1; i <= 4; i++) {
				d = hex(p[i]);
				CHECK(d >= 0);
				v = v * 16 + d;
			}
			/* Only single bytes are escaped as \u. */
			CHECK(v < 0x100);
			out[n++] = (unsigned char)v;
			p += 4;
			break;
		default:
			CHECK(false);
		}
		p++;
	}
	*end = p;
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json j = { NULL, 0, 0, false, false };
	const unsigned char *t, *end;
	unsigned char *back;
	mbstate_t st;
	size_t len, i, k;
	char *text;

	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		__builtin_trap();
	json_open(&j, NULL, '{');
	json_bytes(&j, "k", (const char *)data, size);
	json_close(&j, '}');
	text = json_text(&j, &len);
	CHECK(text != NULL);
	t = (const unsigned char *)text;
	CHECK(strlen(text) == len);
	memset(&st, 0, sizeof(st));
	for (i = 0; i < len; i += k) {
		CHECK(t[i] >= 0x20);
		k = mbrtowc(NULL, text + i, len - i, &st);
		CHECK(k > 0 && k <= 4);
	}
	CHECK(len >= 8 && memcmp(text, "{\"k\":\"", 6) == 0);
	back = malloc(size + 1);
	CHECK(back != NULL);
	CHECK(decode(t + 6, back, &end) == size);
	CHECK(memcmp(back, data, size) == 0);
	CHECK(strcmp((const char *)end, "\"}") == 0);
	free(back);
	free(text);
	return 0;
}
