#!/usr/bin/env python3
"""bench/measure.py R CMD...: run CMD R times (after one warm-up), print the
median CPU (user+sys of the child, ms, from getrusage: ns-accurate, unlike
GNU time's 10 ms) and the largest peak RSS (KiB)."""
import os, resource, subprocess, sys

r = int(sys.argv[1])
cmd = sys.argv[2:]
cpu, rss = [], 0
for i in range(r + 1):
    pid = os.fork()
    if pid == 0:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.execvp(cmd[0], cmd)
    _, status, ru = os.wait4(pid, 0)
    if i == 0:
        continue
    cpu.append((ru.ru_utime + ru.ru_stime) * 1000)
    rss = max(rss, ru.ru_maxrss)
cpu.sort()
print("%.2f %d" % (cpu[len(cpu) // 2], rss))
