#!/usr/bin/env python3
"""Runs a command and prints its wall time (s) and peak RSS (KiB) as JSON.

Uses getrusage(RUSAGE_CHILDREN), which the kernel fills when the child is
reaped, so the peak is exact whatever the command's lifetime.

Also watches the child's threads (/proc/PID/task, every 2 ms) and gives
when the first of them ended (`firstThreadExit`, s; null if none did before
the process). sngrep needs it: its capture thread reads the file while the
main thread checks every 500 ms whether it is done (clock_nanosleep of
0.5 s, seen with strace -f), so its wall time is its work rounded up to the
next half second plus its exit; when the capture thread ends is when it has
read and parsed the whole file.

usage: measure.py CMD [ARGS...]   (stdout of CMD goes to /dev/null)
"""
import json, os, resource, subprocess, sys, time

t = time.monotonic()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
most = 0
first_exit = None
while p.poll() is None:
    try:
        n = len(os.listdir(f"/proc/{p.pid}/task"))
    except OSError:
        break
    if n > most:
        most = n
    elif n < most and first_exit is None:
        first_exit = time.monotonic() - t
    time.sleep(0.002)
_, err = p.communicate()
wall = time.monotonic() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({
    "rc": p.returncode, "wall": wall, "rssKiB": ru.ru_maxrss, "cpu": ru.ru_utime + ru.ru_stime,
    "firstThreadExit": first_exit, "threads": most, "stderr": err.decode("utf-8", "replace")[-2000:],
}))
