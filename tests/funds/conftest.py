import pytest

from tests.funds.factories import activity_types


@pytest.fixture(autouse=True)
def _activity_types(request):
    """The seeded activity types, also after a transactional test elsewhere flushed them."""
    names = set(request.fixturenames)
    for fixture in ("transactional_db", "db"):
        if fixture in names:
            request.getfixturevalue(fixture)
            activity_types()
            return
