/*
 * libFuzzer harness for parse_duration() (src/parse.c).
 *
 * The input, NUL-terminated, is one DURATION argument.  Each result is
 * checked against an exact reference: the grammar from the parse.c
 * contract (digits, an optional fraction, an optional unit ms/s/m) and
 * the value rounded up to whole milliseconds by long multiplication on
 * the decimal digits, so no digit is ever dropped.  A broken invariant
 * is a __builtin_trap(), which libFuzzer reports as a crash.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tcpdial.h"

#include "fuzz_check.h"

enum ref_kind {
	REF_OK,
	REF_EMPTY,
	REF_INVALID,
	REF_TOO_LARGE,
};

static long long
unit_ms(const char *u)
{
	if (strcmp(u, "") == 0 || strcmp(u, "s") == 0)
		return 1000;
	if (strcmp(u, "ms") == 0)
		return 1;
	if (strcmp(u, "m") == 0)
		return 60000;
	return -1;
}

/*
 * ceil(0.frac * scale) for the fractional digits frac[0..n): the integer
 * carried out of the multiplication, plus one if any digit of the
 * product's fraction is non-zero.  Works in place on a copy.
 */
static long long
frac_ceil(const char *frac, size_t n, long long scale)
{
	unsigned char *d;
	long long carry = 0, v;
	bool rest = false;
	size_t i;

	if (n == 0)
		return 0;
	d = malloc(n);
	if (d == NULL)
		abort();
	for (i = 0; i < n; i++)
		d[i] = (unsigned char)(frac[i] - '0');
	for (i = n; i-- > 0;) {
		v = (long long)d[i] * scale + carry;
		d[i] = (unsigned char)(v % 10);
		carry = v / 10;
		if (d[i] != 0)
			rest = true;
	}
	free(d);
	return carry + (rest ? 1 : 0);
}

/*
 * The reference: what parse_duration() must answer for s.  A malformed
 * string is "invalid" whatever its size; then more than ten significant
 * integer digits (leading zeros do not count) is "too large", and so is
 * a value over INT_MAX ms.
 */
static enum ref_kind
ref_duration(const char *s, long long *ms)
{
	const char *p = s, *frac = NULL;
	long long whole = 0, scale;
	size_t nint = 0, nsig = 0, nfrac = 0;

	if (*s == '\0')
		return REF_EMPTY;
	while (*p >= '0' && *p <= '9') {
		nint++;
		if (nsig > 0 || *p != '0')
			nsig++;
		if (nsig <= 10)
			whole = whole * 10 + (*p - '0');
		p++;
	}
	if (*p == '.') {
		frac = ++p;
		while (*p >= '0' && *p <= '9')
			p++, nfrac++;
	}
	if (nint + nfrac == 0 || (scale = unit_ms(p)) == -1)
		return REF_INVALID;
	if (nsig > 10)
		return REF_TOO_LARGE;
	*ms = whole * scale + frac_ceil(frac, nfrac, scale);
	if (*ms > INT_MAX)
		return REF_TOO_LARGE;
	return REF_OK;
}

static bool
all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static bool
has_nonzero_digit(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= '1' && *s <= '9')
			return true;
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char sentinel[] = "untouched";
	const char *errstr = sentinel;
	long long ms = -12345, want = 0;
	enum ref_kind ref;
	char *s;
	int rc;

	/* An exact-size copy, so ASan sees any read past the NUL. */
	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	rc = parse_duration(s, &ms, &errstr);
	CHECK(rc == 0 || rc == -1);
	ref = ref_duration(s, &want);
	if (rc == 0) {
		CHECK(errstr == sentinel);
		CHECK(ms >= 0 && ms <= INT_MAX);
		CHECK(ref == REF_OK);
		/* Rounded up exactly: never below the value nor 1 ms over. */
		CHECK(ms == want);
		/* A non-zero duration never becomes 0 (parse.c's contract). */
		CHECK(ms > 0 || !has_nonzero_digit(s));
		/* Plain digits are seconds. */
		if (all_digits(s) && strlen(s) <= 9)
			CHECK(ms == strtoll(s, NULL, 10) * 1000);
	} else {
		CHECK(ms == -12345);
		CHECK(errstr != sentinel && errstr != NULL);
		CHECK(strlen(errstr) > 0);
		CHECK(ref != REF_OK);
		if (ref == REF_EMPTY)
			CHECK(strcmp(errstr, "empty duration") == 0);
		if (ref == REF_INVALID)
			CHECK(strcmp(errstr, "invalid duration") == 0);
		if (ref == REF_TOO_LARGE)
			CHECK(strcmp(errstr, "duration too large") == 0);
	}
	free(s);
	return 0;
}
