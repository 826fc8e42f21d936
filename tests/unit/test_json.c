/*
 * Unit tests of src/json.c: the --json report's writer.  Every string
 * comes out as valid JSON and valid UTF-8, whatever bytes went in: a
 * host name with quotes, backslashes and control bytes, a peer's bytes,
 * invalid UTF-8 (each such byte as \u00XX).
 */
#include <stdlib.h>

#include "json.h"

#include "tap.h"

/* A string and the JSON text json_str() makes of it. */
static const struct {
	const char *in;
	size_t len;
	const char *out;
	const char *name;
} strings[] = {
	{ "db", 2, "\"db\"", "plain ASCII" },
	{ "a\"b\\c", 5, "\"a\\\"b\\\\c\"", "quote and backslash" },
	{ "l1\nl2\r\t", 7, "\"l1\\nl2\\r\\t\"", "newline, CR, tab" },
	{ "\x01\x1f\x7f", 3, "\"\\u0001\\u001f\x7f\"",
	    "control bytes; DEL is valid JSON" },
	{ "a\0b", 3, "\"a\\u0000b\"", "a NUL, binary-safe" },
	{ "b\xc3\xbc" "cher", 7, "\"b\xc3\xbc" "cher\"", "valid UTF-8 kept" },
	{ "\xe2\x82\xac\xf0\x9f\x98\x80", 7, "\"\xe2\x82\xac\xf0\x9f\x98\x80\"",
	    "3- and 4-byte UTF-8 kept" },
	{ "\xff\xfe", 2, "\"\\u00ff\\u00fe\"", "bytes never in UTF-8" },
	{ "\x80", 1, "\"\\u0080\"", "a stray continuation byte" },
	{ "\xc3", 1, "\"\\u00c3\"", "a sequence cut short at the end" },
	{ "\xc3(", 2, "\"\\u00c3(\"", "a lead byte without continuation" },
	{ "\xc0\xaf", 2, "\"\\u00c0\\u00af\"", "an overlong '/'" },
	{ "\xe0\x80\xaf", 3, "\"\\u00e0\\u0080\\u00af\"", "overlong, 3 bytes" },
	{ "\xe0\x83\xa9", 3, "\"\\u00e0\\u0083\\u00a9\"",
	    "an overlong U+00E9" },
	{ "\xed\xa0\x80", 3, "\"\\u00ed\\u00a0\\u0080\"", "a surrogate" },
	{ "\xf4\x90\x80\x80", 4, "\"\\u00f4\\u0090\\u0080\\u0080\"",
	    "past U+10FFFF" },
	{ "", 0, "\"\"", "empty" },
};

static void
test_strings(void)
{
	struct json j = { 0 };
	size_t i, len;
	char *text;

	for (i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		json_bytes(&j, NULL, strings[i].in, strings[i].len);
		text = json_text(&j, &len);
		is_str(text, strings[i].out, strings[i].name);
		free(text);
	}
}

static void
test_object(void)
{
	struct json j = { 0 };
	size_t len;
	char *text;

	json_open(&j, NULL, '{');
	json_str(&j, "version", "0.1.0");
	json_int(&j, "exit_status", 4, false);
	json_str(&j, "error", NULL);
	json_int(&j, "first_byte_ms", -1, true);
	json_open(&j, "targets", '[');
	json_open(&j, NULL, '{');
	json_bool(&j, "ok", true);
	json_close(&j, '}');
	json_open(&j, NULL, '{');
	json_close(&j, '}');
	json_close(&j, ']');
	json_close(&j, '}');
	text = json_text(&j, &len);
	is_str(text, "{\"version\":\"0.1.0\",\"exit_status\":4,\"error\":null,"
	    "\"first_byte_ms\":null,\"targets\":[{\"ok\":true},{}]}",
	    "an object: commas, nesting, null for not-yet");
	is_int((long long)len, (long long)strlen(text), "the length given");
	free(text);
}

static void
test_big(void)
{
	struct json j = { 0 };
	char *text, chunk[300];
	size_t len, i;

	/* Past the first buffer: grown, nothing lost. */
	memset(chunk, 'x', sizeof(chunk) - 1);
	chunk[sizeof(chunk) - 1] = '\0';
	json_open(&j, NULL, '[');
	for (i = 0; i < 100; i++)
		json_str(&j, NULL, chunk);
	json_close(&j, ']');
	text = json_text(&j, &len);
	is_int((long long)len, 2 + 100 * 301 + 99, "100 strings of 299 bytes");
	ok(text != NULL && text[len - 1] == ']', "closed at the end");
	free(text);
}

int
main(void)
{
	test_strings();
	test_object();
	test_big();
	return done();
}
