/*
 * The TCP state diagram (tcpstate.c): names, and the states implied
 * between two seen ones.  Pure; for --trace (SPEC 10).
 */
#ifndef TCPSTATE_H
#define TCPSTATE_H

#include <stdbool.h>
#include <stddef.h>

const char	*tcpstate_name(int);
int		 tcpstate_implied(int, int, bool, int *, size_t);

#endif
