"""What the machine gives this process: the CPUs it may run on."""

from __future__ import annotations

import os


def usable_cpus() -> int:
    """CPUs this process may run on: its affinity mask (a container's or ``taskset``'s limit), else all.

    Thread pools size themselves with this, not :func:`os.cpu_count`, which
    counts CPUs the process may not use.

    Examples
    --------
    >>> usable_cpus() >= 1
    True
    """
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1  # pragma: no cover - not Linux
