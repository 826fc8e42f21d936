/*
 * CHECK(cond): the harnesses' assertion.  A trap, not abort(): libFuzzer
 * reports it as a crash with the input that caused it.
 */
#ifndef FUZZ_CHECK_H
#define FUZZ_CHECK_H

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			__builtin_trap();                                      \
	} while (0)

#endif
