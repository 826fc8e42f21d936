# Helpers shared by docs.bats, docs-json.bats and completions.bats.

# option_words: the options of a --help option list on stdin, one a line,
# as -x and --long.
option_words() {
	awk '
		/^ +-/ {
			s = $0
			sub(/^ +/, "", s)
			if (s ~ /^-[A-Za-z0-9]([, ]|$)/)
				print substr(s, 1, 2)
			s = $0
			while (match(s, /--[a-z0-9][a-z0-9-]*/)) {
				print substr(s, RSTART, RLENGTH)
				s = substr(s, RSTART + RLENGTH)
			}
		}'
}

# fish_complete LINE: what the fish completion offers after LINE, one a
# line.
fish_complete() {
	TD_FISH_FILE=$SRCDIR/completions/fish/tcpdial.fish TD_LINE=$1 \
	    fish --no-config -c 'source $TD_FISH_FILE; or exit 1
		complete -C "$TD_LINE"' | cut -f1
}

# same_set NAME_A FILE_A NAME_B FILE_B: succeed when the two files hold the
# same set of lines; otherwise print what each has that the other lacks.
same_set() {
	local only_a only_b
	only_a=$(comm -23 <(sort -u "$2") <(sort -u "$4") | tr '\n' ' ')
	only_b=$(comm -13 <(sort -u "$2") <(sort -u "$4") | tr '\n' ' ')
	[[ -z $only_a ]] || echo "in $1 but not in $3: $only_a"
	[[ -z $only_b ]] || echo "in $3 but not in $1: $only_b"
	[[ -z $only_a && -z $only_b ]]
}

# not_empty NAME FILE: fail when FILE has no lines (a parser found nothing).
not_empty() {
	[[ -s $2 ]] || { echo "found no $1"; return 1; }
}

# man_section NAME: the mdoc source lines of section NAME.
man_section() {
	awk -v name="$1" '
		/^\.Sh / { s = substr($0, 5); gsub(/"/, "", s); in_s = (s == name); next }
		in_s' "$MAN"
}

