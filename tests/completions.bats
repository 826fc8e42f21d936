#!/usr/bin/env bats
#
# The shell completions in $SRCDIR/completions work in their shells: bash
# (with bash-completion and without), zsh (driven through zsh/zpty, as a
# person pressing TAB) and fish.  tests/docs.bats checks that they name the
# same options as --help; this file checks what they offer where.
#
# Needs: $SRCDIR (the top source directory), $TCPDIAL (for --help), bash,
# bash-completion, zsh, fish, and /etc/services (netbase).

bats_require_minimum_version 1.5.0

load doc-helpers

BASH_COMPLETION=/usr/share/bash-completion/bash_completion

setup() {
	: "${TCPDIAL:?TCPDIAL must name the tcpdial binary}"
	: "${SRCDIR:?SRCDIR must name the top source directory}"
	export LC_ALL=C
	T=$BATS_TEST_TMPDIR
	# A home of our own: the shells' caches go here, and the host lists
	# come from the known_hosts file made here (and from $HOSTFILE for
	# plain bash), so host completion offers a name we know.
	export HOME=$T/home
	export XDG_CONFIG_HOME=$HOME/.config XDG_DATA_HOME=$HOME/.local/share
	export XDG_CACHE_HOME=$HOME/.cache
	mkdir -p "$HOME/.ssh"
	echo 'tcpdial-test-host ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl' \
	    >"$HOME/.ssh/known_hosts"
	echo '192.0.2.7 tcpdial-test-host' >"$T/hosts"
	export HOSTFILE=$T/hosts
	unset BASH_ENV ENV
}

# offers WORD...: fail unless $output, one match a line, holds every WORD.
offers() {
	local w
	for w; do
		grep -qxF -- "$w" <<<"$output" ||
		    { echo "not offered: $w; offered: $(echo $output)"; return 1; }
	done
}

# offers_none WORD...: fail if $output holds any WORD.
offers_none() {
	local w
	for w; do
		! grep -qxF -- "$w" <<<"$output" ||
		    { echo "offered, but should not be: $w"; return 1; }
	done
}

# offers_exactly WORD...: fail unless $output holds the WORDs and nothing else.
offers_exactly() {
	local want got
	want=$(printf '%s\n' "$@" | sed '/^$/d' | sort -u | tr '\n' ' ')
	got=$(printf '%s\n' "$output" | sed '/^$/d' | sort -u | tr '\n' ' ')
	[[ $got == "$want" ]] || { echo "offered: $got"; echo "wanted:  $want"; return 1; }
}

