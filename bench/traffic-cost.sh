#!/bin/bash
# bench/traffic-cost.sh - what iptop costs while packets flow: its CPU (user +
# sys per second of wall time, from /proc/PID/schedstat) in a namespace that
# receives steady traffic into a base chain (filter INPUT), for the dashboard
# (tmux 200x60) and for --json, both at the default interval. Loads: none,
# ping -i 0.01 (100 echo requests/s), and a UDP flood (socat from /dev/zero,
# as fast as the sender goes). iptop's cost should not depend on the packet
# rate: counters are read on a timer, not per packet.
#
# Two namespaces ipbt<pid>-rx and ipbt<pid>-tx joined by a veth pair on
# 192.0.2.0/24 (documentation addresses), deleted on exit; the root namespace
# is never touched and no packet leaves them. rx holds TRAFFIC_RULES rules
# (bench/mkruleset.py, default 1000) plus counting rules for the test traffic
# at the top of INPUT. No timing asserts anywhere: figures for people.
#
#   sudo top_builddir=. bench/traffic-cost.sh       # ~3 min (6 windows of 20 s)
#
# Knobs: TRAFFIC_SECS (window, default 20), TRAFFIC_RULES (default 1000),
# TRAFFIC_LOADS (words of: idle ping flood), TRAFFIC_MODES (tui json).
set -eu
export LC_ALL=C.UTF-8 LANG=C.UTF-8
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
if [ -z "${top_builddir:-}" ]; then
	if [ -x ./iptop ]; then top_builddir=$PWD; else top_builddir=$top_srcdir; fi
fi
IPTOP=${IPTOP:-$top_builddir/iptop}
secs=${TRAFFIC_SECS:-20}
nrules=${TRAFFIC_RULES:-1000}
loads=${TRAFFIC_LOADS:-idle ping flood}
modes=${TRAFFIC_MODES:-tui json}

die() { echo "bench/traffic-cost.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (namespaces, netlink)"
[ -x "$IPTOP" ] || die "$IPTOP missing: build first (or set top_builddir)"
for c in ip iptables-restore iptables tmux python3 ping socat; do
	command -v $c >/dev/null || die "$c not installed"
done

pfx="ipbt$$"
rx=$pfx-rx tx=$pfx-tx
tmp=$(mktemp -d /tmp/iptop-traffic.XXXXXX)
tsock=$tmp/tmux.sock
loadpid=
cleanup() {
	tmux -S "$tsock" kill-server 2>/dev/null || :
	[ -n "$loadpid" ] && kill "$loadpid" 2>/dev/null || :
	[ -n "${jsonpid:-}" ] && kill "$jsonpid" 2>/dev/null || :
	ip netns del "$rx" 2>/dev/null || :
	ip netns del "$tx" 2>/dev/null || :
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { echo "traffic-cost: $*" >&2; }

# cputime PID: CPU nanoseconds of PID so far (iptop has a single thread)
cputime() { awk '{ print $1 }' "/proc/$1/schedstat"; }
# pkts: packets counted by the test traffic's rules at the top of rx's INPUT
pkts() { ip netns exec "$rx" iptables -w -nvxL INPUT | awk 'NR == 3 || NR == 4 { s += $1 } END { print s + 0 }'; }

for n in "$rx" "$tx"; do
	ip netns add "$n"
	ip -n "$n" link set lo up
done
ip -n "$rx" link add eth0 type veth peer name eth0 netns "$tx"
ip -n "$rx" addr add 192.0.2.1/24 dev eth0
ip -n "$tx" addr add 192.0.2.2/24 dev eth0
ip -n "$rx" link set eth0 up
ip -n "$tx" link set eth0 up
python3 "$top_srcdir/bench/mkruleset.py" "$nrules" | ip netns exec "$rx" iptables-restore
ip netns exec "$rx" iptables -w -I INPUT 1 -p icmp -j ACCEPT
ip netns exec "$rx" iptables -w -I INPUT 2 -p udp --dport 9999 -j DROP
ip netns exec "$tx" ping -c 1 -W 2 192.0.2.1 >/dev/null || die "no path between the namespaces"

start_load() {
	loadpid=
	case $1 in
	idle) ;;
	ping) ip netns exec "$tx" ping -q -i 0.01 192.0.2.1 >/dev/null 2>&1 & loadpid=$! ;;
	flood) ip netns exec "$tx" socat -u -b 64 /dev/zero UDP-SENDTO:192.0.2.1:9999 >/dev/null 2>&1 & loadpid=$! ;;
	*) die "unknown load '$1' (idle ping flood)" ;;
	esac
	sleep 1
}
stop_load() {
	[ -n "$loadpid" ] && { kill "$loadpid" 2>/dev/null || :; wait "$loadpid" 2>/dev/null || :; }
	loadpid=
}

# start_iptop MODE: sets PID
start_iptop() {
	case $1 in
	tui)
		tmux -S "$tsock" new-session -d -x 200 -y 60 "exec ip netns exec $rx $IPTOP"
		PID=$(tmux -S "$tsock" display -p '#{pane_pid}')
		;;
	json)
		ip netns exec "$rx" "$IPTOP" --json >/dev/null 2>"$tmp/json.err" &
		jsonpid=$! PID=$jsonpid
		;;
	*) die "unknown mode '$1' (tui json)" ;;
	esac
	sleep 3
	[ "$(cat "/proc/$PID/comm" 2>/dev/null)" = iptop ] || die "iptop ($1) did not start"
}
stop_iptop() {
	tmux -S "$tsock" kill-server 2>/dev/null || :
	[ -n "${jsonpid:-}" ] && { kill "$jsonpid" 2>/dev/null || :; wait "$jsonpid" 2>/dev/null || :; }
	jsonpid=
}

rows=""
for mode in $modes; do
	for load in $loads; do
		log "$mode, $load: ${secs} s"
		start_load "$load"
		start_iptop "$mode"
		p0=$(pkts) c0=$(cputime "$PID") w0=$(date +%s.%N)
		sleep "$secs"
		p1=$(pkts) c1=$(cputime "$PID") w1=$(date +%s.%N)
		hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$PID/status")
		stop_iptop
		stop_load
		rows+=$(awk -v m="$mode" -v l="$load" -v p0="$p0" -v p1="$p1" -v c0="$c0" -v c1="$c1" \
			-v w0="$w0" -v w1="$w1" -v k="$hwm" 'BEGIN {
				w = w1 - w0
				printf "| %s | %s | %.0f | %.2f %% | %.2f ms | %.1f MiB |\n", m, l, (p1 - p0) / w,
					(c1 - c0) / 1e9 / w * 100, (c1 - c0) / 1e6 / (w / 0.5), k / 1024 }')$'\n'
	done
done

rev=$(git -C "$top_srcdir" describe --always --dirty 2>/dev/null || echo unknown)
cat <<EOF
## iptop under steady traffic into INPUT ($(date -u +%F), $rev, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))

$nrules rules (bench/mkruleset.py) in the receiving namespace, default interval 0.5 s,
CPU = user + sys of iptop over ${secs} s of wall time.

| iptop | traffic | packets/s into INPUT | % of one core | CPU per refresh | VmHWM |
|---|---|---|---|---|---|
$rows
EOF
