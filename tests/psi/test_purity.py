"""allied.psi is pure: importing and running it loads no Django and uses no network."""

import subprocess
import sys

CODE = """
import socket, sys
def no_network(*a, **k):
    raise AssertionError("private set intersection must not use the network")
socket.socket.connect = no_network
socket.create_connection = no_network
import allied.psi as psi
srv, result = psi.intersect({"v1": psi.account_keys(name="Acme GmbH", domain="acme.de", country="DE")},
                            [psi.account_keys(name="ACME", domain="www.acme.de", country="Germany")], ordered=True)
assert result.client_accounts == [0] and srv.accounts_at(result.server_accounts) == ["v1"], result
assert not [name for name in sys.modules if name == "django" or name.startswith("django.")]
print("ok")
"""


def test_psi_imports_no_django_and_needs_no_network():
    proc = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path)})
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr
