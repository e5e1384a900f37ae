# tests/lib.sh - shared helpers for the shell tests (sourced, bash).
# Every namespace a test makes is named with a per-run prefix and deleted
# by the EXIT trap, pass or fail. Never touch the root namespace.

set -u
: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${IPTOP:=$top_builddir/iptop}"
: "${IPTOP_LAB_SCRIPT:=$top_srcdir/tools/iptop-lab}"
export IPTOP_LAB_SCRIPT

SKIP=77
T_PREFIX="ipt$$"          # short: interface names are limited to 15 chars
T_NETNS=()
T_CLEANUP=()

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit $SKIP; }
note() { echo "# $*" >&2; }

need_root() {
	[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
	unshare -n true 2>/dev/null || skip "cannot create network namespaces here"
}
need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip "needs $c"
	done
}

# t_netns NAME: create "$T_PREFIX-NAME" with lo up; deleted on exit.
t_netns() {
	local ns="$T_PREFIX-$1"
	ip netns add "$ns" || fail "ip netns add $ns"
	T_NETNS+=("$ns")
	ip -n "$ns" link set lo up
	echo "$ns"
}
# at_exit CMD...: run on exit (before namespaces are deleted).
at_exit() { T_CLEANUP+=("$*"); }

t_cleanup() {
	local rc=$? c ns
	for c in "${T_CLEANUP[@]+"${T_CLEANUP[@]}"}"; do eval "$c" >/dev/null 2>&1 || :; done
	# t_netns usually runs in $(...), a subshell: find ours by prefix.
	for ns in "${T_NETNS[@]+"${T_NETNS[@]}"}" $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$T_PREFIX-"); do
		ip netns del "$ns" 2>/dev/null || :
	done
	exit $rc
}
trap t_cleanup EXIT
trap 'exit 130' INT TERM HUP

# wait_for TIMEOUT_S CMD...: poll CMD until it succeeds (no fixed sleeps).
wait_for() {
	local limit=$1; shift
	local end=$((SECONDS + limit))
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ $SECONDS -ge $end ] && return 1
		sleep 0.05
	done
}

# expect_eq GOT WANT WHAT
expect_eq() { [ "$1" = "$2" ] || fail "$3: got '$1', want '$2'"; }

# t_ipt_save NS [TABLE]: iptables-save -c inside namespace NS, through the
# nft variant when there is one (the rules iptop reads).
t_ipt_save() {
	local save=iptables-save
	command -v iptables-nft-save >/dev/null 2>&1 && save=iptables-nft-save
	ip netns exec "$1" "$save" -c ${2:+-t "$2"}
}

# t_rule_pkts NS TABLE RULE: packet counter of the one rule printed by
# iptables-save as RULE ("-A CHAIN ..."); fails unless exactly one matches.
t_rule_pkts() {
	local line n=0 pkts=
	while IFS= read -r line; do
		[[ $line =~ ^\[([0-9]+):[0-9]+\]\ (.*)$ ]] || continue
		[ "${BASH_REMATCH[2]}" = "$3" ] || continue
		pkts=${BASH_REMATCH[1]}
		n=$((n + 1))
	done < <(t_ipt_save "$1" "$2")
	[ $n = 1 ] || { echo "t_rule_pkts: $n rules in $1 $2 are '$3'" >&2; return 1; }
	echo "$pkts"
}

# t_expect_delta BEFORE NS TABLE RULE WANT WHAT: RULE's packet counter grew
# by exactly WANT since it was BEFORE.
t_expect_delta() {
	local now
	now=$(t_rule_pkts "$2" "$3" "$4") || fail "$6: no rule '$4' in $2 $3"
	expect_eq "$((now - $1))" "$5" "$6 ($4)"
}

# t_netns_with_prefix P: print the named network namespaces starting with "P-".
t_netns_with_prefix() {
	local n
	ip netns list 2>/dev/null | while read -r n _; do
		case $n in "$1"-*) echo "$n" ;; esac
	done
}

# t_dead PID: PID is gone or a zombie.
t_dead() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	stat=${stat##*) }
	[ "${stat%% *}" = Z ]
}
