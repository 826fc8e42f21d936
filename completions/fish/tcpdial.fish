# fish completion for tcpdial(1).
# Keep in step with tcpdial --help and man/tcpdial.1: tests/docs.bats checks
# that every option appears in all of them.

# Print the operands already on the command line (not options, not their
# values), one a line.
function __tcpdial_operands
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l skip 0
    set -l endopts 0
    for tok in $tokens
        if test $skip -eq 1
            set skip 0
        else if test $endopts -eq 1; or not string match -qr -- '^-.' $tok
            echo $tok
        else if test "$tok" = --
            set endopts 1
        else if string match -qr -- '^--(attempt-delay|close|idle-timeout|max-time|disconnect-wait|settle|connect-timeout|source-port|source|wait|interval|send|expect|expect-timeout|json|hexdump)$' $tok
            set skip 1
        else if string match -qr -- '^-[^-impqsw]*[impqsw]$' $tok
            # A short option cluster that ends in a value-taking letter.
            set skip 1
        end
    end
end

# True when the token being completed is operand number $argv[1].
function __tcpdial_operand_is
    test (count (__tcpdial_operands)) -eq (math $argv[1] - 1)
end

# True when $argv[1] is a whole target, host:port or [address]:port; a bare
# IPv6 address has colons too, but a port operand follows it.
function __tcpdial_is_target
    string match -qr -- '^(\[[^]]*\]|[^:]*):[^:]*$' $argv[1]
end

# True when the port operand comes next: one operand, and no whole target.
function __tcpdial_wants_port
    set -l ops (__tcpdial_operands)
    test (count $ops) -eq 1; and not __tcpdial_is_target $ops[1]
end

# Print the TCP service names of /etc/services.
function __tcpdial_services
    test -r /etc/services; or return 0
    string match -rv -- '^\s*(#|$)' </etc/services | string match -r -- '^\S+(?=\s+\d+/tcp\b)'
end

# Print host names, or service names after "host:".
function __tcpdial_hosts
    set -l tok (commandline -ct)
    if __tcpdial_is_target $tok
        set -l host (string match -r -- '^(?:\[[^]]*\]|[^:]*):' $tok)
        printf '%s\n' $host(__tcpdial_services)
    else
        __fish_print_hostnames
    end
end

complete -c tcpdial -f

# -z moves no data, so it and the session options exclude each other;
# --send, --expect and --invert imply -z.
set -l probe '__fish_seen_argument -s z -l probe -l send -l expect -l invert'
set -l session '__fish_seen_argument -s C -l crlf -l hexdump -s i -l idle-timeout -l no-half-close -s q -l disconnect-wait -l settle'

complete -c tcpdial -s 4 -n 'not __fish_seen_argument -s 6' -d 'Use IPv4 addresses only'
complete -c tcpdial -s 6 -n 'not __fish_seen_argument -s 4' -d 'Use IPv6 addresses only'
complete -c tcpdial -l any -d 'With -z: success when one target connects'
complete -c tcpdial -l attempt-delay -x -d 'Start the next address after DURATION (250ms)'
complete -c tcpdial -l backoff -d 'Double the interval after each try, up to 5 s'
complete -c tcpdial -s C -l crlf -n "not $probe" -d 'Send each LF read from stdin as CRLF'
complete -c tcpdial -l close -x -a 'graceful\t"FIN handshake (the default)" abort\t"RST, discarding unsent data"' -d 'How to end the connection'
complete -c tcpdial -l expect -x -n "not $session; and not __fish_seen_argument -l invert" -d 'With -z: success needs STRING in the reply'
complete -c tcpdial -l expect-timeout -x -d 'How long the reply may take (-w, or 2s)'
complete -c tcpdial -s h -l help -d 'Print help and exit'
complete -c tcpdial -l hexdump -r -F -n "not $probe" -d 'Write the bytes sent and received to FILE, in hex'
complete -c tcpdial -s i -l idle-timeout -x -n "not $probe" -d 'End the session after DURATION with no traffic'
complete -c tcpdial -l interval -x -d 'Time between tries under --wait (250ms)'
complete -c tcpdial -l invert -n "not $session; and not __fish_seen_argument -l send -l expect" -d 'With -z: success when the target does not accept'
complete -c tcpdial -l json -r -F -d 'Write a JSON report at the end; - is stdout (-z)'
complete -c tcpdial -s m -l max-time -x -d 'Bound the whole run, from start to exit'
complete -c tcpdial -s N -d 'Half-close on stdin EOF (the default; for nc)'
complete -c tcpdial -s n -l numeric -d 'Host is a numeric address; never resolve names'
complete -c tcpdial -l no-half-close -n "not $probe" -d 'At stdin EOF send nothing; wait for the peer'
complete -c tcpdial -s p -l source-port -x -a '(__tcpdial_services)' -d 'Bind the local end to PORT (SO_REUSEADDR)'
complete -c tcpdial -s q -l disconnect-wait -x -n "not $probe" -d 'Once stdin is done, wait at most DURATION for the disconnect to complete'
complete -c tcpdial -l quiet -n 'not __fish_seen_argument -s v -l verbose -l trace' -d 'Print nothing on stderr but usage errors'
complete -c tcpdial -l send -x -n "not $session; and not __fish_seen_argument -l invert" -d 'With -z: send STRING (C escapes) once connected'
complete -c tcpdial -l settle -x -n "not $probe" -d "After stdin's end, a peer silent this long is done"
complete -c tcpdial -s s -l source -x -a '(__fish_print_addresses)' -d 'Bind the local end to ADDR'
complete -c tcpdial -l trace -n 'not __fish_seen_argument -l quiet' -d 'Say each TCP state of the connection on stderr'
complete -c tcpdial -s V -l version -d 'Print the version and exit'
complete -c tcpdial -s v -l verbose -n 'not __fish_seen_argument -l quiet' -d 'Narrate on stderr (twice: more detail)'
complete -c tcpdial -s w -l connect-timeout -x -d 'Deadline for the whole connect phase'
complete -c tcpdial -l wait -x -d 'Retry until success or DURATION passes (0: ever)'
complete -c tcpdial -s z -l probe -n "not $session" -d 'Connect, then close at once without sending data'

# Operands: host (or host:port), then port.
complete -c tcpdial -n '__tcpdial_operand_is 1' -a '(__tcpdial_hosts)' -d Host
complete -c tcpdial -n __tcpdial_wants_port -a '(__tcpdial_services)' -d Port
