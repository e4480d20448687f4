"""Runs a command and fails unless it exits 0 with a peak resident set size
at most LIMIT_MB: peak_rss.py LIMIT_MB COMMAND [ARG...]. The command's
stdout is discarded; its stderr is passed through."""

import resource
import subprocess
import sys

limit_mb = float(sys.argv[1])
result = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL)
peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
if result.returncode != 0:
    sys.exit(f"error: exit status {result.returncode}, peak RSS {peak_mb:.0f} MB")
if peak_mb > limit_mb:
    sys.exit(f"error: peak RSS {peak_mb:.0f} MB exceeds {limit_mb:.0f} MB")
print(f"peak RSS within {limit_mb:.0f} MB")
