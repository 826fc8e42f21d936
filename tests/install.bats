#!/usr/bin/env bats
# make install puts the binary, the man page and the three completions
# where man, bash-completion, zsh and fish look for them.

load helpers

@test "make install DESTDIR=...: all five artifacts where each tool looks" {
	dest=$BATS_TEST_TMPDIR/dest
	run -0 make -C "$BUILDDIR" install DESTDIR="$dest"
	prefix=$(sed -n "s/^prefix = //p" "$BUILDDIR/Makefile")
	bashdir=$(pkg-config --define-variable=prefix="$prefix" \
	    --define-variable=datadir="$prefix/share" \
	    --variable=completionsdir bash-completion)
	for f in "$prefix/bin/tcpdial" \
	    "$prefix/share/man/man1/tcpdial.1" \
	    "$bashdir/tcpdial" \
	    "$prefix/share/zsh/site-functions/_tcpdial" \
	    "$prefix/share/fish/vendor_completions.d/tcpdial.fish"; do
		echo "$f" >&3
		[ -f "$dest$f" ]
	done
	[ -x "$dest$prefix/bin/tcpdial" ]
	run -0 "$dest$prefix/bin/tcpdial" --version
}

@test "the installed man page renders with man -l" {
	dest=$BATS_TEST_TMPDIR/dest
	make -C "$BUILDDIR" install DESTDIR="$dest" >/dev/null
	prefix=$(sed -n "s/^prefix = //p" "$BUILDDIR/Makefile")
	run -0 man -l "$dest$prefix/share/man/man1/tcpdial.1"
	[[ "$output" == *"EXIT STATUS"* ]]
}

@test "zsh finds the installed completion through its site-functions fpath" {
	dest=$BATS_TEST_TMPDIR/dest
	make -C "$BUILDDIR" install DESTDIR="$dest" >/dev/null
	prefix=$(sed -n "s/^prefix = //p" "$BUILDDIR/Makefile")
	run -0 zsh -f -c "fpath=($dest$prefix/share/zsh/site-functions \$fpath)
	    autoload -Uz compinit; compinit -u -d $BATS_TEST_TMPDIR/zcd
	    print -r -- \${_comps[tcpdial]}"
	[ "$output" = _tcpdial ]
}
