/*
 * libFuzzer harness for the operands: options.c's split_target() and
 * parse_operands(), reached through options_parse().
 *
 * Byte 0 picks the shape, the rest is the operand text:
 *   bit 0   two operands, HOST PORT, split at the first NUL (else at the
 *           first space, else PORT is empty); otherwise one operand,
 *           HOST:PORT or [HOST]:PORT, cut at the first NUL
 *   bit 1   put "--" before the operands, so a leading '-' is theirs
 *   bit 2-3 0: nothing, 1: -4, 2: -6, 3: -4 -6 (a conflict)
 *   bit 4   -n
 * Whenever getopt sees the operands as operands (after "--", or none
 * starts with '-'), the outcome must match a reference reading of the
 * grammar in tcpdial(1): which host, which port, or exit 2.
 */
#include "fuzz_options.h"

struct ref {
	bool ok;
	const char *host; /* into the reference's own copy */
	int port;
};

/* The family rules of check_host(), for the reference. */
static bool
ref_host_ok(const char *h, int family, bool numeric)
{
	int fam;

	if (*h == '\0' || !host_chars(h))
		return false;
	fam = ref_family(h);
	if (strpbrk(h, ":%") != NULL && fam != AF_INET6)
		return false;
	if (numeric && fam == AF_UNSPEC)
		return false;
	if (family == AF_INET && fam == AF_INET6)
		return false;
	if (family == AF_INET6 && fam == AF_INET)
		return false;
	return true;
}

/*
 * What tcpdial must make of the operands (edited in place): one target
 * "[v6]:port" or "host:port" with exactly one colon, or "host port"
 * where "[host]" loses its brackets.  A host with ':' or '%' must be an
 * IPv6 address; a port with a colon is a bad port.
 */
static struct ref
ref_operands(char *op1, char *op2, int family, bool numeric, bool conflict)
{
	struct ref r = {false, NULL, -1};
	const char *errstr = NULL;
	char *host, *port, *p;
	size_t len;

	if (conflict)
		return r;
	if (op2 != NULL) {
		host = op1;
		port = op2;
		len = strlen(host);
		if (len >= 2 && host[0] == '[' && host[len - 1] == ']') {
			host[len - 1] = '\0';
			host++;
		}
	} else if (op1[0] == '[') {
		p = strchr(op1, ']');
		if (p == NULL || p[1] != ':')
			return r;
		*p = '\0';
		host = op1 + 1;
		port = p + 2;
	} else {
		p = strchr(op1, ':');
		if (p == NULL || strchr(p + 1, ':') != NULL)
			return r;
		*p = '\0';
		host = op1;
		port = p + 1;
	}
	if (!ref_host_ok(host, family, numeric))
		return r;
	r.port = parse_port(port, &errstr);
	if (r.port == -1)
		return r;
	r.ok = true;
	r.host = host;
	return r;
}

/* getopt would take s as an option (or as the "--" that ends them). */
static bool
option_like(const char *s)
{
	return s[0] == '-' && s[1] != '\0';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_err err;
	struct fuzz_args a;
	struct options o;
	struct ref want;
	const uint8_t *text, *cut;
	char *op1, *op2 = NULL;
	size_t n, n1;
	int mode, family, st;
	bool two, dashdash, numeric, conflict, checkable;

	if (size == 0)
		return 0;
	mode = data[0];
	text = data + 1;
	n = size - 1;
	two = mode & 1;
	dashdash = mode & 2;
	numeric = mode & 16;
	conflict = (mode >> 2 & 3) == 3;
	family = AF_UNSPEC;
	if ((mode >> 2 & 3) == 1)
		family = AF_INET;
	if ((mode >> 2 & 3) == 2)
		family = AF_INET6;

	args_init(&a);
	args_add_str(&a, "tcpdial");
	if (family == AF_INET || conflict)
		args_add_str(&a, "-4");
	if (family == AF_INET6 || conflict)
		args_add_str(&a, "-6");
	if (numeric)
		args_add_str(&a, "-n");
	if (dashdash)
		args_add_str(&a, "--");
	if (two) {
		cut = memchr(text, '\0', n);
		if (cut == NULL)
			cut = memchr(text, ' ', n);
		n1 = cut == NULL ? n : (size_t)(cut - text);
		args_add(&a, text, n1);
		if (cut == NULL)
			args_add_str(&a, "");
		else
			args_add(&a, cut + 1,
			    strnlen((const char *)cut + 1, n - n1 - 1));
	} else
		args_add(&a, text, strnlen((const char *)text, n));

	/* The reference works on its own copies: options_parse edits. */
	op1 = strdup(a.copy[a.argc - (two ? 2 : 1)]);
	if (two)
		op2 = strdup(a.copy[a.argc - 1]);
	if (op1 == NULL || (two && op2 == NULL))
		abort();
	checkable = dashdash ||
	    (!option_like(op1) && (op2 == NULL || !option_like(op2)));

	err_capture(&err);
	st = run_options(&a, &o);
	check_status(st, err_release(&err), &a);
	if (st == GO_ON)
		check_options(&o, &a);
	if (checkable) {
		want = ref_operands(op1, op2, family, numeric, conflict);
		CHECK(want.ok == (st == GO_ON));
		if (want.ok) {
			CHECK(strcmp(o.host, want.host) == 0);
			CHECK(atoi(o.port) == want.port);
		}
	}
	free(op1);
	free(op2);
	args_free(&a);
	return 0;
}
