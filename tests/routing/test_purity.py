"""The routing engine is pure: importing and using it loads no Django and no OR-Tools."""

import subprocess
import sys

CODE = """
import sys
import allied.routing as r
p = r.PartnerProfile(id="p", partner_type="reseller", tier="Gold", tier_rank=3, country="DE", capacity=2)
got = r.route_batch([r.Lead(id="l", country="DE")], [p], r.RoutingRules())
assert got[0].partner_id == "p", got
assert not [m for m in sys.modules if m == "django" or m.startswith("django.")]
assert "ortools" not in sys.modules
print("ok")
"""


def test_routing_imports_no_django_and_no_ortools():
    proc = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path)})
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr
