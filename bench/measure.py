#!/usr/bin/env python3
"""bench/measure.py R CMD...: run CMD R times (after W warm-ups, env
MEASURE_WARMUP, default 1), stdout and stderr to /dev/null, and print

    CPU_MS RSS_KIB WALL_MS CPU_MIN CPU_MAX

CPU = median user+sys of the child and what it waited for (getrusage via
wait4: ns-accurate, unlike GNU time's 10 ms), WALL = median wall time.
RSS = peak resident set of the largest process, from one more run under
/usr/bin/time -f %M: ru_maxrss of a child forked from Python would include
Python's own pages (Linux keeps the high-water mark across exec), which
makes every small tool look like 10 MiB. Without /usr/bin/time, RSS is
that inflated figure (printed negative so the caller can flag it).
MEASURE_VIA_TIME=1 runs every run under /usr/bin/time instead (one run
fewer for long commands; CPU then includes time's own ~1 ms).
MEASURE_PTY=COLSxROWS gives CMD a pseudo-terminal of that size as stdin:
`iptstate -1` sizes its columns from ioctl(0, TIOCGWINSZ) and, with no tty,
pads its output to a size it cannot read."""
import fcntl, os, pty, struct, sys, tempfile, termios, time

r = int(sys.argv[1])
cmd = sys.argv[2:]
warm = int(os.environ.get("MEASURE_WARMUP", "1"))
stdin_fd = None
if os.environ.get("MEASURE_PTY"):
    cols, rows = (int(x) for x in os.environ["MEASURE_PTY"].split("x"))
    master, stdin_fd = pty.openpty()
    fcntl.ioctl(stdin_fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def run(argv):
    # posix_spawn (vfork + exec): a fork()ed Python child would charge its
    # page-table copy and copy-on-write faults (~2 ms) to CMD.
    acts = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)]
    if stdin_fd is not None:
        acts.append((os.POSIX_SPAWN_DUP2, stdin_fd, 0))
    t0 = time.monotonic()
    pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=acts)
    _, status, ru = os.wait4(pid, 0)
    wall = (time.monotonic() - t0) * 1000
    if os.waitstatus_to_exitcode(status) != 0:
        sys.stderr.write("measure.py: %s exited %d\n" % (" ".join(argv), os.waitstatus_to_exitcode(status)))
    return (ru.ru_utime + ru.ru_stime) * 1000, wall, ru.ru_maxrss


def timed_rss(argv):
    with tempfile.NamedTemporaryFile("r") as f:
        c, w, m = run(["/usr/bin/time", "-f", "%M", "-o", f.name] + argv)
        try:
            return c, w, int(f.read().split()[-1])
        except (ValueError, IndexError):
            return c, w, -m


have_time = os.access("/usr/bin/time", os.X_OK)
via_time = have_time and os.environ.get("MEASURE_VIA_TIME") == "1"
cpu, wall, rss = [], [], 0
for i in range(warm + r):
    c, w, m = timed_rss(cmd) if via_time else run(cmd)
    if i < warm:
        continue
    cpu.append(c)
    wall.append(w)
    rss = max(rss, m)
if not have_time:
    rss = -rss
elif not via_time:
    rss = timed_rss(cmd)[2]
cpu.sort()
wall.sort()
print("%.2f %d %.2f %.2f %.2f" % (cpu[len(cpu) // 2], rss, wall[len(wall) // 2], cpu[0], cpu[-1]))
