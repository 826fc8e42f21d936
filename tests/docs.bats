#!/usr/bin/env bats
#
# Options and docs move together (the team's style guide): tcpdial --help,
# man/tcpdial.1, the bash, zsh and fish completions and src/exitcode.h must
# agree.  Each test prints what is missing where, so a failure says what to
# fix.
#
# Needs: $TCPDIAL (the binary under test), $SRCDIR (the top source directory),
# mandoc, man-db, bash-completion and fish.  docs-json.bats checks the man
# page's JSON REPORT against the --json report.

bats_require_minimum_version 1.5.0

load doc-helpers

setup() {
	: "${TCPDIAL:?TCPDIAL must name the tcpdial binary}"
	: "${SRCDIR:?SRCDIR must name the top source directory}"
	export LC_ALL=C
	# fish writes its state under $HOME; keep it in the test's directory.
	export HOME=$BATS_TEST_TMPDIR/home
	export XDG_CONFIG_HOME=$HOME/.config XDG_DATA_HOME=$HOME/.local/share
	export XDG_CACHE_HOME=$HOME/.cache
	mkdir -p "$HOME"
	MAN=$SRCDIR/man/tcpdial.1
	T=$BATS_TEST_TMPDIR
}

# help_text: tcpdial --help on stdout; fails unless it exits 0.
help_text() {
	"$TCPDIAL" --help >"$T/help.txt" || {
		echo "tcpdial --help exited $?"
		return 1
	}
	cat "$T/help.txt"
}

# help_options: the options of --help's option list, one a line.
help_options() {
	help_text | option_words
}

# help_primary_options: one option per line of --help's option list: its
# short form, or its long form when it has no short one.  The usage line
# names options this way.
help_primary_options() {
	help_text | awk '
		/^ +-/ {
			sub(/^ +/, "")
			if (match($0, /^(-[A-Za-z0-9]|--[a-z0-9][a-z0-9-]*)([, ]|$)/))
				print substr($1, 1, length($1) - ($1 ~ /,$/))
		}'
}

# help_usage: the usage lines of --help, joined, with "usage: " cut off and
# white space normalised.
help_usage() {
	help_text | awk '
		/^usage: / { u = 1; sub(/^usage: /, ""); printf "%s ", $0; next }
		u && /^[ \t]/ { printf "%s ", $0; next }
		{ u = 0 }' | tr -s ' \t' '  ' | sed 's/^ //; s/ $//'
}

# fl_options: turn the words that follow "Fl" on mdoc lines (stdin) into
# options: "-close" is --close, "46Cv" is -4 -6 -C -v.
fl_options() {
	awk '
		/^\./ {
			sub(/^\./, "")
			for (i = 2; i <= NF; i++) {
				if ($(i - 1) != "Fl")
					continue
				w = $i
				sub(/=.*/, "", w)
				if (w ~ /^-/)
					print "-" w
				else
					for (j = 1; j <= length(w); j++)
						print "-" substr(w, j, 1)
			}
		}'
}

# man_option_items: the options that the .It entries of DESCRIPTION's option
# list name (their first words and long forms).
man_option_items() {
	man_section DESCRIPTION | grep '^\.It Fl ' | fl_options
}

# render: the page as plain text (mandoc -Tascii without overstrike).
render() {
	mandoc -Tascii "$MAN" | sed 's/.\x08//g'
}

# bash_offers WORD...: what the bash completion offers for the last WORD of
# the command line "WORD...".
bash_offers() {
	bash -c '
		bc=/usr/share/bash-completion/bash_completion
		[[ -r $bc ]] && . "$bc"
		. "$1" || exit
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_tcpdial tcpdial "${COMP_WORDS[COMP_CWORD]}" \
		    "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' \
	    bash "$SRCDIR/completions/bash/tcpdial" "$@"
}


