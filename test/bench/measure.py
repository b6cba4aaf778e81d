#!/usr/bin/env python3
"""Runs a command and prints its wall time (s) and peak RSS (KiB) as JSON.

Uses getrusage(RUSAGE_CHILDREN), which the kernel fills when the child is
reaped, so the peak is exact whatever the command's lifetime.
usage: measure.py CMD [ARGS...]   (stdout of CMD goes to /dev/null)
"""
import json, resource, subprocess, sys, time

t = time.monotonic()
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode
wall = time.monotonic() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": rc, "wall": wall, "rssKiB": ru.ru_maxrss, "cpu": ru.ru_utime + ru.ru_stime}))
