#!/bin/bash
# bench/serve-cost.sh NS IPTOP K [ARGS...]: the cost of one scrape of
# `iptop --serve` (ARGS added) in namespace NS: starts it on
# 127.0.0.1:9617 there, scrapes twice to warm up (the first renders every
# rule's text), then K times, and prints
#
#     CPU_MS_PER_SCRAPE PEAK_RSS_KIB SERIES BYTES
#
# CPU = every thread of the process (/proc/PID/task/*/schedstat, ns), per
# scrape; the client (curl) is not counted. Stops the server it started.
set -eu
ns=$1 iptop=$2 k=$3
shift 3
tmp=$(mktemp -d)
ip netns exec "$ns" "$iptop" --serve 127.0.0.1:9617 "$@" 2>"$tmp/err" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
scrape() { ip netns exec "$ns" curl -sf --max-time 120 -o "$tmp/m" http://127.0.0.1:9617/metrics; }
for _ in $(seq 200); do scrape && break; sleep 0.1; done
scrape
cpu() { cat /proc/"$pid"/task/*/schedstat | awk '{ s += $1 } END { printf "%.0f", s }'; }
c0=$(cpu)
for _ in $(seq "$k"); do scrape; done
c1=$(cpu)
hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status")
series=$(grep -vc '^#' "$tmp/m")
bytes=$(wc -c <"$tmp/m")
awk -v a="$c0" -v b="$c1" -v k="$k" -v h="$hwm" -v s="$series" -v n="$bytes" \
	'BEGIN { printf "%.2f %d %d %d\n", (b - a) / 1e6 / k, h, s, n }'
