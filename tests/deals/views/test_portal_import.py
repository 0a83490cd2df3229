"""CSV import on the portal: a template to start from, every problem listed on failure, counts on success."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from allied.deals.models import DealRegistration, DealSource

pytestmark = pytest.mark.django_db
URL = "/portal/deals/import/"
CLOSE = (timezone.localdate() + timedelta(days=30)).isoformat()


def _csv(rows: list[list[str]]) -> SimpleUploadedFile:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return SimpleUploadedFile("deals.csv", buf.getvalue().encode(), content_type="text/csv")


HEADER = ["customer_name", "website", "country", "contact_name", "amount", "expected_close_date", "deal_type"]


def test_template_lists_every_column_and_imports_as_is(client, world):
    client.force_login(world.a_marketing)  # anyone on the portal may read the template
    r = client.get(URL + "template.csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert r["Content-Disposition"] == 'attachment; filename="deal-registrations-template.csv"'
    header, example = list(csv.reader(io.StringIO(r.content.decode())))
    assert header[:4] == ["customer_name", "website", "country", "contact_name"] and "expected_close_date" in header
    client.force_login(world.a_sales)
    r = client.post(URL, {"file": SimpleUploadedFile("t.csv", r.content, content_type="text/csv")})
    assert r.status_code == 200 and "Imported 1 registration" in r.content.decode()
    assert DealRegistration.objects.get().source == DealSource.CSV


def test_success_shows_counts_by_outcome(client, world):
    client.force_login(world.a_sales)
    r = client.post(URL, {"file": _csv([HEADER,
                                        ["Northwind", "northwind.example", "US", "Dana", "1000", CLOSE, "new_logo"],
                                        ["Contoso", "contoso.example", "DE", "Kim", "2000", CLOSE, "New Business"],
                                        ["Northwind Inc", "northwind.example", "US", "Dana", "3000", CLOSE, "new_logo"]])})
    body = r.content.decode()
    assert r.status_code == 200 and "Imported 3 registrations" in body
    assert r.context["counts"] == {"Approved": 2, "Declined": 1}
    assert "2 approved · 1 declined" in body


def test_every_bad_row_and_column_is_listed_and_nothing_is_imported(client, world):
    client.force_login(world.a_sales)
    r = client.post(URL, {"file": _csv([HEADER,
                                        ["Northwind", "northwind.example", "Atlantis", "Dana", "1000", CLOSE, "new_logo"],
                                        ["Contoso", "contoso.example", "DE", "Kim", "ten", CLOSE, "new_logo"],
                                        ["Fabrikam", "fabrikam.example", "DE", "Lee", "10", "31/12/2030", "new_logo"]])})
    assert r.status_code == 400 and not DealRegistration.objects.exists()
    problems = r.context["problems"]
    assert len(problems) == 3
    assert problems[0].startswith("row 2, column 'country'") and problems[1].startswith("row 3, column 'amount'")
    assert problems[2].startswith("row 4, column 'expected_close_date'")
    body = r.content.decode()
    assert "Nothing was imported" in body and all(p.replace("'", "&#x27;") in body for p in problems)


def test_missing_columns_and_missing_file_are_named(client, world):
    client.force_login(world.a_sales)
    r = client.post(URL, {"file": _csv([["company"], ["Northwind"]])})
    assert r.status_code == 400 and any("missing column 'country'" in p for p in r.context["problems"])
    r = client.post(URL, {})
    assert r.status_code == 400 and "file" in r.context["form"].errors


def test_marketing_cannot_import_and_vendors_get_404(client, world):
    client.force_login(world.a_marketing)
    assert "not register new ones" in client.get(URL).content.decode()
    assert client.post(URL, {"file": _csv([HEADER])}).status_code == 403
    client.force_login(world.cam)
    assert client.get(URL).status_code == 404
