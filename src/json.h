/*
 * A small JSON writer (json.c): pure, for the --json report.
 */
#ifndef JSON_H
#define JSON_H

#include <stdbool.h>
#include <stddef.h>

/* A JSON text being built. */
struct json {
	char *buf;
	size_t len, cap;
	bool more;		/* a member came before: a comma is due */
	bool failed;		/* out of memory: the text is lost */
};

size_t		 json_utf8_len(const unsigned char *, size_t);
void		 json_open(struct json *, const char *, char);
void		 json_close(struct json *, char);
void		 json_str(struct json *, const char *, const char *);
void		 json_bytes(struct json *, const char *, const char *, size_t);
void		 json_int(struct json *, const char *, long long, bool);
void		 json_bool(struct json *, const char *, bool);
void		 json_null(struct json *, const char *);
char		*json_text(struct json *, size_t *);

#endif
