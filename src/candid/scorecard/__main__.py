"""``python -m candid.scorecard --data DIR --out OUT [--only SECTION ...] [--limit N]``."""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    from rich.console import Console
    from rich.table import Table

    from candid.scorecard import SECTIONS
    from candid.scorecard.data import Dataset
    from candid.scorecard.sheets import merge

    parser = argparse.ArgumentParser(prog="python -m candid.scorecard", description=__doc__)
    parser.add_argument("--data", default="../shared/data", help="folder laid out like ../shared/data")
    parser.add_argument("--out", default="scorecard", help="where scorecard.json and index.html go")
    parser.add_argument("--only", nargs="+", choices=list(SECTIONS), metavar="SECTION",
                        help=f"run only these sections ({', '.join(SECTIONS)}); their keys are merged into OUT")
    parser.add_argument("--limit", type=int, default=None, help="at most N items per list (evenly spaced)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quiet", action="store_true", help="no per-photo lines")
    args = parser.parse_args(argv)
    console = Console(stderr=False)
    data_dir, out = Path(args.data), Path(args.out)
    if not data_dir.is_dir():
        console.print(f"[red]error:[/red] no data folder {data_dir} (pass --data DIR or DATA=DIR)")
        return 2
    data = Dataset.scan(data_dir)
    console.print(f"data {data_dir}: {len(data.real)} real ({len(data.people)} people), {len(data.old)} old, "
                  f"{len(data.ai)} ai" + (f"; limit {args.limit}" if args.limit else ""))
    log = (lambda msg: None) if args.quiet else (lambda msg: console.print(f"  {msg}", highlight=False))
    keys: dict = {}
    ran: dict[str, float] = {}
    for name in args.only or list(SECTIONS):
        module = importlib.import_module(SECTIONS[name])
        t0 = time.perf_counter()
        console.print(f"[bold]{name}[/bold] ...")
        result = module.run(data, limit=args.limit, seed=args.seed, log=log)
        ran[name] = time.perf_counter() - t0
        result.keys[f"scorecard.section_seconds.{name}"] = round(ran[name], 1)
        keys = merge(out, result)
        console.print(f"[bold]{name}[/bold] done in {ran[name]:.0f} s, {len(result.failures)} failure(s)")
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
