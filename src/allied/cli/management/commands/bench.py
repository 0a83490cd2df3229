import os
import subprocess
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


def bench_dir() -> Path:
    """bench/ next to the source tree (editable install), else in the working directory."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "bench").is_dir() and (parent / "pyproject.toml").exists():
            return parent / "bench"
    return Path.cwd() / "bench"


class Command(BaseCommand):
    help = "Run one benchmark from bench/ in a fresh database; prints a table and writes bench/results/NAME.json."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--size", type=int, default=None)
        parser.add_argument("--repeat", type=int, default=None)
        parser.add_argument("--out", default=None, help="Where to write the JSON figures (default bench/results/NAME.json).")
        parser.add_argument("--no-psi", action="store_true", help="mapping: skip the private-mapping figures.")
        parser.add_argument("--psi-size", type=int, default=None, help="mapping: keys per side for the private-mapping figures.")

    def handle(self, *args, name, size, repeat, out, no_psi=False, psi_size=None, **opts):
        directory = bench_dir()
        script = directory / f"{name}.py"
        if not name.isidentifier() or not script.exists():
            available = sorted(p.stem for p in directory.glob("*.py"))
            raise CommandError(f"No benchmark named {name!r}; available: {', '.join(available) or 'none'}")
        cmd = [sys.executable, str(script), "--out", out or str(directory / "results" / f"{name}.json")]
        if size:
            cmd += ["--size", str(size)]
        if repeat:
            cmd += ["--repeat", str(repeat)]
        if no_psi or psi_size:
            if name != "mapping":
                raise CommandError("--no-psi and --psi-size belong to the mapping benchmark.")
            cmd += ["--no-psi"] if no_psi else ["--psi-size", str(psi_size)]
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
        code = subprocess.call(cmd, env=env)
        if code:
            raise CommandError(f"benchmark {name} failed (exit {code})")
