"""``allied match accounts LEFT.csv RIGHT.csv --out matches.csv``: which accounts are the same company.

Pure file work with the matching engine: no database and no Django setup, so a data team can run
it anywhere the package is installed. Exit codes: 0 done, 2 bad arguments or a bad input file
(nothing is written then: the output goes to a temporary file that is renamed only at the end).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path

from allied.core.inputs import escape_cell
from allied.matching import SAME_COMPANY, AccountCsvError, Record, match_records, read_accounts_csv

PROGRESS_MIN_ROWS = 2000  # smaller files finish before a bar would be worth drawing
OUTPUT_COLUMNS = ["left_id", "right_id", "score", "reason"]


def _threshold(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is outside 0..1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="allied match", description="Match company records between files.")
    sub = parser.add_subparsers(dest="what", required=True, metavar="accounts")
    accounts = sub.add_parser(
        "accounts",
        help="match two account lists (CSV) and write the matching pairs",
        description="For each account in LEFT, the best matching account(s) in RIGHT scoring at least the threshold. "
        "Reads Salesforce report exports, HubSpot company exports and plain CSV (comma, semicolon or tab); "
        "needs an id and a name column, uses website/domain and country columns when present.",
    )
    accounts.add_argument("left", type=Path, help="CSV file of accounts to look up")
    accounts.add_argument("right", type=Path, help="CSV file of accounts to look in")
    accounts.add_argument("--out", required=True, type=Path, help="where to write left_id,right_id,score,reason")
    accounts.add_argument("--threshold", type=_threshold, default=SAME_COMPANY,
                          help=f"lowest score written, 0..1 (default {SAME_COMPANY}: the same company)")
    accounts.add_argument("--no-progress", action="store_true", help="never draw a progress bar")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return match_accounts(args.left, args.right, out=args.out, threshold=args.threshold, show_progress=not args.no_progress)


def _error(message: str) -> int:
    print(f"allied match accounts: {message}", file=sys.stderr)
    return 2


def _read(path: Path, side: str) -> list[Record]:
    try:
        return read_accounts_csv(path)
    except AccountCsvError as exc:
        lines = "\n".join(f"  {line}" for line in exc.summary().splitlines())
        raise _InputError(f"cannot use the {side} file {path}:\n{lines}") from None
    except FileNotFoundError:
        raise _InputError(f"the {side} file {path} does not exist") from None
    except OSError as exc:
        raise _InputError(f"cannot read the {side} file {path}: {exc.strerror or exc}") from None


class _InputError(Exception):
    pass


def match_accounts(left_path: Path, right_path: Path, *, out: Path, threshold: float = SAME_COMPANY,
                   show_progress: bool = True) -> int:
    started = time.perf_counter()
    try:
        left = _read(left_path, "left")
        right = _read(right_path, "right")
    except _InputError as exc:
        return _error(str(exc))
    out = Path(out)
    if not out.parent.is_dir():
        return _error(f"the folder of --out ({out.parent}) does not exist")

    try:
        handle = tempfile.NamedTemporaryFile("w", dir=out.parent, prefix=f".{out.name}.", suffix=".tmp",
                                             delete=False, newline="", encoding="utf-8")
    except OSError as exc:
        return _error(f"cannot write to {out.parent}: {exc.strerror or exc}")
    pairs = 0
    try:
        with handle:
            writer = csv.writer(handle)
            writer.writerow(OUTPUT_COLUMNS)
            bar = _progress(len(left)) if show_progress and len(left) >= PROGRESS_MIN_ROWS else None
            with bar or _Nothing():
                task = bar.add_task("Matching accounts", total=len(left)) if bar else None
                progress = (lambda done: bar.update(task, completed=done)) if bar else None
                for left_id, right_id, score, reason in match_records(left, right, threshold=threshold, progress=progress):
                    writer.writerow([escape_cell(left_id), escape_cell(right_id), f"{score:.3f}", escape_cell(reason)])
                    pairs += 1
        os.replace(handle.name, out)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    seconds = time.perf_counter() - started
    print(f"Read {len(left):,} left and {len(right):,} right rows; wrote {pairs:,} pairs to {out} in {seconds:.1f} s")
    return 0


class _Nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def _progress(total: int):
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TimeRemainingColumn(), console=Console(stderr=True))
