"""The engine is pure Python: importing and using it loads no Django and downloads nothing."""

import subprocess
import sys

CODE = """
import socket, sys
def no_network(*a, **k):
    raise AssertionError("the matching engine must not use the network")
socket.socket.connect = no_network
socket.create_connection = no_network
import allied.matching as m
rows = list(m.match_records([m.Record("1", "Acme GmbH", "shop.acme.co.uk", "DE")],
                            [m.Record("2", "ACME AG", "acme.co.uk", "Germany")]))
assert rows and rows[0][:2] == ("1", "2"), rows
assert m.normalize_domain("foo.github.io") == "foo.github.io"
assert not [name for name in sys.modules if name == "django" or name.startswith("django.")]
print("ok")
"""


def test_matching_imports_no_django_and_needs_no_network():
    proc = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path)})
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr
