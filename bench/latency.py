#!/usr/bin/env python3
"""bench/latency.py SOCKET TRIALS: packet-to-screen latency of the dashboard.

Run inside the namespace (ip netns exec NS bench/latency.py ...), where
INPUT has a rule counting UDP to 127.0.0.1:9999 and iptop runs in the tmux
server at SOCKET, showing the diagram. Each trial waits a random 0-0.6 s
(so packets land at every phase of the refresh tick), sends one UDP packet
and polls `tmux capture-pane` until the INPUT box's first table (filter,
priority 0: the number after "N/s" on the first counter line under the
box's title, or the last number of its "filter" line when the box has one
line per table) grows. Latency = first capture that shows it - sendto(). Prints one line:

    trials=N median_ms=M p90_ms=P p99_ms=R max_ms=X min_ms=Y poll_ms=Q

poll_ms is the mean time of one capture (the resolution of the figure).
"""
import random, re, socket, statistics, subprocess, sys, time

sock_path, trials = sys.argv[1], int(sys.argv[2])
num = re.compile(r"/s\s+(\d+(?:\.\d+)?)([KMG]?)\b")
last = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)([KMG]?)(?![\w.])")


def total():
    t0 = time.monotonic()
    out = subprocess.run(["tmux", "-S", sock_path, "capture-pane", "-p"], capture_output=True,
                         text=True, encoding="utf-8", errors="replace").stdout
    polls.append(time.monotonic() - t0)
    lines = out.splitlines()
    for i, line in enumerate(lines):
        x = line.find("INPUT ")
        if x < 0 or ("\u256d" not in line[:x] and "+" not in line[:x]):
            continue
        end = max(line.find("\u256e", x), line.find("+", x))
        for below in lines[i + 1:i + 6]:
            seg = below[max(0, x - 4):end if end > x else None]
            m = num.search(seg)
            if not m and "filter" in seg:
                # the compact box (a table a line): "filter  PRIO  PKT/S  TOTAL"
                m = list(last.finditer(seg))[-1:] or None
                m = m and m[0]
            if m:
                v, unit = m.groups()
                return float(v) * {"": 1, "K": 1e3, "M": 1e6, "G": 1e9}[unit]
    return None


polls, lat = [], []
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
deadline = time.monotonic() + 10
while total() is None:
    if time.monotonic() > deadline:
        sys.exit("latency.py: no INPUT box with a counter on the screen")
    time.sleep(0.1)
for i in range(trials):
    before = total()
    time.sleep(random.uniform(0, 0.6))
    t0 = time.monotonic()
    s.sendto(b"iptop-bench", ("127.0.0.1", 9999))
    while True:
        now = total()
        t1 = time.monotonic()
        if now is not None and now > before:
            lat.append((t1 - t0) * 1000)
            break
        if t1 - t0 > 5:
            sys.exit("latency.py: the counter did not move within 5 s")
lat.sort()
pct = lambda p: lat[min(len(lat) - 1, int(len(lat) * p))]
print("trials=%d median_ms=%.0f p90_ms=%.0f p99_ms=%.0f max_ms=%.0f min_ms=%.0f poll_ms=%.1f" %
      (len(lat), statistics.median(lat), pct(0.9), pct(0.99), lat[-1], lat[0], statistics.mean(polls) * 1000))
