#!/usr/bin/env python3
"""The threat sensor benchmark's floor: attaches one program of sensor-floor.bpf.o (beside this script) to the
sys_enter tracepoint through libbpf.so.1 and holds it until SIGTERM or SIGINT.

  sensor-floor.py empty|read_path

Prints "attached PROGRAM" once the program runs. Needs root and libbpf1.
"""
import ctypes
import os
import signal
import sys


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in ("empty", "read_path"):
        raise SystemExit("usage: sensor-floor.py empty|read_path")
    name = sys.argv[1].encode()
    lib = ctypes.CDLL("libbpf.so.1", use_errno=True)
    lib.bpf_object__open_file.restype = ctypes.c_void_p
    lib.bpf_object__open_file.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    lib.bpf_object__next_program.restype = ctypes.c_void_p
    lib.bpf_object__next_program.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    lib.bpf_program__name.restype = ctypes.c_char_p
    lib.bpf_program__name.argtypes = [ctypes.c_void_p]
    lib.bpf_program__set_autoload.argtypes = [ctypes.c_void_p, ctypes.c_bool]
    lib.bpf_object__load.argtypes = [ctypes.c_void_p]
    lib.bpf_program__attach.restype = ctypes.c_void_p
    lib.bpf_program__attach.argtypes = [ctypes.c_void_p]
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sensor-floor.bpf.o").encode()
    obj = lib.bpf_object__open_file(path, None)
    if not obj:
        raise SystemExit(f"sensor-floor.py: cannot open {path.decode()} (errno {ctypes.get_errno()})")
    chosen, prog = None, lib.bpf_object__next_program(obj, None)
    while prog:
        lib.bpf_program__set_autoload(prog, lib.bpf_program__name(prog) == name)
        chosen = prog if lib.bpf_program__name(prog) == name else chosen
        prog = lib.bpf_object__next_program(obj, prog)
    if lib.bpf_object__load(obj) != 0:
        raise SystemExit("sensor-floor.py: the kernel refused the program (root and BTF are needed)")
    if not lib.bpf_program__attach(chosen):
        raise SystemExit(f"sensor-floor.py: cannot attach {name.decode()} (errno {ctypes.get_errno()})")
    print(f"attached {name.decode()}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
