/*
 * Unit tests of src/hexline.c: the --hexdump file's data and header
 * lines, whole and short, every byte value's hex and ASCII, offsets
 * past 32 bits.
 */
#include <string.h>

#include "hexdump.h"

#include "tap.h"

/* The line for p[0, n) at off, as a string. */
static const char *
data(char dir, unsigned long long off, const char *p, size_t n)
{
	static char out[HEXLINE_MAX + 1];
	size_t len;

	len = hexline_data(out, dir, off, (const unsigned char *)p, n);
	out[len] = '\0';
	return out;
}

static const char *
header(char dir, long long ms)
{
	static char out[HEXLINE_MAX + 1];
	size_t len;

	len = hexline_header(out, dir, ms);
	out[len] = '\0';
	return out;
}

int
main(void)
{
	unsigned char all[256];
	char want[HEXLINE_MAX];
	size_t i, j;
	bool each = true;

	is_str(data('>', 0, "PING\r\n", 6),
	    "> 00000000  50 49 4e 47 0d 0a           "
	    "                      |PING..|\n",
	    "a short line: padded, the ASCII column in place");
	is_str(data('<', 16, "0123456789abcdef", 16),
	    "< 00000010  30 31 32 33 34 35 36 37  38 "
	    "39 61 62 63 64 65 66  |0123456789abcdef|\n",
	    "a whole line, at offset 16");
	is_str(data('>', 0x123456789ULL, "x", 1),
	    "> 123456789  78                         "
	    "                       |x|\n",
	    "an offset past 32 bits widens, nothing is cut");
	is_str(data('<', 7, " ~\x7f\x1f", 4),
	    "< 00000007  20 7e 7f 1f                 "
	    "                      | ~..|\n",
	    "printable ASCII is shown, DEL and controls are dots");
	is_int((long long)strlen(data('>', 0, "0123456789abcdef", 16)), 81,
	    "a whole line is 80 columns and a newline");
	is_int((long long)strlen(data('>', 0, "", 0)), 65,
	    "an empty line (never written) keeps its shape");

	/* Every byte value: its two hex digits and its ASCII stand-in. */
	for (i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	for (i = 0; i < 256; i += 16) {
		const char *got = data('<', i, (const char *)all + i, 16);

		for (j = 0; j < 16; j++) {
			snprintf(want, sizeof(want), "%02zx", i + j);
			if (strncmp(got + 12 + j * 3 + (j > 7), want, 2) != 0 ||
			    got[63 + j] != (i + j >= 0x20 && i + j < 0x7f ?
			    (char)(i + j) : '.'))
				each = false;
		}
	}
	ok(each, "each of the 256 byte values: hex and ASCII");

	is_str(header('>', 12), "# 12 ms: sent\n", "a block of bytes sent");
	is_str(header('<', 0), "# 0 ms: received\n", "a block received");
	is_str(header('<', 123456789012LL), "# 123456789012 ms: received\n",
	    "a header's ms are not cut");
	return done();
}
