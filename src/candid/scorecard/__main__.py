"""``python -m candid.scorecard --data DIR --out OUT [--only SECTION ...] [--limit N]``."""

from __future__ import annotations

import argparse
import html
import sys
from pathlib import Path


#: CPU seconds of each section on ../shared/data (2026-11-30), to start the longest first.
COST = {"studio": 318, "inspect": 180, "finish": 80, "honest": 58, "restore": 46}


def main(argv: list[str] | None = None) -> int:
    from rich.console import Console
    from rich.table import Table

    from candid.scorecard import SECTIONS
    from candid.scorecard.data import Dataset
    from candid.scorecard.runner import run_section
    from candid.scorecard.sheets import SectionResult, attempt, merge

    def crashed(name: str, err: str) -> SectionResult:
        """A section that raised as a whole (a bug, or a worker killed): counted, shown, not fatal."""
        r = SectionResult(name, {f"{name}.failures": 1, f"{name}.crashed": 1}, failures=[(name, err)])
        r.html = f'<section id="{name}"><h2>{name}</h2><p>The section crashed: {html.escape(err)}</p></section>'
        console.print(f"[red]{name} crashed:[/red] {err}")
        return r

    parser = argparse.ArgumentParser(prog="python -m candid.scorecard", description=__doc__)
    parser.add_argument("--data", default="../shared/data", help="folder laid out like ../shared/data")
    parser.add_argument("--out", default="scorecard", help="where scorecard.json and index.html go")
    parser.add_argument("--only", nargs="+", choices=list(SECTIONS), metavar="SECTION",
                        help=f"run only these sections ({', '.join(SECTIONS)}); their keys are merged into OUT")
    parser.add_argument("--limit", type=int, default=None, help="at most N items per list (evenly spaced)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quiet", action="store_true", help="no per-photo lines")
    parser.add_argument("--jobs", type=int, default=1, help="run sections in this many processes")
    args = parser.parse_args(argv)
    console = Console(stderr=False)
    data_dir, out = Path(args.data), Path(args.out)
    if not data_dir.is_dir():
        console.print(f"[red]error:[/red] no data folder {data_dir} (pass --data DIR or DATA=DIR)")
        return 2
    data = Dataset.scan(data_dir)
    console.print(f"data {data_dir}: {len(data.real)} real ({len(data.people)} people), {len(data.old)} old, "
                  f"{len(data.ai)} ai" + (f"; limit {args.limit}" if args.limit else ""))
    keys: dict = {}
    ran: dict[str, float] = {}
    names = args.only or list(SECTIONS)

    def done(name: str, result, wall: float, cpu: float) -> None:
        nonlocal keys
        ran[name] = wall
        keys = merge(out, result)
        console.print(f"[bold]{name}[/bold] done in {wall:.0f} s ({cpu:.0f} s CPU), "
                      f"{len(result.failures)} failure(s)")

    if args.jobs > 1 and len(names) > 1:
        # Sections in parallel processes (each merges when it is done, in this process).
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor, as_completed

        # Longest first, so the two workers finish close together.
        order = sorted(names, key=lambda n: -COST.get(n, 1))
        with ProcessPoolExecutor(args.jobs, mp_context=mp.get_context("spawn")) as pool:
            futures = {pool.submit(run_section, n, str(data_dir), args.limit, args.seed, args.quiet): n
                       for n in order}
            for fut in as_completed(futures):
                name = futures[fut]
                got, err = attempt(fut.result)
                done(name, *(got or (crashed(name, err), 0.0, 0.0)))
    else:
        for name in names:
            console.print(f"[bold]{name}[/bold] ...")
            got, err = attempt(lambda: run_section(name, str(data_dir), args.limit, args.seed, args.quiet))
            done(name, *(got or (crashed(name, err), 0.0, 0.0)))
    table = Table("key", "value", title=f"scorecard ({', '.join(ran)} run now; {out / 'scorecard.json'})")
    for k, v in keys.items():
        fresh = any(k.startswith(f"{n}.") or k == f"seconds.{n}" or k.endswith(f".{n}") for n in ran)
        shown = "-" if v is None else (f"{v:.4g}" if isinstance(v, float) else str(v))
        table.add_row(k if fresh else f"[dim]{k}[/dim]", shown)
    console.print(table)
    console.print(f"wrote {out / 'scorecard.json'} and {out / 'index.html'} ({sum(ran.values()):.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
