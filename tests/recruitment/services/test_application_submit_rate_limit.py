import pytest

from allied.core.errors import RateLimited
from allied.recruitment.models import Application
from allied.recruitment.services import APPLICATIONS_PER_IP_PER_HOUR, application_submit


def _data(i: int) -> dict:
    return {"company_name": f"Spam {i} Ltd", "website": f"https://spam{i}.example", "country": "US", "region": "na",
            "partner_type": "reseller", "team_size": 5, "contact_name": "S", "contact_email": f"s@spam{i}.example"}


def test_one_network_cannot_flood_the_pipeline(db):
    # given the hourly allowance from one IP is used up
    for i in range(APPLICATIONS_PER_IP_PER_HOUR):
        application_submit(data=_data(i), ip_address="198.51.100.7")
    # when one more arrives from that IP, then it is refused and nothing is kept
    with pytest.raises(RateLimited):
        application_submit(data=_data(99), ip_address="198.51.100.7")
    assert Application.objects.count() == APPLICATIONS_PER_IP_PER_HOUR
    # and another network is not affected
    application_submit(data=_data(100), ip_address="203.0.113.9")
    assert Application.objects.count() == APPLICATIONS_PER_IP_PER_HOUR + 1