# zsh_options: the options that the _arguments specs of the zsh completion
# declare: the words of {-x,--long} brace lists, and a word just before the
# "[description" of a spec (a quote may come between).  Exclusion lists
# "(...)" name options too, but declare none.
zsh_options() {
	grep -v '^[[:space:]]*#' "$SRCDIR/completions/zsh/_tcpdial" | awk -v q="'" '
		BEGIN {
			spec = "(^|[^A-Za-z0-9-])--?[A-Za-z0-9][A-Za-z0-9-]*[-+=]?[\"" q "]*[[]"
			quote = "[\"" q "]+$"
		}
		{
			s = $0
			while (match(s, /\{-[^{}]*\}/)) {
				n = split(substr(s, RSTART + 1, RLENGTH - 2), w, ",")
				for (i = 1; i <= n; i++)
					print w[i]
				s = substr(s, RSTART + RLENGTH)
			}
			s = $0
			while (match(s, spec)) {
				w1 = substr(s, RSTART, RLENGTH - 1)
				sub(/^[^-]*/, "", w1)
				sub(quote, "", w1)
				print w1
				s = substr(s, RSTART + RLENGTH)
			}
		}' | sed -E 's/([A-Za-z0-9])[-+=]$/\1/'
}

@test "--help: the usage line and the option list name the same options" {
	help_primary_options >"$T/list"
	not_empty "options in --help" "$T/list"
	# Options of the usage line: [-46Cv] clusters, [-w duration], [--close mode].
	help_usage | grep -oE '\[--?[A-Za-z0-9][A-Za-z0-9-]*' | sed 's/^\[//' |
	    awk '/^--/ { print; next }
		{ for (j = 2; j <= length($0); j++) print "-" substr($0, j, 1) }' \
	    >"$T/usage"
	not_empty "options in the usage line" "$T/usage"
	same_set "the usage line" "$T/usage" "the option list" "$T/list"
}

@test "man page: every option of --help has an entry, and every option it names is in --help" {
	help_options >"$T/help"
	man_option_items >"$T/items"
	not_empty "options in --help" "$T/help"
	not_empty ".It Fl entries in DESCRIPTION" "$T/items"
	same_set "tcpdial --help" "$T/help" "the man page's option list" "$T/items"
	# Every Fl anywhere in the page (SYNOPSIS, text, examples) is an option.
	fl_options <"$MAN" >"$T/all"
	run comm -13 <(sort -u "$T/help") <(sort -u "$T/all")
	[[ -z $output ]] || { echo "the man page names options --help lacks: $output"; false; }
}

@test "man page: options are sorted as nc(1) sorts them" {
	# Sort key: a letter, lower-cased, then 0 for upper case, 1 for lower
	# case (-C before -c); a long-only option sorts by its name.
	man_section DESCRIPTION | grep '^\.It Fl ' | awk '{ print $3 }' |
	    awk '/^-/ { print substr($0, 2); next }
		{ k = tolower($0); print k ($0 == k ? "1" : "0") }' >"$T/keys"
	not_empty ".It Fl entries" "$T/keys"
	sort "$T/keys" >"$T/sorted"
	run diff "$T/sorted" "$T/keys"
	[[ $status -eq 0 ]] || { echo "option entries out of order:"; echo "$output"; false; }
}

@test "man page: rendered SYNOPSIS equals the usage line of --help" {
	usage=$(help_usage)
	[[ -n $usage ]] || { echo "no usage line in --help"; false; }
	synopsis=$(render | awk '/^SYNOPSIS$/ { s = 1; next } /^[A-Z]/ { s = 0 } s' |
	    tr -s ' \t\n' '   ' | sed 's/^ //; s/ $//')
	if [[ $synopsis != "$usage" ]]; then
		echo "SYNOPSIS: $synopsis"
		echo "usage:    $usage"
		false
	fi
}

