"""``allied mapping private``: the partner's side of private mapping, run against an Allied server's API.

    allied mapping private --server https://allied.vendor.example --token KEY --file accounts.csv \\
        --population pop_xxx [--reveal] [--out overlap.csv]

The partner's CRM export (Salesforce, HubSpot or plain CSV, read by ``allied.matching.read_accounts_csv``)
never leaves this machine: only its keys raised to a secret drawn here for this session are sent
(``allied.psi``). Prints how many of the vendor's accounts in the population overlap; when the vendor
shares that population as overlapping records, writes the overlapping accounts of the partner's own file
to ``--out``. With ``--reveal`` the vendor is told which of its accounts overlap. No Django is loaded.
Exit codes: 0 done, 1 refused or failed at the server, 2 bad arguments or a bad input file.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from allied.matching import AccountCsvError, Record, read_accounts_csv
from allied.psi import POINT_BYTES, InvalidPoint, PsiClient, decode_points, encode_points, record_keys

PAGE = 10_000  # vendor accounts a page (at most two keys each: 20,000 points)
BATCH = 20_000  # points a batch
OUTPUT_COLUMNS = ["id", "name", "domain", "country"]


class Refused(Exception):
    """The server said no (or could not be reached); the message is for the user."""


class Api:
    def __init__(self, server: str, token: str, timeout: float = 300.0):
        self.base = server.rstrip("/") + ("" if server.rstrip("/").endswith("/api/v1") else "/api/v1")
        self.token = token
        self.timeout = timeout

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method, headers={
            "Authorization": f"Bearer {self.token}", "Accept": "application/json",
            **({"Content-Type": "application/json"} if data is not None else {})})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (the user's own server)
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            try:
                error = json.loads(exc.read())["error"]
                message = error["message"]
            except (ValueError, KeyError, TypeError):
                message = f"HTTP {exc.code}"
            raise Refused(f"the server refused ({exc.code}): {message}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise Refused(f"cannot reach {self.base}: {getattr(exc, 'reason', exc)}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="allied mapping private", description=__doc__.split("\n\n")[2].replace("\n", " "))
    parser.add_argument("--server", required=True, help="the Allied server, e.g. https://allied.vendor.example")
    parser.add_argument("--token", default=os.environ.get("ALLIED_TOKEN"),
                        help="your API key (or set ALLIED_TOKEN); a partner admin's key: `allied token create`")
    parser.add_argument("--file", required=True, type=Path, help="your accounts: a Salesforce or HubSpot export, or a CSV")
    parser.add_argument("--population", required=True, help="the vendor population to compare with (pop_...)")
    parser.add_argument("--reveal", action="store_true", help="let the vendor learn which of its accounts overlap")
    parser.add_argument("--out", type=Path, help="write your overlapping accounts here (when the vendor shares overlaps)")
    parser.add_argument("--processes", type=int, default=None, help="worker processes for the exponentiations (default: all cores)")
    parser.add_argument("--no-progress", action="store_true", help="never draw a progress bar")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not args.token:
        return _error("give --token (or set ALLIED_TOKEN)")
    if args.out is not None and not args.out.parent.is_dir():
        return _error(f"the folder of --out ({args.out.parent}) does not exist")
    try:
        records = read_accounts_csv(args.file)
    except AccountCsvError as exc:
        return _error(f"cannot use {args.file}:\n" + "\n".join(f"  {line}" for line in exc.summary().splitlines()))
    except OSError as exc:
        return _error(f"cannot read {args.file}: {exc.strerror or exc}")
    try:
        return run(Api(args.server, args.token), records, population=args.population, reveal=args.reveal, out=args.out,
                   processes=args.processes, show_progress=not args.no_progress)
    except (Refused, InvalidPoint) as exc:
        print(f"allied mapping private: {exc}", file=sys.stderr)
        return 1


def _error(message: str) -> int:
    print(f"allied mapping private: {message}", file=sys.stderr)
    return 2


def run(api: Api, records: list[Record], *, population: str, reveal: bool = False, out: Path | None = None,
        processes: int | None = None, show_progress: bool = True) -> int:
    started = time.perf_counter()
    keyed = [(record, record_keys(record)) for record in records]
    keyed = [(record, keys) for record, keys in keyed if keys]
    if not keyed:
        raise Refused("no account in the file has a name or a domain to compare")
    client = PsiClient([keys for _, keys in keyed], processes=processes)
    session = api.call("POST", "/mapping/private-sessions", {"vendor_population": population, "reveal_to_vendor": reveal})
    sid, ordered = session["id"], session["mode"] == "overlaps"
    base = f"/mapping/private-sessions/{sid}"
    with _Bar(show_progress) as bar:
        mine = client.request(progress=bar.task("Blinding your keys", client.point_count))
        fetch = bar.task("Fetching the vendor's keys", session["vendor_count"])
        sizes, server_points, offset = bytearray(), [], 0
        while offset < session["vendor_count"]:
            page = api.call("GET", f"{base}/points?offset={offset}&limit={PAGE}")
            page_sizes = decode_points_sizes(page["sizes"])
            sizes += page_sizes
            server_points.append(decode_points(page["points"]))
            offset += len(page_sizes)
            fetch(len(page_sizes))
            if not page_sizes:
                raise Refused("the server sent an empty page")
        send = bar.task("Exchanging", client.point_count)
        answers = []
        for start in range(0, len(mine), BATCH * POINT_BYTES):
            chunk = mine[start:start + BATCH * POINT_BYTES]
            final = start + len(chunk) >= len(mine)
            reply = api.call("POST", f"{base}/exchange",
                             {"offset": start // POINT_BYTES, "points": encode_points(chunk), "final": final})
            answers.append(decode_points(reply["points"]))
            send(len(chunk) // POINT_BYTES)
        if not ordered:
            answers, got = [], 0
            while got < client.point_count:
                page = api.call("GET", f"{base}/answer?offset={got}&limit={BATCH}")
                answers.append(decode_points(page["points"]))
                got += len(answers[-1]) // POINT_BYTES
                if not answers[-1]:
                    raise Refused("the server sent an empty answer page")
        server_blob = b"".join(server_points)
        double = client.blind_server_points(server_blob, progress=bar.task("Comparing", len(server_blob) // POINT_BYTES))
    result = client.result(double, bytes(sizes), b"".join(answers), ordered=ordered)
    done = api.call("POST", f"{base}/finish", {"overlap_count": result.overlap_count,
                                                "vendor_positions": result.server_accounts if reveal else None})
    seconds = time.perf_counter() - started
    print(f"{result.overlap_count:,} of the vendor's {session['vendor_count']:,} accounts in {session['vendor_population']['name']} "
          f"overlap with your {len(records):,} accounts ({seconds:.1f} s; session {done['id']}).")
    if reveal:
        print("The vendor was told which of its accounts overlap.")
    if ordered:
        mine_matched = [keyed[i][0] for i in result.client_accounts or []]
        print(f"{len(mine_matched):,} of your accounts overlap.")
        if out is not None:
            _write(out, mine_matched)
            print(f"Wrote them to {out}.")
    elif out is not None:
        print("The vendor shares this population as counts only: no accounts were written.")
    return 0


def decode_points_sizes(text: str) -> bytes:
    import base64
    import binascii

    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise InvalidPoint("the server sent key counts that are not base64") from None


def _write(out: Path, rows: list[Record]) -> None:
    from allied.core.inputs import escape_cell

    tmp = out.with_name(f".{out.name}.tmp")
    with tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(OUTPUT_COLUMNS)
        for record in rows:
            writer.writerow([escape_cell(record.id), escape_cell(record.name), escape_cell(record.domain), escape_cell(record.country)])
    os.replace(tmp, out)


class _Bar:
    """Rich progress bars on stderr (or nothing), one task per step."""

    def __init__(self, show: bool):
        self.progress = None
        if show:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                     console=Console(stderr=True))

    def __enter__(self):
        if self.progress:
            self.progress.__enter__()
        return self

    def __exit__(self, *exc):
        if self.progress:
            self.progress.__exit__(*exc)
        return False

    def task(self, description: str, total: int):
        if not self.progress:
            return lambda n: None
        task = self.progress.add_task(description, total=total)
        return lambda n: self.progress.advance(task, n)
