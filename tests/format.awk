# format.awk: the parts of KNF (the team's style guide) a script can hold the
# line on, for `make format-check`: 80 columns with tabs at 8, tabs (not
# spaces) for indentation, no trailing blanks.  Prints file:line: what,
# and exits 1 if any.  (.clang-format approximates the rest of the style;
# clang-format 14 cannot keep KNF's tab-aligned declarations and trailing
# comments, so it is a helper for new code, not the judge.)

# The width of s with tabs expanded to multiples of 8.
function width(s,    i, c, w) {
	w = 0
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		w = c == "\t" ? w + 8 - w % 8 : w + 1
	}
	return w
}

function bad(what) {
	printf "%s:%d: %s\n", FILENAME, FNR, what
	status = 1
}

width($0) > 80 { bad("over 80 columns") }
/[ \t]$/ { bad("trailing blank") }
# Indentation is tabs.  Spaces may only start a comment's " *" line or
# the 4-space continuation of a function's parameters at column 0.
/^ / && !/^ \*/ && !/^    [^ ]/ { bad("indented with spaces") }

END { exit status }
