import csv
import io

import pytest

from allied.core.models import AuditEvent
from allied.library.models import Asset, AssetEvent
from allied.program.models import Tier
from tests.library.factories import PDF, asset, pdf_upload

pytestmark = pytest.mark.django_db


def test_portal_search_asset_page_and_download(world, client):
    a = asset(world.pmm, title="Reseller battlecard", description="Beat the incumbent", tags=["competitive"],
              partner_types=["reseller"])
    asset(world.pmm, title="SI deck", kind="deck", partner_types=["si"])
    client.force_login(world.a1_admin)
    r = client.get("/portal/library/?q=competitive")
    assert r.status_code == 200 and "Reseller battlecard" in r.content.decode() and "SI deck" not in r.content.decode()
    r = client.get(f"/portal/library/{a.public_id}/")
    assert r.status_code == 200 and "Download battlecard.pdf" in r.content.decode()
    client.get(f"/portal/library/{a.public_id}/")  # a reload is not a second view
    r = client.get(f"/portal/library/{a.public_id}/download/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    assert r["Content-Disposition"].startswith("attachment") and r["X-Content-Type-Options"] == "nosniff"
    assert sorted(AssetEvent.objects.values_list("kind", flat=True)) == ["download", "view"]


def test_portal_outside_audience_is_404_and_watch_records_a_view(world, client):
    si = asset(world.pmm, title="SI video", kind="video", video_url="https://videos.example/si", partner_types=["si"])
    client.force_login(world.a_sales)
    assert client.get(f"/portal/library/{si.public_id}/").status_code == 404
    assert client.get(f"/portal/library/{si.public_id}/download/").status_code == 404
    assert client.post(f"/portal/library/{si.public_id}/watch/").status_code == 404
    client.force_login(world.b_sales)
    r = client.post(f"/portal/library/{si.public_id}/watch/")
    assert r.status_code == 302 and r["Location"] == "https://videos.example/si"
    assert AssetEvent.objects.filter(kind="view", partner=world.partner_b).count() == 1


def test_console_create_with_file_and_publish(world, client):
    client.force_login(world.pmm)
    gold = Tier.objects.get(name="Gold")
    r = client.post("/console/library/new/", {"title": "Gold battlecard", "kind": "battlecard", "tags": "competitive, gold",
                                               "partner_types": ["reseller"], "tiers": [gold.name], "file": pdf_upload(),
                                               "notes": "v1", "publish": "on"})
    assert r.status_code == 302, r.content.decode()[:2000]
    a = Asset.objects.get()
    assert a.status == "published" and a.current_version.number == 1
    r = client.get(r["Location"])
    assert r.status_code == 200 and "Gold battlecard" in r.content.decode()
    r = client.post(f"/console/library/{a.public_id}/", {"action": "version", "file": pdf_upload("v2.pdf"), "notes": "New"})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.current_version.number == 2
    r = client.post(f"/console/library/{a.public_id}/", {"action": "retire"})
    assert r.status_code == 302 and Asset.objects.get().status == "retired"


def test_console_form_errors_stay_on_the_page(world, client):
    client.force_login(world.pmm)
    r = client.post("/console/library/new/", {"title": "Bad", "kind": "deck", "file": pdf_upload("x.exe")})
    assert r.status_code == 400 and "Upload a PDF" in r.content.decode()
    assert not Asset.objects.exists()  # nothing half-written
    a = asset(world.pmm)
    r = client.post(f"/console/library/{a.public_id}/", {"action": "version", "video_url": "", "notes": ""})
    assert r.status_code == 400 and "one of the two" in r.content.decode()


def test_console_readers_cannot_act(world, client):
    a = asset(world.pmm)
    client.force_login(world.cam)
    assert client.get("/console/library/").status_code == 200
    assert client.get("/console/library/new/").status_code == 404
    assert client.post(f"/console/library/{a.public_id}/", {"action": "retire"}).status_code == 403
    assert not AuditEvent.objects.filter(action="library_asset.retired").exists()


def test_engagement_table_and_csv_escapes_formulas(world, client):
    a = asset(world.pmm, title="=HYPERLINK(\"x\")")
    world.partner_b.name = "+Bravo"
    world.partner_b.save()
    client.force_login(world.b_sales)
    client.get(f"/portal/library/{a.public_id}/download/")
    client.force_login(world.finance)
    r = client.get(f"/console/library/{a.public_id}/")
    assert "+Bravo" in r.content.decode()
    r = client.get("/console/library/engagement.csv")
    rows = list(csv.reader(io.StringIO(r.content.decode())))
    assert rows[0][:3] == ["asset_id", "asset", "kind"]
    assert rows[1][1] == "'=HYPERLINK(\"x\")" and rows[1][5] == "'+Bravo" and rows[1][7] == "1"
