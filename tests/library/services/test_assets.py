import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from allied.core.errors import Conflict, DomainError, PermissionDenied
from allied.core.models import AuditEvent
from allied.library import services
from allied.library.models import AssetStatus, Tag
from tests.library.factories import PDF, asset, pdf_upload

pytestmark = pytest.mark.django_db


def test_create_normalises_tags_and_sets_audience(world):
    a = services.asset_create(actor=world.pmm, data={"title": " Gold battlecard ", "kind": "battlecard",
                                                     "tags": ["Competitive", " competitive ", "#EMEA  Sales"],
                                                     "partner_types": ["reseller"], "tiers": ["gold"]})
    assert a.title == "Gold battlecard" and a.status == AssetStatus.DRAFT
    assert sorted(t.name for t in a.tags.all()) == ["competitive", "emea sales"]
    assert [t.code for t in a.partner_types.all()] == ["reseller"]
    assert [t.name for t in a.tiers.all()] == ["Gold"]
    ev = AuditEvent.objects.get(action="library_asset.created", object_id=a.public_id)
    assert ev.after["tiers"] == ["Gold"] and ev.actor == world.pmm


@pytest.mark.parametrize(("data", "field"), [
    ({"title": ""}, "title"),
    ({"title": "x", "kind": "poster"}, "kind"),
    ({"title": "x", "partner_types": ["spaceship"]}, "partner_types"),
    ({"title": "x", "tiers": ["Diamond"]}, "tiers"),
    ({"title": "x", "tags": ["x" * 41]}, "tags"),
    ({"title": "x", "tags": [f"t{i}" for i in range(21)]}, "tags"),
    ({"title": "x", "colour": "red"}, "colour"),
])
def test_create_names_the_field_at_fault(world, data, field):
    with pytest.raises(DomainError) as exc:
        services.asset_create(actor=world.pmm, data=data)
    assert exc.value.field == field


@pytest.mark.parametrize("role", ["cam", "finance", "a_admin"])
def test_only_library_managers_write(world, role):
    with pytest.raises(PermissionDenied):
        services.asset_create(actor=getattr(world, role), data={"title": "Nope"})


def test_update_changes_only_given_keys_and_audits_the_difference(world):
    a = asset(world.pmm, tags=["security"], partner_types=["reseller"])
    services.asset_update(actor=world.admin, asset=a, data={"tags": "security, zero trust", "partner_types": []})
    a.refresh_from_db()
    assert sorted(t.name for t in a.tags.all()) == ["security", "zero trust"]
    assert a.partner_types.count() == 0 and a.title == "Competitive battlecard"
    ev = AuditEvent.objects.get(action="library_asset.updated")
    assert set(ev.after) == {"tags", "partner_types"}
    assert Tag.objects.filter(name="security").count() == 1


def test_versions_number_up_and_the_newest_is_current(world):
    a = asset(world.pmm)
    v2 = services.version_add(actor=world.pmm, asset=a, upload=pdf_upload("v2.pdf"), notes="New pricing")
    a.refresh_from_db()
    assert v2.number == 2 and a.current_version == v2
    assert v2.file.name.startswith("library/") and v2.file.name.endswith(".pdf") and "v2" not in v2.file.name
    assert v2.original_name == "v2.pdf" and v2.size == len(PDF) and len(v2.sha256) == 64
    assert list(a.versions.values_list("number", flat=True)) == [2, 1]
    assert AuditEvent.objects.filter(action="library_asset.version_added", object_id=a.public_id).count() == 2


def test_a_video_version_keeps_the_link(world):
    a = asset(world.pmm, kind="video", video_url="https://videos.example/demo")
    assert a.current_version.is_video and a.current_version.video_url == "https://videos.example/demo"


@pytest.mark.parametrize(("kwargs", "field"), [
    ({}, "file"),
    ({"upload": "both", "video_url": "https://v.example/x"}, "file"),
    ({"video_url": "javascript:alert(1)"}, "video_url"),
    ({"upload": SimpleUploadedFile("deck.pdf", b"MZ\x90\x00 not a pdf")}, "file"),
    ({"upload": SimpleUploadedFile("tool.exe", b"MZ")}, "file"),
    ({"upload": SimpleUploadedFile("empty.pdf", b"")}, "file"),
    ({"upload": SimpleUploadedFile("noext", PDF)}, "file"),
])
def test_bad_versions_are_refused_naming_the_field(world, kwargs, field):
    a = asset(world.pmm, publish=False, with_version=False)
    if kwargs.get("upload") == "both":
        kwargs["upload"] = pdf_upload()
    with pytest.raises(DomainError) as exc:
        services.version_add(actor=world.pmm, asset=a, **kwargs)
    assert exc.value.field == field
    assert a.versions.count() == 0


def test_size_cap(world, settings):
    settings.ALLIED_LIBRARY_MAX_BYTES = 50
    a = asset(world.pmm, publish=False, with_version=False)
    with pytest.raises(DomainError, match="at most") as exc:
        services.version_add(actor=world.pmm, asset=a, upload=pdf_upload())
    assert exc.value.field == "file"


def test_office_files_are_checked_by_content(world):
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("ppt/presentation.xml", "<p/>")
    a = asset(world.pmm, publish=False, with_version=False)
    v = services.version_add(actor=world.pmm, asset=a, upload=SimpleUploadedFile("deck.pptx", buf.getvalue()))
    assert v.content_type.endswith("presentationml.presentation")
    with pytest.raises(DomainError):  # a spreadsheet package renamed to .docx
        services.version_add(actor=world.pmm, asset=a, upload=SimpleUploadedFile("deck.docx", buf.getvalue()))


def test_publish_needs_a_version_and_retire_hides(world):
    a = asset(world.pmm, publish=False, with_version=False)
    with pytest.raises(Conflict):
        services.asset_publish(actor=world.pmm, asset=a)
    services.version_add(actor=world.pmm, asset=a, upload=pdf_upload())
    a = services.asset_publish(actor=world.pmm, asset=a)
    assert a.status == AssetStatus.PUBLISHED and a.published_at
    with pytest.raises(Conflict):
        services.asset_publish(actor=world.pmm, asset=a)
    a = services.asset_retire(actor=world.pmm, asset=a)
    assert a.status == AssetStatus.RETIRED
    with pytest.raises(Conflict):
        services.version_add(actor=world.pmm, asset=a, upload=pdf_upload())
    assert services.asset_publish(actor=world.pmm, asset=a).status == AssetStatus.PUBLISHED
    actions = list(AuditEvent.objects.filter(object_id=a.public_id).values_list("action", flat=True).order_by("id"))
    assert actions[-3:] == ["library_asset.published", "library_asset.retired", "library_asset.published"]
