#!/usr/bin/env python3
"""expect-exit.py STATUS COMMAND...: runs COMMAND, passes its output through
and fails unless it exits with exactly STATUS (`not` accepts any failure)."""

import subprocess
import sys

status = subprocess.call(sys.argv[2:])
if status != int(sys.argv[1]):
    sys.exit(f"expect-exit.py: exit status {status}, expected {sys.argv[1]}")
