#!/usr/bin/env python3
"""Run a command and report its wall time, CPU time and peak resident memory.

Usage: measure.py LABEL -- CMD ARGS...
Prints one line: LABEL wall_s=... user_s=... sys_s=... max_rss_mb=... status=...
(peak RSS from wait4's rusage of the child, so it covers exactly that process tree's
largest process; no /usr/bin/time needed).
"""
import os
import subprocess
import sys
import time


def main() -> int:
    if "--" not in sys.argv[2:] and len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    label = sys.argv[1]
    cmd = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else sys.argv[2:]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL if os.environ.get("MEASURE_QUIET") else None)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    print(f"{label} wall_s={wall:.3f} user_s={usage.ru_utime:.3f} sys_s={usage.ru_stime:.3f} "
          f"max_rss_mb={usage.ru_maxrss / 1024:.1f} status={code}", flush=True)
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
