"""`allied match accounts`: a real process with real files, plus the same command in-process."""

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from allied.cli import main as allied_main
from allied.cli.match import escape_cell

ALLIED = str(Path(sys.executable).with_name("allied"))
FIXTURES = Path(__file__).parent.parent / "matching" / "fixtures"
SALESFORCE, HUBSPOT = FIXTURES / "salesforce_accounts.csv", FIXTURES / "hubspot_companies.csv"


@pytest.fixture
def env(tmp_path):
    # No settings and a database that does not exist: the command must need neither.
    e = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    e["DATABASE_URL"] = f"sqlite:///{tmp_path}/missing/dir/never.sqlite3"
    return e


def allied(env, *args, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run([ALLIED, "match", "accounts", *map(str, args)], env=env, capture_output=True, text=True,
                          timeout=timeout)


def rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_salesforce_against_hubspot(env, tmp_path):
    out = tmp_path / "matches.csv"
    proc = allied(env, SALESFORCE, HUBSPOT, "--out", out)
    assert proc.returncode == 0, proc.stderr
    table = rows(out)
    assert table[0] == ["left_id", "right_id", "score", "reason"]
    pairs = {(left, right) for left, right, _, _ in table[1:]}
    assert pairs == {("0015g00000AbCdEAAV", "9001"), ("0015g00000AbCdFAAV", "9002"), ("0015g00000AbCdGAAV", "9003"),
                     ("0015g00000AbCdKAAV", "9004")}
    for _, _, score, reason in table[1:]:
        assert len(score.split(".")[1]) == 3 and 0.85 <= float(score) <= 1
        assert reason
    acme = next(r for r in table if r[1] == "9001")
    assert "same website domain acme-widgets.de" in acme[3] and "same country (DE)" in acme[3]
    assert proc.stdout.strip().splitlines()[-1].startswith("Read 7 left and 6 right rows; wrote 4 pairs to ")
    assert " s" in proc.stdout


def test_threshold_decides_which_pairs_are_written(env, tmp_path):
    left, right, out = tmp_path / "l.csv", tmp_path / "r.csv", tmp_path / "o.csv"
    left.write_text("id,name,country\n1,Acme Medical Corp,US\n")
    right.write_text("id,name,country\n2,Acme Corp,US\n")
    assert allied(env, left, right, "--out", out).returncode == 0
    assert rows(out) == [["left_id", "right_id", "score", "reason"]]
    assert allied(env, left, right, "--out", out, "--threshold", "0.3").returncode == 0
    assert [r[:2] for r in rows(out)[1:]] == [["1", "2"]]


def test_the_command_loads_no_django(tmp_path):
    out = tmp_path / "m.csv"
    code = ("import sys; from allied.cli import main\n"
            f"try:\n    main(['match', 'accounts', {str(SALESFORCE)!r}, {str(HUBSPOT)!r}, '--out', {str(out)!r}])\n"
            "except SystemExit as exc:\n    assert exc.code == 0, exc.code\n"
            "assert 'django' not in sys.modules, 'match must not set up Django'\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert out.exists()


def test_cells_that_look_like_formulas_are_escaped(env, tmp_path):
    left, right, out = tmp_path / "l.csv", tmp_path / "r.csv", tmp_path / "o.csv"
    left.write_text('id,name,website\n"=HYPERLINK(""http://x"")",Acme Widgets,acme.com\n+1,Zenith Foods,zenith.com\n')
    right.write_text("id,name,website\n@SUM(A1),ACME WIDGETS INC,www.acme.com\n-2,Zenith Foods Ltd,zenith.com\n")
    proc = allied(env, left, right, "--out", out)
    assert proc.returncode == 0, proc.stderr
    table = rows(out)[1:]
    assert [r[:2] for r in table] == [["'=HYPERLINK(\"http://x\")", "'@SUM(A1)"], ["'+1", "'-2"]]


@pytest.mark.parametrize("value, expected", [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"),
                                             ("\rx", "'\rx"), ("a=1", "a=1"), ("", "")])
def test_escape_cell(value, expected):
    assert escape_cell(value) == expected


def test_bad_file_names_row_and_column_exits_2_and_writes_nothing(env, tmp_path):
    bad, out = tmp_path / "bad.csv", tmp_path / "matches.csv"
    bad.write_text("Account ID,Account Name\n1,Acme\n2,\n")
    proc = allied(env, bad, HUBSPOT, "--out", out)
    assert proc.returncode == 2
    assert 'row 2 (line 3), column "Account Name": empty name' in proc.stderr
    assert "left file" in proc.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == [bad]

    out.write_text("previous results\n")
    proc = allied(env, HUBSPOT, bad, "--out", out)
    assert proc.returncode == 2 and "right file" in proc.stderr
    assert out.read_text() == "previous results\n"


def test_missing_columns_missing_file_and_bad_arguments_exit_2(env, tmp_path):
    out = tmp_path / "o.csv"
    nocols = tmp_path / "nocols.csv"
    nocols.write_text("foo,bar\n1,2\n")
    proc = allied(env, nocols, HUBSPOT, "--out", out)
    assert proc.returncode == 2 and "missing the id column" in proc.stderr and "missing the name column" in proc.stderr
    proc = allied(env, tmp_path / "nope.csv", HUBSPOT, "--out", out)
    assert proc.returncode == 2 and "does not exist" in proc.stderr
    proc = allied(env, SALESFORCE, HUBSPOT, "--out", out, "--threshold", "1.5")
    assert proc.returncode == 2 and "outside 0..1" in proc.stderr
    proc = allied(env, SALESFORCE, HUBSPOT, "--out", tmp_path / "no" / "such" / "dir.csv")
    assert proc.returncode == 2 and "does not exist" in proc.stderr
    assert not out.exists()


def test_large_files_show_progress_on_stderr(env, tmp_path):
    left, right, out = tmp_path / "l.csv", tmp_path / "r.csv", tmp_path / "o.csv"
    n = 2500
    left.write_text("id,name,website\n" + "".join(f"l{i},Company {i:05d} Widgets,c{i}.example\n" for i in range(n)))
    right.write_text("id,name,website\n" + "".join(f"r{i},Company {i:05d} Widgets GmbH,www.c{i}.example\n" for i in range(n)))
    proc = allied(env, left, right, "--out", out, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "Matching accounts" in proc.stderr and f"{n}/{n}" in proc.stderr
    assert f"Read {n:,} left and {n:,} right rows; wrote {n:,} pairs" in proc.stdout
    assert len(rows(out)) == n + 1


def test_in_process(tmp_path, capsys):
    out = tmp_path / "m.csv"
    with pytest.raises(SystemExit) as exited:
        allied_main(["match", "accounts", str(SALESFORCE), str(HUBSPOT), "--out", str(out), "--no-progress"])
    assert exited.value.code == 0
    assert "wrote 4 pairs" in capsys.readouterr().out
    assert len(rows(out)) == 5
