"""Nothing presswatch starts outlives it, even when it is killed with SIGKILL.

Linux sends a child a chosen signal when the thread that started it dies, if the child asks
(prctl PR_SET_PDEATHSIG); nothing else survives a SIGKILL of the parent. Forked children
(spaCy's NER workers) ask through an at-fork hook. Commands (the temporary Prefect server) are
started through `python -m presswatch.lifeline PARENT_PID CMD ...`, which asks and then execs CMD:
the request survives exec. Start such commands from the main thread, which lives as long as the
process. On other systems nothing is asked and children are stopped on normal exits only.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>
_hooked = False


def die_with_parent(parent_pid: int | None = None) -> None:
    """Ask to be killed when the parent dies; exit now if it already has (the race before)."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(1)


def forked_children_die_with_us() -> None:
    """Every child forked from now on dies with this process (idempotent)."""
    global _hooked
    if not _hooked and sys.platform.startswith("linux"):
        os.register_at_fork(after_in_child=die_with_parent)
        _hooked = True


def command(argv: list[str]) -> list[str]:
    """`argv` wrapped so that the process it becomes dies with this one."""
    return [sys.executable, "-m", "presswatch.lifeline", str(os.getpid()), *argv]


def main(args: list[str]) -> None:
    parent, program = int(args[0]), args[1:]
    die_with_parent(parent)
    os.execvp(program[0], program)


if __name__ == "__main__":
    main(sys.argv[1:])
