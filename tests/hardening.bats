#!/usr/bin/env bats
# The installed binary is hardened: PIE, full RELRO, stack protector and
# fortified libc calls (configure's defaults; --disable-hardening opts out).

load helpers

setup() {
	if grep -q -- '--disable-hardening' "$BUILDDIR/config.log"; then
		skip "configured with --disable-hardening"
	fi
}

@test "PIE: the ELF type is DYN" {
	run -0 readelf -h "$TCPDIAL_BIN"
	[[ "$output" =~ Type:\ +DYN ]]
}

@test "full RELRO: a GNU_RELRO segment and BIND_NOW" {
	run -0 readelf -lW "$TCPDIAL_BIN"
	[[ "$output" == *GNU_RELRO* ]]
	run -0 readelf -dW "$TCPDIAL_BIN"
	[[ "$output" =~ FLAGS.*BIND_NOW || "$output" =~ FLAGS_1.*NOW ]]
}

@test "stack protector and FORTIFY_SOURCE: __stack_chk_fail and __*_chk calls" {
	run -0 readelf --dyn-syms -W "$TCPDIAL_BIN"
	[[ "$output" == *__stack_chk_fail* ]]
	# a fortified call: __snprintf_chk@..., not __stack_chk_fail
	[[ "$output" =~ __[a-z]+_chk@ ]]
}
