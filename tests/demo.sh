#!/bin/sh
# make demo: start a local echo peer and send it a line through tcpdial.
set -eu
tcpdial=$1 peer=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$peer" -t 10 accept echo close >"$tmp/port" &
while ! grep -qx '[0-9][0-9]*' "$tmp/port" 2>/dev/null; do sleep 0.05; done
port=$(cat "$tmp/port")
# printf '%s\n', not echo: dash's echo turns the \n we show into a newline.
printf '%s\n' "\$ printf 'hello, tcpdial\\n' | tcpdial -v 127.0.0.1 $port"
printf 'hello, tcpdial\n' | "$tcpdial" -v 127.0.0.1 "$port"
echo "exit status: $?"
wait
