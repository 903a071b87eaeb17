#!/usr/bin/env python3
"""Runs a command on a new pseudo-terminal, as a person at a terminal would: types each line of standard input
(after the command had `--wait` seconds to start, then one line every 0.3 s), copies everything the command writes
to standard output, and exits with its status. Killed after `--timeout` seconds (exit 124).

Usage: ptyrun.py [--wait S] [--timeout S] [--rows R --cols C] -- COMMAND [ARG...]"""
import fcntl, os, pty, select, signal, struct, sys, termios, time

def main():
    args = sys.argv[1:]
    wait, timeout, rows, cols = 1.0, 60.0, 24, 80
    while args and args[0] != "--":
        opt, val = args[0], args[1]
        args = args[2:]
        if opt == "--wait": wait = float(val)
        elif opt == "--timeout": timeout = float(val)
        elif opt == "--rows": rows = int(val)
        elif opt == "--cols": cols = int(val)
        else: sys.exit(f"ptyrun: unknown option {opt}")
    argv = args[1:]
    lines = sys.stdin.read().splitlines(keepends=True)
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    start = time.monotonic()
    next_line = start + wait
    out = bytearray()
    while True:
        now = time.monotonic()
        if now - start > timeout:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            sys.stdout.buffer.write(bytes(out))
            sys.exit(124)
        if lines and now >= next_line:
            os.write(fd, lines.pop(0).encode())
            next_line = now + 0.3
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b""
            if not data:
                break
            out += data
    _, status = os.waitpid(pid, 0)
    sys.stdout.buffer.write(bytes(out))
    sys.exit(os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else status >> 8)

main()
