/*
 * The --hexdump file's lines (SPEC 10), as text: pure, no I/O.
 *
 *	# 12 ms: sent
 *	> 00000000  50 49 4e 47 0d 0a                                 |PING..|
 *
 * A data line is the direction ('>' sent, '<' received), the offset of
 * its first byte within that direction, up to 16 bytes in hex (a gap
 * after the eighth) and the same bytes as ASCII, '.' for any byte that
 * is not printable.  A header line starts a block whenever the
 * direction changes.
 */
#include <stdio.h>

#include "hexdump.h"

static const char hexdigits[] = "0123456789abcdef";

/*
 * Format the line of dir for p[0, n), n <= HEXLINE_BYTES, whose first
 * byte is at offset off, into out (HEXLINE_MAX bytes, newline included,
 * no NUL).  Returns its length.
 */
size_t
hexline_data(char *out, char dir, unsigned long long off,
    const unsigned char *p, size_t n)
{
	char *o = out;
	size_t i;
	int w;

	if (n > HEXLINE_BYTES)
		n = HEXLINE_BYTES;
	w = snprintf(o, HEXLINE_MAX, "%c %08llx  ", dir, off);
	o += w > 0 ? w : 0;
	for (i = 0; i < HEXLINE_BYTES; i++) {
		if (i < n) {
			*o++ = hexdigits[p[i] >> 4];
			*o++ = hexdigits[p[i] & 0xf];
		} else {
			/* Padded: the ASCII column stays in place. */
			*o++ = ' ';
			*o++ = ' ';
		}
		*o++ = ' ';
		if (i == 7)
			*o++ = ' ';
	}
	*o++ = ' ';
	*o++ = '|';
	for (i = 0; i < n; i++)
		*o++ = (char)(p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '.');
	*o++ = '|';
	*o++ = '\n';
	return (size_t)(o - out);
}

/*
 * Format the header of a block of dir starting ms after the start into
 * out (HEXLINE_MAX bytes, newline included, no NUL).  Returns its length.
 */
size_t
hexline_header(char *out, char dir, long long ms)
{
	int w;

	w = snprintf(out, HEXLINE_MAX, "# %lld ms: %s\n", ms,
	    dir == HEX_SENT ? "sent" : "received");
	return w > 0 && w < HEXLINE_MAX ? (size_t)w : 0;
}
