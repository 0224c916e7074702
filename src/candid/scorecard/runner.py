"""Run one scorecard section and time it (importable, so sections can run in worker processes)."""

from __future__ import annotations

import importlib
import resource
import time


def _cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def run_section(name: str, data_dir: str, limit: int | None, seed: int, quiet: bool):
    """Run one section in this process: ``(SectionResult, wall seconds, CPU seconds)``."""
    from rich.console import Console

    from candid.scorecard import SECTIONS
    from candid.scorecard.data import Dataset

    console = Console()
    log = (lambda msg: None) if quiet else (lambda msg: console.print(f"  {msg}", highlight=False))
    module = importlib.import_module(SECTIONS[name])
    t0, c0 = time.perf_counter(), _cpu_seconds()
    result = module.run(Dataset.scan(data_dir), limit=limit, seed=seed, log=log)
    wall, cpu = time.perf_counter() - t0, _cpu_seconds() - c0
    result.keys[f"scorecard.section_seconds.{name}"] = round(wall, 1)
    result.keys[f"scorecard.section_cpu_seconds.{name}"] = round(cpu, 1)
    return result, wall, cpu
