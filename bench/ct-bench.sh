#!/bin/bash
# bench/ct-bench.sh - what iptop's conntrack collector costs per refresh,
# against `conntrack -L` and `iptstate -1` (if installed), at 1,000 /
# 10,000 / 100,000 entries made by tools/ctfill in a throw-away namespace.
# Not run by `make check`. Root. Usage: bench/ct-bench.sh [-r RUNS] [SIZES...]
#
# iptop:      tools/ctwatch -B RUNS: forced dumps on one open socket,
#             CPU per dump from getrusage (the steady cost at 1 Hz is
#             this figure per second).
# conntrack:  a fresh `conntrack -L >/dev/null` per poll, CPU of the
#             process (user + sys, from bash's `times` of the child).
# iptstate:   `iptstate -1` the same way, on a pty-sized stdin (without a
#             tty it pads its output to the terminal size it cannot read).
# Ratios are peer CPU / iptop CPU per poll (baselines.md measured the
# same peers: conntrack -L 15 / 52 / 439 ms at these sizes).

set -u
top=$(cd "$(dirname "$0")/.." && pwd)
: "${top_builddir:=$top}"
. "$top/tests/lib.sh"
CTWATCH=${CTWATCH:-$top_builddir/tools/ctwatch}
CTFILL=${CTFILL:-$top_builddir/tools/ctfill}
runs=10
while getopts r: o; do
	case $o in
	r) runs=$OPTARG ;;
	*) echo "usage: $0 [-r RUNS] [SIZES...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)

need_root
need_cmd conntrack
[ -x "$CTWATCH" ] && [ -x "$CTFILL" ] || fail "build tools/ctwatch and tools/ctfill first (make check)"
have_iptstate=0
command -v iptstate >/dev/null 2>&1 && command -v script >/dev/null 2>&1 && have_iptstate=1

t_netns ctbench >/dev/null
NS=$T_PREFIX-ctbench
X="ip netns exec $NS"
$X sysctl -qw net.netfilter.nf_conntrack_acct=1

# cpu_ms CMD...: median CPU milliseconds (user+sys of children) over $runs
cpu_ms() {
	local i v list=()
	for ((i = 0; i < runs; i++)); do
		v=$( { TIMEFORMAT='%U %S'; time "$@" >/dev/null 2>&1; } 2>&1 | awk '{ printf "%.1f", ($1 + $2) * 1000 }')
		list+=("$v")
	done
	printf '%s\n' "${list[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

printf '%-8s %14s %14s %9s %14s %9s\n' entries "iptop ms/poll" "conntrack -L" ratio "iptstate -1" ratio
made=0
for n in "${sizes[@]}"; do
	if [ "$n" -gt "$made" ]; then
		$X "$CTFILL" -q -n $((n - made)) -o "$made" -t 3600 || fail "ctfill"
		made=$n
	fi
	got=$($X conntrack -C)
	[ "$got" -ge "$n" ] || fail "only $got entries"
	ours=$($X "$CTWATCH" -q -B "$runs" | sed -n 's/.* cpu_us=\([0-9]*\).*/\1/p')
	ours_ms=$(awk -v u="$ours" 'BEGIN { printf "%.1f", u / 1000 }')
	ct_ms=$(cpu_ms $X conntrack -L)
	ratio=$(awk -v a="$ct_ms" -v b="$ours_ms" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }')
	if [ $have_iptstate = 1 ]; then
		ip_ms=$(cpu_ms $X script -qec "stty cols 160 rows 50; iptstate -1" /dev/null)
		ip_ratio=$(awk -v a="$ip_ms" -v b="$ours_ms" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }')
	else
		ip_ms="-" ip_ratio="(not installed)"
	fi
	printf '%-8s %14s %14s %9s %14s %9s\n' "$n" "$ours_ms" "$ct_ms" "$ratio" "$ip_ms" "$ip_ratio"
done
echo "# steady cost at 1 Hz = ms/poll per second; at 10 Hz x10. iptop also applies events between dumps (not counted)."

# The dashboard with the flows view open, at the default refresh, on the
# largest table: %CPU of one core from /proc over ISECS seconds.
IPTOP=${IPTOP:-$top_builddir/iptop}
if command -v tmux >/dev/null && [ -x "$IPTOP" ]; then
	secs=${ISECS:-30}
	sock=$(mktemp -u /tmp/iptop-ctbench.XXXXXX)
	tmux -S "$sock" new-session -d -x 160 -y 50 "$X $IPTOP"
	sleep 2
	tmux -S "$sock" send-keys f
	sleep 3
	pid=$(pgrep -n -f "^$IPTOP\$")
	hz=$(getconf CLK_TCK)
	t0=$(awk '{print $14+$15}' "/proc/$pid/stat")
	rss0=$(awk '/VmHWM/{print $2}' "/proc/$pid/status")
	sleep "$secs"
	t1=$(awk '{print $14+$15}' "/proc/$pid/stat")
	rss=$(awk '/VmHWM/{print $2}' "/proc/$pid/status")
	tmux -S "$sock" kill-server
	awk -v a="$t0" -v b="$t1" -v hz="$hz" -v s="$secs" -v n="$made" -v r="$rss" \
		'BEGIN { printf "dashboard, flows view open, %d entries: %.1f%% of one core over %d s, peak RSS %d MiB\n", n, (b-a)/hz/s*100, s, r/1024 }'
fi
