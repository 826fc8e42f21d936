# Helpers shared by docs.bats and completions.bats.

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
