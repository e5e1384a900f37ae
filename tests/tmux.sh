# tests/tmux.sh - the real binary on a real terminal, for the shell tests
# (sourced after lib.sh): a private tmux server whose socket lives (and
# dies) in the test's own directory, and the words the tests use on it.
# Every step waits for text on screen (no fixed sleeps).
#   tmux_shell W H      a bare shell (prompt "ready$ ") in a W x H pane
#   keys ARGS...        tmux send-keys to it
#   screen              what the pane shows now
#   expect TEXT [SECS]  wait until TEXT is on screen (fail with the screen)
#   expect_not TEXT     wait until TEXT is gone
#   expect_line REGEX   wait until a whole line matches
#   resize W H
need_cmd tmux
SOCKDIR=$(mktemp -d "${TMPDIR:-/tmp}/iptop-tmux.XXXXXX") || fail "mktemp"
S=ui
T() { tmux -S "$SOCKDIR/sock" -f /dev/null "$@"; }
at_exit "tmux -S '$SOCKDIR/sock' kill-server 2>/dev/null; rm -rf '$SOCKDIR'"

screen() { T capture-pane -p -t "$S"; }
expect() {
	local text=$1 limit=${2:-10}
	wait_for "$limit" eval 'screen | grep -qF -- "$text"' && return 0
	echo "--- screen ---" >&2
	screen >&2
	fail "waited ${limit}s for: $text"
}
expect_line() {
	local re=$1
	wait_for 10 eval 'screen | grep -qE -- "$re"' && return 0
	screen >&2
	fail "waited for a line matching: $re"
}
expect_not() {
	local text=$1
	wait_for 10 eval '! screen | grep -qF -- "$text"' && return 0
	screen >&2
	fail "still on screen: $text"
}
keys() { T send-keys -t "$S" "$@"; }
resize() { T resize-window -t "$S" -x "$1" -y "$2"; }
tmux_shell() {
	T new-session -d -s "$S" -x "$1" -y "$2" "env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp TERM=tmux-256color LANG=C.UTF-8 PS1='ready\$ ' bash --norc --noprofile" \; \
		set-option -g status off >/dev/null || skip "tmux cannot start a session here"
	expect_line '^ready\$$'
}