@test "man page: EXIT STATUS has one .It per code of src/exitcode.h, and no other" {
	sed -nE 's/.*X\(TD_[A-Z0-9_]+, *([0-9]+),.*/\1/p' "$SRCDIR/src/exitcode.h" \
	    >"$T/codes"
	not_empty "X(TD_..., N, ...) lines in src/exitcode.h" "$T/codes"
	run -0 bash -c "sort -n '$T/codes' | uniq -d"
	[[ -z $output ]] || { echo "codes defined twice in exitcode.h: $output"; false; }

	man_section "EXIT STATUS" | sed -n 's/^\.It  *//p' >"$T/items"
	not_empty ".It entries in EXIT STATUS" "$T/items"
	grep -E '^[0-9]+$' "$T/items" >"$T/numbers" || true
	run -0 bash -c "sort -n '$T/numbers' | uniq -d"
	[[ -z $output ]] || { echo "codes with more than one .It: $output"; false; }
	same_set "src/exitcode.h" "$T/codes" "EXIT STATUS" "$T/numbers"

	# Besides the codes, exactly one entry: 128+n for signals.
	grep -vE '^[0-9]+$' "$T/items" >"$T/others" || true
	run cat "$T/others"
	[[ ${#lines[@]} -eq 1 && ${lines[0]} == 128+* ]] ||
	    { echo "EXIT STATUS entries besides the codes: ${lines[*]:-none} (want one 128+n)"; false; }
}

@test "man page: mandoc -Tlint -W warning is silent, and .Dd is an explicit date" {
	run --separate-stderr mandoc -Tlint -W warning "$MAN"
	[[ -z $output && -z $stderr && $status -eq 0 ]] ||
	    { echo "mandoc -Tlint (status $status):"; echo "$output"; echo "$stderr"; false; }
	run grep -cE '^\.Dd [A-Z][a-z]+ [0-9]{1,2}, [0-9]{4}$' "$MAN"
	[[ $output == 1 ]] || { echo "want one .Dd Month D, YYYY line"; false; }
}

@test "man page: renders with mandoc -Tutf8 and man -l" {
	run -0 --separate-stderr mandoc -Tutf8 "$MAN"
	[[ -z $stderr ]] || { echo "mandoc: $stderr"; false; }
	for section in NAME SYNOPSIS DESCRIPTION "IMPLEMENTATION NOTES" \
	    "EXIT STATUS" "JSON REPORT" EXAMPLES "SEE ALSO" AUTHORS CAVEATS; do
		grep -q "^$section\$" <<<"$(sed 's/.\x08//g' <<<"$output")" ||
		    { echo "mandoc: no $section section"; false; }
	done
	export MANPAGER=cat MANWIDTH=80
	run -0 --separate-stderr man -l "$MAN"
	[[ -z $stderr ]] || { echo "man -l: $stderr"; false; }
	plain=$(sed 's/.\x08//g' <<<"$output")
	[[ $plain == *"EXIT STATUS"* && $plain == *"--connect-timeout"* ]] ||
	    { echo "man -l output lacks EXIT STATUS or --connect-timeout"; false; }
}

@test "bash completion: offers exactly the options of --help" {
	help_options >"$T/help"
	bash_offers tcpdial - >"$T/bash"
	not_empty "options offered by the bash completion" "$T/bash"
	same_set "tcpdial --help" "$T/help" "completions/bash/tcpdial" "$T/bash"
}

@test "zsh completion: declares exactly the options of --help" {
	help_options >"$T/help"
	zsh_options >"$T/zsh"
	not_empty "option specs in completions/zsh/_tcpdial" "$T/zsh"
	same_set "tcpdial --help" "$T/help" "completions/zsh/_tcpdial" "$T/zsh"
}

@test "fish completion: offers exactly the options of --help" {
	help_options >"$T/help"
	fish_complete "tcpdial -" >"$T/fish"
	not_empty "options offered by the fish completion" "$T/fish"
	same_set "tcpdial --help" "$T/help" "completions/fish/tcpdial.fish" "$T/fish"
}

@test "--help fits in 80 columns (tabs at 8)" {
	run -0 "$TCPDIAL" --help
	run awk '{ gsub(/\t/, "        "); if (length($0) > 80) print }' <<<"$output"
	[ -z "$output" ]
}
