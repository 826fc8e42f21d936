/*
 * libFuzzer harness for the operands: src/target.c's target_parse(),
 * reached through options_parse(), against a reference reading of the
 * grammar in tcpdial(1).
 *
 * Byte 0 picks the shape, the rest is the operand text:
 *   bit 0   two operands, split at the first NUL (else at the first
 *           space, else the second is empty); else one, cut at the
 *           first NUL
 *   bit 1   put "--" before the operands, so a leading '-' is theirs
 *   bit 2-3 0: nothing, 1: -4, 2: -6, 3: -4 -6 (a conflict)
 *   bit 4   -n
 *   bit 5   -z
 *   bit 6   as many operands as NUL-separated pieces (up to 8), instead
 *           of bit 0's one or two
 *   bit 7   "--" and a COMMAND after the operands: the text after the
 *           first '\n' (cut from the operands) split at spaces, which
 *           may give no word or an empty first one
 * Whenever getopt sees the operands as operands (none before the first
 * "--" starts with '-'), the outcome must match the reference: which
 * hosts, which ports, whether a command, or exit 2.
 */
#include "fuzz_options.h"

#define OPS_MAX 8
#define TAIL_MAX 4
#define WORDS_MAX (1 + OPS_MAX + 1 + TAIL_MAX)

