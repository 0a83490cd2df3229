"""``run``: every case runs on the reference and on the fast engine (which must not fall back)."""

import pytest

from allied.accrual import engine, reference


def fast(rules, events):
    try:
        return engine.evaluate_fast(rules, events)
    except engine.Fallback as exc:
        reference.evaluate(rules, events)  # invalid input: the reference raises the ValueError
        pytest.fail(f"the fast engine fell back on valid input: {exc}")


@pytest.fixture(params=["reference", "fast"])
def run(request):
    return reference.evaluate if request.param == "reference" else fast
