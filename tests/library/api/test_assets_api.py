import pytest

from allied.library.models import AssetEvent
from tests.library.factories import PDF, asset, pdf_upload

pytestmark = pytest.mark.django_db
API = "/api/v1/library"


def test_manager_creates_uploads_publishes_and_partner_downloads(world, api_client, client):
    pmm = api_client.as_user(world.pmm)
    r = pmm.post(f"{API}/assets", {"title": "SI playbook", "kind": "deck", "tags": ["Playbook"], "partner_types": ["si"]})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["id"].startswith("ast_") and body["tags"] == ["playbook"] and body["current_version"] is None
    aid = body["id"]
    r = client.post(f"{API}/assets/{aid}/versions", {"file": pdf_upload("playbook.pdf"), "notes": "First cut"}, **pmm.headers)
    assert r.status_code == 201, r.content
    assert r.json()["number"] == 1 and r.json()["file_name"] == "playbook.pdf"
    assert pmm.post(f"{API}/assets/{aid}/publish").json()["status"] == "published"

    b = api_client.as_user(world.b_sales)
    items = b.get(f"{API}/assets?q=playbook").json()["items"]
    assert [i["id"] for i in items] == [aid]
    r = b.get(f"{API}/assets/{aid}/download")
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    assert r["Content-Disposition"].startswith('attachment; filename="playbook.pdf"')
    assert AssetEvent.objects.get().partner == world.partner_b

    a = api_client.as_user(world.a_sales)
    assert a.get(f"{API}/assets").json()["items"] == []
    assert a.get(f"{API}/assets/{aid}").status_code == 404
    assert a.get(f"{API}/assets/{aid}/download").status_code == 404


def test_errors_name_the_field(world, api_client):
    pmm = api_client.as_user(world.pmm)
    r = pmm.post(f"{API}/assets", {"title": "x", "tiers": ["Diamond"]})
    assert r.status_code == 400 and r.json()["error"]["fields"][0]["field"] == "tiers"
    a = asset(world.pmm, publish=False, with_version=False)
    r = pmm.post(f"{API}/assets/{a.public_id}/versions", {})
    assert r.status_code == 400 and r.json()["error"]["fields"][0]["field"] == "file"
    assert pmm.get(f"{API}/assets?status=gone").status_code == 400


def test_writes_need_library_manage(world, api_client):
    a = asset(world.pmm)
    for role in ("cam", "finance"):
        c = api_client.as_user(getattr(world, role))
        assert c.patch(f"{API}/assets/{a.public_id}", {"title": "x"}).status_code == 403
        assert c.post(f"{API}/assets/{a.public_id}/retire").status_code == 403
    assert api_client.as_user(world.a_admin).post(f"{API}/assets", {"title": "x"}).status_code == 403


def test_vendor_history_and_old_version_download(world, api_client):
    a = asset(world.pmm)
    v1 = a.current_version.public_id
    from allied.library import services
    services.version_add(actor=world.pmm, asset=a, upload=pdf_upload("v2.pdf"))
    pmm = api_client.as_user(world.pmm)
    assert [v["number"] for v in pmm.get(f"{API}/assets/{a.public_id}").json()["versions"]] == [2, 1]
    assert pmm.get(f"{API}/assets/{a.public_id}/download?version={v1}").status_code == 200
    partner = api_client.as_user(world.a_sales)
    assert [v["number"] for v in partner.get(f"{API}/assets/{a.public_id}").json()["versions"]] == [2]
    assert partner.get(f"{API}/assets/{a.public_id}/download?version={v1}").status_code == 404
    assert AssetEvent.objects.count() == 0  # neither the vendor's downloads nor the refused one count


def test_engagement_reads_are_the_vendors(world, api_client):
    a = asset(world.pmm)
    api_client.as_user(world.b_sales).get(f"{API}/assets/{a.public_id}/download")
    api_client.as_user(world.a_admin).get(f"{API}/assets/{a.public_id}/download")
    cam = api_client.as_user(world.cam)
    rows = cam.get(f"{API}/engagement/partners?days=30").json()
    assert {r["partner"] for r in rows} == {"Alpha Distribution", "Bravo Systems"}
    assert cam.get(f"{API}/engagement/assets").json()[0] == {**cam.get(f"{API}/engagement/assets").json()[0], "downloads": 2, "partners": 2}
    assert len(cam.get(f"{API}/assets/{a.public_id}/engagement").json()) == 2
    b = api_client.as_user(world.b_admin)
    for url in (f"{API}/engagement/partners", f"{API}/engagement/assets", f"{API}/assets/{a.public_id}/engagement"):
        r = b.get(url)
        assert r.status_code == 404 and "Alpha" not in r.content.decode()


def test_video_download_answers_with_the_link(world, api_client):
    a = asset(world.pmm, kind="video", video_url="https://videos.example/v")
    r = api_client.as_user(world.a_sales).get(f"{API}/assets/{a.public_id}/download")
    assert r.status_code == 400 and "https://videos.example/v" in r.json()["error"]["message"]
