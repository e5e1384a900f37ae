#!/bin/bash
# bench/first-frame.sh [N [RUNS [IPTOP...]]]: the dashboard's start to its
# first full frame with N rules (mkruleset.py) in a throw-away namespace:
# iptop in tmux at 200x60, timed from launch until the diagram shows the
# chain tree under FORWARD (capture-pane polled every 10 ms). Each IPTOP
# (default: ./iptop) runs RUNS times, alternating with a floor (a script
# that prints the same words at once: tmux, ip netns exec and the polling
# cost that much); prints each time and its excess over the floor, in ms.
# Needs root (it makes the namespace; nothing outside it is touched).
# FF_NETNS=NAME: time in that namespace, already loaded with mkruleset.py N
# (bench/run's), instead of making one; it is left as it was.
set -eu
n=${1:-50000} runs=${2:-3}
shift $(( $# > 2 ? 2 : $# ))
builds=("$@")
[ ${#builds[@]} -gt 0 ] || builds=(./iptop)
S=$(cd "$(dirname "$0")" && pwd)
ns=${FF_NETNS:-iptbench$$-ff}
tsock=/tmp/iptbench$$-ff.tmux
floor=/tmp/iptbench$$-ff.sh
cleanup() {
	tmux -S "$tsock" kill-server 2>/dev/null || :
	rm -f "$tsock" "$floor"
	[ -n "${FF_NETNS:-}" ] || ip netns del "$ns" 2>/dev/null || :
}
trap cleanup EXIT
if [ -z "${FF_NETNS:-}" ]; then
	ip netns add "$ns"
	python3 "$S/mkruleset.py" "$n" | ip netns exec "$ns" iptables-restore
fi

now_ms() { date +%s%3N; }
one() {
	local t0 t1
	tmux -S "$tsock" kill-server 2>/dev/null || :
	t0=$(now_ms)
	tmux -S "$tsock" new-session -d -x 200 -y 60 "exec ip netns exec $ns $1 --no-conntrack"
	until tmux -S "$tsock" capture-pane -p 2>/dev/null | grep -q 'fw-0'; do
		[ $(( $(now_ms) - t0 )) -lt 30000 ] || { echo "timeout" >&2; return 1; }
		sleep 0.01
	done
	t1=$(now_ms)
	tmux -S "$tsock" kill-server 2>/dev/null || :
	echo $(( t1 - t0 ))
}
printf '#!/bin/sh\necho fw-0\nexec sleep 30\n' >"$floor"
chmod +x "$floor"
for b in "${builds[@]}"; do one "$b" >/dev/null; done # warm the page cache
for ((i = 0; i < runs; i++)); do
	f=$(one "$floor")
	for b in "${builds[@]}"; do
		t=$(one "$b")
		printf '%s\t%s rules\t%s ms\tover the floor (%s ms): %s ms\n' "$b" "$n" "$t" "$f" $((t - f))
	done
done