# bash_complete full|bare LINE WORD...: run the bash completion as readline
# would for the command line LINE, split into COMP_WORDS WORD..., the cursor
# at the end of the last WORD; print COMPREPLY, one a line.  "full" loads
# bash-completion first; "bare" uses plain bash.
bash_complete() {
	bash -c '
		[[ $1 == full ]] && { . "$2" || exit 1; }
		. "$3" || exit 1
		COMP_LINE=$4
		COMP_POINT=${#COMP_LINE}
		shift 4
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		complete -p tcpdial >/dev/null || exit 1
		_tcpdial tcpdial "${COMP_WORDS[COMP_CWORD]}" \
		    "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' \
	    bash "$1" "$BASH_COMPLETION" "$SRCDIR/completions/bash/tcpdial" "${@:2}"
}


# zsh_complete LINE: type LINE and a TAB into an interactive zsh (in a zsh/zpty
# pseudo-terminal) that has compinit and completions/zsh in its fpath, and
# print each match the completion system adds, one a line.  A compadd wrapper
# records the matches in a file, so nothing is scraped off the screen; the
# wait for the completion to end is bounded (10 s).
zsh_complete() {
	cat >"$T/zcomplete.zsh" <<'EOF'
emulate -L zsh
zmodload zsh/zpty || exit 1
zmodload zsh/zselect || exit 1
local dir=$1 tmp=$2 line=$3
local out=$tmp/zmatches done=$tmp/zdone chunk log
rm -f $out $done
cat >$tmp/zinit.zsh <<EOT
PS1= RPS1= PROMPT_EOL_MARK=
fpath=(${(q)dir} \$fpath)
autoload -Uz compinit && compinit -u -d ${(q)tmp}/zcompdump
bindkey '^I' complete-word
zstyle ':completion:*' insert-tab false
compadd() {
  # Calls that only compute (-O, -A, -D) add nothing: pass them on.
  if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
    builtin compadd "\$@"
    return
  fi
  local -a __hits
  builtin compadd -A __hits "\$@"
  (( \$#__hits )) && print -rl -- "\${(@)__hits}" >>${(q)out}
  builtin compadd "\$@"
}
_zcomplete_done() { : >>${(q)done} }
comppostfuncs=(_zcomplete_done)
EOT
zpty z zsh -f -i || exit 1
zpty -w z "source ${(q)tmp}/zinit.zsh"
zpty -w -n z "$line"$'\t'
integer i
for (( i = 0; i < 100; i++ )); do
  [[ -e $done ]] && break
  zselect -t 10
done
if [[ ! -e $done ]]; then
  while zpty -r -t z chunk; do log+=$chunk; done
  print -u2 -r -- "zsh_complete: no completion within 10 s; the terminal showed:"
  print -u2 -r -- "$log"
  zpty -d z
  exit 1
fi
zpty -d z
[[ -e $out ]] && sort -u $out
exit 0
EOF
	zsh -f "$T/zcomplete.zsh" "$SRCDIR/completions/zsh" "$T" "$1"
}

# help_options: the options of tcpdial --help's option list, one a line.
help_options() {
	"$TCPDIAL" --help | option_words
}

# --- bash ---------------------------------------------------------------------

# offers_option_list COMPLETE: COMPLETE (zsh_complete or fish_complete)
# offers every option of --help after "tcpdial -", none of the session
# options after -z or an option that implies it (--send, --expect,
# --invert), none of those after a session option, neither --send nor
# --expect after --invert, neither --quiet nor -v after the other, and not
# -6 after -4.
offers_option_list() {
	local opt
	run -0 "$1" 'tcpdial -'
	mapfile -t want < <(help_options)
	offers_exactly "${want[@]}"
	for opt in -z --probe '--send hi' '--expect hi' --invert; do
		run -0 "$1" "tcpdial $opt -"
		offers -4 -w --close -m --max-time
		offers_none -C --crlf -i --idle-timeout --no-half-close -q \
		    --disconnect-wait --settle
	done
	for opt in -C '--settle 1'; do
		run -0 "$1" "tcpdial $opt -"
		offers -4 -w --close
		offers_none -z --probe --send --expect --invert
	done
	run -0 "$1" 'tcpdial --invert -'
	offers_none --send --expect
	run -0 "$1" 'tcpdial --send hi -'
	offers --expect
	offers_none --invert
	run -0 "$1" 'tcpdial --quiet -'
	offers_none -v --verbose
	run -0 "$1" 'tcpdial -v -'
	offers_none --quiet
	run -0 "$1" 'tcpdial -4 -'
	offers_none -6
}

@test "bash: the file loads and registers _tcpdial for tcpdial" {
	run -0 --separate-stderr bash -c '. "$1" && . "$2" && complete -p tcpdial' \
	    bash "$BASH_COMPLETION" "$SRCDIR/completions/bash/tcpdial"
	[[ -z $stderr ]] || { echo "$stderr"; false; }
	[[ $output == "complete -F _tcpdial tcpdial" ]]
}

@test "bash: 'tcpdial --cl' offers --close" {
	run -0 bash_complete full 'tcpdial --cl' tcpdial --cl
	offers_exactly --close
	run -0 bash_complete bare 'tcpdial --cl' tcpdial --cl
	offers_exactly --close
}

@test "bash: 'tcpdial --close ' offers graceful and abort" {
	run -0 bash_complete full 'tcpdial --close ' tcpdial --close ''
	offers_exactly graceful abort
	run -0 bash_complete full 'tcpdial -v --close a' tcpdial -v --close a
	offers_exactly abort
	run -0 bash_complete bare 'tcpdial --close ' tcpdial --close ''
	offers_exactly graceful abort
}

@test "bash: 'tcpdial --close=' offers graceful and abort" {
	# readline splits at '=', so the words are: tcpdial --close = g
	run -0 bash_complete full 'tcpdial --close=g' tcpdial --close = g
	offers_exactly graceful
	run -0 bash_complete bare 'tcpdial --close=' tcpdial --close =
	offers_exactly graceful abort
}

@test "bash: 'tcpdial -' offers every option of --help" {
	run -0 bash_complete full 'tcpdial -' tcpdial -
	mapfile -t want < <(help_options)
	offers_exactly "${want[@]}"
}

@test "bash: the first operand completes host names, the second service names" {
	run -0 bash_complete full 'tcpdial tcpdial-te' tcpdial tcpdial-te
	offers tcpdial-test-host
	run -0 bash_complete bare 'tcpdial tcpdial-te' tcpdial tcpdial-te
	offers tcpdial-test-host
	# Option values are not operands.
	run -0 bash_complete full 'tcpdial -w 2 --close abort -vp 4000 tcpdial-te' \
	    tcpdial -w 2 --close abort -vp 4000 tcpdial-te
	offers tcpdial-test-host
	run -0 bash_complete full 'tcpdial -w 2 db ss' tcpdial -w 2 db ss
	offers ssh
	offers_none tcpdial-test-host
	# -m and --settle take a value too, also at the end of a cluster.
	run -0 bash_complete full 'tcpdial -vm 2 --settle 1 db ss' \
	    tcpdial -vm 2 --settle 1 db ss
	offers ssh
	offers_none tcpdial-test-host
	# host:port is the whole target: no port operand follows.  A bare
	# IPv6 address has colons too, but a port follows it.
	run -0 bash_complete full 'tcpdial db:22 ' tcpdial db : 22 ''
	offers_exactly
	run -0 bash_complete full 'tcpdial ::1 ss' tcpdial :: 1 ss
	offers ssh
}

@test "bash: 'host:' completes the service after the colon" {
	# readline splits at ':', bash-completion joins the word again and
	# leaves only the part after the colon in the matches.
	run -0 bash_complete full 'tcpdial db:ss' tcpdial db : ss
	offers ssh
}

# --- zsh ----------------------------------------------------------------------

@test "zsh: compinit finds _tcpdial for tcpdial and it loads without error" {
	run -0 --separate-stderr zsh -f -c '
		fpath=($1 $fpath)
		autoload -Uz compinit
		compinit -u -d $2/zcompdump
		autoload -Uz +X _tcpdial || exit 1
		print -r -- $_comps[tcpdial]' \
	    zsh "$SRCDIR/completions/zsh" "$T"
	[[ -z $stderr ]] || { echo "$stderr"; false; }
	[[ $output == _tcpdial ]]
	run -0 --separate-stderr zsh -n "$SRCDIR/completions/zsh/_tcpdial"
	[[ -z $stderr ]]
}

@test "zsh: 'tcpdial --cl' offers --close" {
	run -0 zsh_complete 'tcpdial --cl'
	offers_exactly --close
}

@test "zsh: 'tcpdial --close ' and '--close=' offer graceful and abort" {
	run -0 zsh_complete 'tcpdial --close '
	offers_exactly graceful abort
	run -0 zsh_complete 'tcpdial --close='
	offers_exactly graceful abort
}

@test "zsh: 'tcpdial -' offers every option of --help; -z rules out the session options" {
	offers_option_list zsh_complete
}

@test "zsh: the first operand completes host names, the second service names" {
	run -0 zsh_complete 'tcpdial tcpdial-te'
	offers tcpdial-test-host
	run -0 zsh_complete 'tcpdial -w 2 db ss'
	offers ssh
	run -0 zsh_complete 'tcpdial db:ss'
	offers ssh
	# host:port is the whole target: no port operand follows.  A bare
	# IPv6 address has colons too, but a port follows it.
	run -0 zsh_complete 'tcpdial db:22 '
	offers_exactly
	run -0 zsh_complete 'tcpdial ::1 ss'
	offers ssh
}

# --- fish ---------------------------------------------------------------------

@test "fish: the file loads without error" {
	run -0 --separate-stderr fish --no-config -c 'source $argv[1]' \
	    "$SRCDIR/completions/fish/tcpdial.fish"
	[[ -z $stderr && -z $output ]] || { echo "$output$stderr"; false; }
}

@test "fish: 'tcpdial --cl' offers --close" {
	run -0 fish_complete 'tcpdial --cl'
	offers_exactly --close
}

@test "fish: 'tcpdial --close ' and '--close=' offer graceful and abort" {
	run -0 fish_complete 'tcpdial --close '
	offers_exactly graceful abort
	run -0 fish_complete 'tcpdial --close='
	offers_exactly --close=graceful --close=abort
}

@test "fish: 'tcpdial -' offers every option of --help; -z rules out the session options" {
	offers_option_list fish_complete
}

@test "fish: the first operand completes host names, the second service names" {
	run -0 fish_complete 'tcpdial tcpdial-te'
	offers tcpdial-test-host
	run -0 fish_complete 'tcpdial -w 2 --close abort db ss'
	offers ssh
	offers_none tcpdial-test-host
	run -0 fish_complete 'tcpdial -vm 2 --settle 1 db ss'
	offers ssh
	offers_none tcpdial-test-host
	run -0 fish_complete 'tcpdial db:ss'
	offers db:ssh
	# host:port is the whole target: no port operand follows.  A bare
	# IPv6 address has colons too, but a port follows it.
	run -0 fish_complete 'tcpdial db:22 '
	offers_exactly
	run -0 fish_complete 'tcpdial ::1 ss'
	offers ssh
}
