#!/usr/bin/env python3
"""memory_growth.py FACTOR FILE SMALL_COMMAND -- BIG_COMMAND

Runs both commands (each must exit 0) and checks that the peak resident
memory of the second exceeds that of the first by at most FACTOR times the
size of FILE, the input that the second reads in place of the first's small
one. The peaks come from getrusage of each child (os.wait4), so only the
command's own memory counts, not this script's or the other command's.
"""

import os
import subprocess
import sys


def peak_rss_bytes(command):
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        sys.exit("memory_growth: %s failed with status %d" % (command[0], status))
    return usage.ru_maxrss * 1024  # ru_maxrss is in KiB on Linux


def main():
    factor = float(sys.argv[1])
    size = os.path.getsize(sys.argv[2])
    split = sys.argv.index("--")
    small, big = sys.argv[3:split], sys.argv[split + 1:]
    growth = peak_rss_bytes(big) - peak_rss_bytes(small)
    bound = factor * size
    verdict = "within" if growth <= bound else "beyond"
    print("peak memory grows by %.1f MiB for a %.1f MiB file: %s %g times "
          "its size" % (growth / 2**20, size / 2**20, verdict, factor))
    sys.exit(0 if growth <= bound else 1)


if __name__ == "__main__":
    main()
