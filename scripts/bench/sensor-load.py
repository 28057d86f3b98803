#!/usr/bin/env python3
"""Load for the threat sensor's benchmark: a loop of system calls the sensor reports, timed.

  sensor-load.py open N    # N opens (and closes) of one file: one open event each
  sensor-load.py exec N    # N runs of /bin/true (fork, exec, exit each)

Prints the loop's wall time in seconds and its rate.
"""
import os
import sys
import tempfile
import time


def main():
    kind, count = sys.argv[1], int(sys.argv[2])
    if kind == "open":
        with tempfile.NamedTemporaryFile(prefix="vigil-sensor-load-") as f:
            path = f.name
            start = time.perf_counter()
            for _ in range(count):
                os.close(os.open(path, os.O_RDONLY))
            elapsed = time.perf_counter() - start
    elif kind == "exec":
        start = time.perf_counter()
        for _ in range(count):
            pid = os.posix_spawn("/bin/true", ["/bin/true"], {})
            os.waitpid(pid, 0)
        elapsed = time.perf_counter() - start
    else:
        raise SystemExit("usage: sensor-load.py open|exec N")
    print(f"{elapsed:.4f} {count / elapsed:.0f}")


if __name__ == "__main__":
    main()