struct ref {
	bool ok;
	size_t n;
	const char *host[WORDS_MAX]; /* into the reference's copies */
	int port[WORDS_MAX];
	bool command;
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
	if (fam == AF_UNSPEC && ref_bad_number(h))
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
 * One target "[v6]:port" or "host:port" with exactly one colon, or the
 * HOST of "host port" (port given) where "[host]" loses its brackets;
 * op is edited in place.  A host with ':' or '%' must be IPv6.
 */
static bool
ref_one(char *op, char *port, int family, bool numeric, const char **host,
    int *num)
{
	const char *errstr = NULL;
	char *p;
	size_t len = strlen(op);

	if (port != NULL) {
		*host = op;
		if (len >= 2 && op[0] == '[' && op[len - 1] == ']') {
			op[len - 1] = '\0';
			*host = op + 1;
		}
	} else if (op[0] == '[') {
		p = strchr(op, ']');
		if (p == NULL || p[1] != ':')
			return false;
		*p = '\0';
		*host = op + 1;
		port = p + 2;
	} else {
		p = strchr(op, ':');
		if (p == NULL || strchr(p + 1, ':') != NULL)
			return false;
		*p = '\0';
		*host = op;
		port = p + 1;
	}
	if (!ref_host_ok(*host, family, numeric))
		return false;
	*num = parse_port(port, &errstr);
	return *num != -1;
}

/*
 * What tcpdial must make of the words after the options (edited in
 * place), SPEC 1 read the plain way.  The first "--" ends the options:
 * the words before it are the operands and the words after it the
 * command, or, with nothing before it, the operands.  Two operands are
 * HOST PORT when either has no colon; else each is a target, several
 * only with -z.  A command needs -z and a first word that is not empty.
 */
static struct ref
ref_operands(char **w, int nw, int family, bool numeric, bool probe,
    bool conflict)
{
	struct ref r = { false, 0, { NULL }, { 0 }, false };
	char **tail = NULL;
	int d, nops, i;
	bool pair;

	for (d = 0; d < nw && strcmp(w[d], "--") != 0; d++)
		;
	nops = d;
	if (d < nw && d > 0)
		tail = w + d + 1;
	else if (d < nw) {
		w += d + 1;
		nops = nw - d - 1;
	}
	if (conflict || nops == 0)
		return r;
	pair = nops == 2 && (strchr(w[1], ':') == NULL ||
	    strchr(w[0], ':') == NULL);
	if (!probe && nops > 1 && !pair)
		return r;
	r.n = pair ? 1 : (size_t)nops;
	for (i = 0; i < (int)r.n; i++)
		if (!ref_one(w[i], pair ? w[1] : NULL, family, numeric,
		    &r.host[i], &r.port[i]))
			return r;
	if (tail != NULL && (tail == w + nw || tail[0][0] == '\0' || !probe))
		return r;
	r.command = tail != NULL;
	r.ok = true;
	return r;
}

/* getopt would take s as an option. */
static bool
option_like(const char *s)
{
	return s[0] == '-' && s[1] != '\0';
}

/* Add the pieces of text[0..n) cut at each sep, at most max, to a. */
static void
add_pieces(struct fuzz_args *a, const uint8_t *text, size_t n, int sep,
    int max)
{
	const uint8_t *end = text + n, *cut;
	int count = 0;

	while (count < max) {
		cut = memchr(text, sep, (size_t)(end - text));
		if (cut == NULL)
			cut = end;
		args_add(a, text, strnlen((const char *)text,
		    (size_t)(cut - text)));
		count++;
		if (cut == end)
			break;
		text = cut + 1;
	}
}

/* The operands of byte 0's bits 0 and 6 from text[0..n) into a. */
static void
add_operands(struct fuzz_args *a, int mode, const uint8_t *text, size_t n)
{
	const uint8_t *cut;
	size_t n1;

	if (mode & 64) {
		add_pieces(a, text, n, '\0', OPS_MAX);
		return;
	}
	if (!(mode & 1)) {
		args_add(a, text, strnlen((const char *)text, n));
		return;
	}
	cut = memchr(text, '\0', n);
	if (cut == NULL)
		cut = memchr(text, ' ', n);
	n1 = cut == NULL ? n : (size_t)(cut - text);
	args_add(a, text, strnlen((const char *)text, n1));
	if (cut == NULL)
		args_add_str(a, "");
	else
		args_add(a, cut + 1,
		    strnlen((const char *)cut + 1, n - n1 - 1));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_err err;
	char *w[WORDS_MAX];
	const uint8_t *text, *nl;
	struct fuzz_args a;
	struct options o;
	struct ref want;
	size_t n, i;
	int mode, family, st, first, nw, k;
	bool numeric, probe, conflict, checkable = true;

	if (size == 0)
		return 0;
	mode = data[0];
	text = data + 1;
	n = size - 1;
	numeric = mode & 16;
	probe = mode & 32;
	conflict = (mode >> 2 & 3) == 3;
	family = (mode >> 2 & 3) == 1 ? AF_INET :
	    (mode >> 2 & 3) == 2 ? AF_INET6 : AF_UNSPEC;
	nl = (mode & 128) ? memchr(text, '\n', n) : NULL;

	args_init(&a);
	args_add_str(&a, "tcpdial");
	if (family == AF_INET || conflict)
		args_add_str(&a, "-4");
	if (family == AF_INET6 || conflict)
		args_add_str(&a, "-6");
	if (numeric)
		args_add_str(&a, "-n");
	if (probe)
		args_add_str(&a, "-z");
	first = a.argc;
	if (mode & 2)
		args_add_str(&a, "--");
	add_operands(&a, mode, text, nl != NULL ? (size_t)(nl - text) : n);
	if (mode & 128) {
		args_add_str(&a, "--");
		if (nl != NULL)
			add_pieces(&a, nl + 1, (size_t)(text + n - nl - 1), ' ',
			    TAIL_MAX);
	}

	/*
	 * The reference reads its own copies of the words after the
	 * options.  getopt sees them as operands up to the first "--" only
	 * if none of those looks like an option.
	 */
	nw = a.argc - first;
	for (k = 0; k < nw; k++)
		if ((w[k] = strdup(a.copy[first + k])) == NULL)
			abort();
	for (k = 0; k < nw && strcmp(w[k], "--") != 0; k++)
		checkable = checkable && !option_like(w[k]);

	err_capture(&err);
	st = run_options(&a, &o);
	check_status(st, err_release(&err), &a);
	if (st == GO_ON)
		check_options(&o, &a);
	if (checkable) {
		want = ref_operands(w, nw, family, numeric, probe, conflict);
		CHECK(want.ok == (st == GO_ON));
		for (i = 0; want.ok && i < want.n; i++) {
			CHECK(o.ntargets == want.n);
			CHECK(strcmp(o.targets[i].host, want.host[i]) == 0);
			CHECK(atoi(o.targets[i].port) == want.port[i]);
		}
		CHECK(!want.ok || (o.command != NULL) == want.command);
	}
	options_free(&o);
	for (k = 0; k < nw; k++)
		free(w[k]);
	args_free(&a);
	return 0;
}
