"""Private mapping over the API, driven by the partner's real client code (allied.cli.private.run) and by hand.

The partner's list never reaches the server: the client sends blinded points only. Ordered ("overlaps")
sessions tell the partner which of its accounts overlap; counts-only sessions only how many, and answer
only once the whole list is in.
"""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from allied.cli.private import Refused, run
from allied.core.models import AuditEvent
from allied.mapping.models import (
    MappedAccount,
    PopulationKind,
    PrivateMapping,
    PrivateMappingChunk,
    PsiStatus,
    ShareLevel,
)
from allied.matching import Record
from allied.psi import POINT_BYTES, PsiClient, account_keys, decode_points, encode_points
from allied.psi.group import split_points
from tests.api_helpers import API, error_fields
from tests.mapping.factories import account, activate, default_population, share

pytestmark = pytest.mark.urls("tests.mapping.private_urls")
S = f"{API}/mapping/private-sessions"

PARTNER_FILE = [Record("P-1", "ACME Corp.", "https://www.acme.example", "US"),  # same domain as the vendor's Acme
                Record("P-2", "Globex", "", "US"),  # same name and country as the vendor's Globex Corporation
                Record("P-3", "Initech Software", "", "US"),  # a fuzzy variant: private mode does not match it
                Record("P-4", "Hooli", "hooli.example", "US")]  # the partner's own


class Client:
    """``allied.cli.private.Api`` over Django's test client."""

    def __init__(self, api_client, user):
        self.http = api_client.as_user(user)

    def call(self, method, path, body=None):
        url = f"{API}{path}"
        resp = self.http.get(url) if method == "GET" else self.http.post(url, body)
        if resp.status_code >= 400:
            raise Refused(f"{resp.status_code}: {resp.json()['error']['message']}")
        return resp.json()


@pytest.fixture
def vendor(world):
    activate(world, world.partner_a)
    accounts = {"acme": account(None, "Acme Inc", "acme.example", status="customer"),
                "globex": account(None, "Globex Corporation", "", status="customer"),
                "initech": account(None, "Initech", "", status="customer"),
                "umbrella": account(None, "Umbrella Corp", "umbrella.example", status="customer"),
                "prospect": account(None, "Hooli", "hooli.example", status="prospect")}  # in another population
    return accounts


def customers(world, level):
    population = default_population(None, PopulationKind.CUSTOMERS)
    share(world, world.partner_a, population, level)
    return population


def test_overlaps_session_tells_the_partner_which_accounts_and_reveals_to_the_vendor(world, api_client, vendor, tmp_path, capsys):
    population = customers(world, ShareLevel.OVERLAPS)
    out = tmp_path / "overlap.csv"
    assert run(Client(api_client, world.a_admin), PARTNER_FILE, population=population.public_id, reveal=True, out=out,
               processes=1, show_progress=False) == 0

    printed = capsys.readouterr().out
    assert "2 of the vendor's 4 accounts in Customers overlap with your 4 accounts" in printed
    assert "2 of your accounts overlap." in printed
    assert [line.split(",")[0] for line in out.read_text().splitlines()] == ["id", "P-1", "P-2"]

    mapping = PrivateMapping.objects.get()
    assert (mapping.status, mapping.secret, mapping.overlap_count, mapping.ordered) == (PsiStatus.DONE, None, 2, True)
    assert mapping.partner_count == 6  # keys: a domain and a name for P-1 and P-4, a name for P-2 and P-3
    assert sorted(mapping.vendor_overlap) == sorted([vendor["acme"].public_id, vendor["globex"].public_id])
    event = AuditEvent.objects.get(action="mapping.private_done")
    assert event.after["overlap_count"] == 2 and event.partner_id == world.partner_a.pk
    # the vendor sees which of its accounts; the partner sees the count, never the vendor's ids
    vendor_view = api_client.as_user(world.cam).get(f"{S}/{mapping.public_id}").json()
    assert sorted(vendor_view["vendor_overlap"]) == sorted(mapping.vendor_overlap) and vendor_view["overlap_count"] == 2
    partner_view = api_client.as_user(world.a_sales).get(f"{S}/{mapping.public_id}").json()
    assert partner_view["vendor_overlap"] == [] and partner_view["overlap_count"] == 2 and partner_view["mode"] == "overlaps"
    # the pages show the session: the CAM sees how many of our accounts were revealed, the partner its count
    from django.test import Client as PageClient

    pages = PageClient()
    pages.force_login(world.cam)
    html = pages.get(f"/console/cosell/{world.partner_a.public_id}/").content.decode()
    assert 'data-testid="console-private-sessions"' in html and "Customers" in html
    pages.force_login(world.a_admin)
    html = pages.get("/portal/cosell/private/").content.decode()
    assert 'data-testid="private-sessions"' in html and population.public_id in html


def test_counts_session_gives_only_the_count_and_writes_no_rows(world, api_client, vendor, tmp_path, capsys):
    population = customers(world, ShareLevel.COUNTS)
    out = tmp_path / "overlap.csv"
    assert run(Client(api_client, world.a_admin), PARTNER_FILE, population=population.public_id, out=out, processes=1,
               show_progress=False) == 0
    printed = capsys.readouterr().out
    assert "2 of the vendor's 4 accounts in Customers overlap" in printed
    assert "counts only: no accounts were written" in printed and "of your accounts overlap" not in printed
    assert not out.exists()
    mapping = PrivateMapping.objects.get()
    assert (mapping.ordered, mapping.overlap_count, mapping.vendor_overlap, mapping.status) == (False, 2, [], PsiStatus.DONE)
    assert not PrivateMappingChunk.objects.exists()  # held points erased with the secret


def _start(api_client, user, population, reveal=False):
    return api_client.as_user(user).post(S, {"vendor_population": population.public_id, "reveal_to_vendor": reveal})


def test_counts_session_answers_nothing_until_the_whole_list_is_in_then_sorted(world, api_client, vendor):
    population = customers(world, ShareLevel.COUNTS)
    http = api_client.as_user(world.a_admin)
    sid = http.post(S, {"vendor_population": population.public_id}).json()["id"]
    client = PsiClient([account_keys(name=f"Company {i}", country="US") for i in range(30)] + [account_keys(name="Acme Inc")],
                       processes=1)
    mine = client.request()
    first = http.post(f"{S}/{sid}/exchange", {"offset": 0, "points": encode_points(mine[:10 * POINT_BYTES])})
    assert first.status_code == 200 and first.json() == {"received": 10, "final": False, "points": ""}
    early = http.get(f"{S}/{sid}/answer")
    assert early.status_code == 409 and "last batch" in early.json()["error"]["message"]
    skipped = http.post(f"{S}/{sid}/exchange", {"offset": 20, "points": encode_points(mine[20 * POINT_BYTES:])})
    assert skipped.status_code == 409 and "starting at point 10" in skipped.json()["error"]["message"]
    last = http.post(f"{S}/{sid}/exchange", {"offset": 10, "points": encode_points(mine[10 * POINT_BYTES:]), "final": True})
    assert last.json() == {"received": 31, "final": True, "points": ""}
    answer = decode_points(http.get(f"{S}/{sid}/answer?offset=0&limit=100").json()["points"])
    points = [answer[i:i + POINT_BYTES] for i in range(0, len(answer), POINT_BYTES)]
    assert len(points) == 31 and points == sorted(points)
    page = http.get(f"{S}/{sid}/answer?offset=5&limit=3").json()
    assert decode_points(page["points"]) == b"".join(points[5:8]) and page["total"] == 31


def test_hidden_population_inactive_partnership_and_roles_are_refused(world, api_client, vendor):
    population = default_population(None, PopulationKind.CUSTOMERS)  # hidden: not shared
    assert _start(api_client, world.a_admin, population).status_code == 404
    missing = api_client.as_user(world.a_admin).post(S, {"vendor_population": "pop_0000000000000000"})
    assert missing.status_code == 404 and missing.json() == _start(api_client, world.a_admin, population).json()
    share(world, world.partner_a, population, ShareLevel.COUNTS)
    assert _start(api_client, world.a_sales, population).status_code == 403  # partner.mapping.view only
    assert _start(api_client, world.cam, population).status_code == 403  # the vendor is the server, not a client
    assert _start(api_client, world.b_admin, population).status_code == 403  # B never opted in
    own_population = default_population(world.partner_a, PopulationKind.CUSTOMERS)
    assert _start(api_client, world.a_admin, own_population).status_code == 404  # a partner population is not the vendor's
    assert _start(api_client, world.a_admin, population).status_code == 201


def test_another_partners_session_answers_like_a_missing_one(world, api_client, vendor):
    population = customers(world, ShareLevel.OVERLAPS)
    sid = _start(api_client, world.a_admin, population).json()["id"]
    missing = "psi_0000000000000000"
    for user in (world.b_admin, world.a1_admin):
        http = api_client.as_user(user)
        for path in (f"/{sid}", f"/{sid}/points"):
            own, other = http.get(f"{S}{path}"), http.get(f"{S}{path.replace(sid, missing)}")
            assert (own.status_code, own.json()) == (other.status_code, other.json()) and own.status_code == 404, path
        body = {"offset": 0, "points": encode_points(PsiClient([["k"]]).request()), "final": True}
        assert http.post(f"{S}/{sid}/exchange", body).status_code in (403, 404)
        assert http.get(S).json()["items"] == []
    assert [i["id"] for i in api_client.as_user(world.pmm).get(S).json()["items"]] == [sid]  # mapping.view
    assert api_client.as_user(world.finance).get(S).status_code == 403


def test_invalid_points_are_refused_naming_the_point(world, api_client, vendor):
    population = customers(world, ShareLevel.OVERLAPS)
    http = api_client.as_user(world.a_admin)
    sid = http.post(S, {"vendor_population": population.public_id}).json()["id"]
    good = PsiClient([["a"], ["b"]], processes=1).request()
    bad = http.post(f"{S}/{sid}/exchange", {"offset": 0, "points": encode_points(good + b"\xff" * 32)})
    assert bad.status_code == 400 and error_fields(bad) == ["points"]
    assert "Point 2 of the partner's list is not a valid ristretto255 element" in bad.json()["error"]["message"]
    garbage = http.post(f"{S}/{sid}/exchange", {"offset": 0, "points": "not base64!"})
    assert garbage.status_code == 400 and "base64" in garbage.json()["error"]["message"]
    ragged = http.post(f"{S}/{sid}/exchange", {"offset": 0, "points": encode_points(good[:40])})
    assert ragged.status_code == 400 and "multiple of 32" in ragged.json()["error"]["message"]
    assert PrivateMapping.objects.get().partner_count is None  # nothing was taken


def test_each_session_has_its_own_secret_and_vendor_points(world, api_client, vendor):
    population = customers(world, ShareLevel.OVERLAPS)
    http = api_client.as_user(world.a_admin)
    first, second = (http.post(S, {"vendor_population": population.public_id}).json()["id"] for _ in range(2))
    pages = [http.get(f"{S}/{sid}/points").json() for sid in (first, second)]
    assert pages[0]["accounts"] == pages[1]["accounts"] == 4
    assert pages[0]["points_total"] == 6  # Acme and Umbrella: a domain and a name; Globex and Initech: a name
    first_points, second_points = (set(split_points(decode_points(page["points"]))) for page in pages)
    assert len(first_points) == len(second_points) == 6 and first_points.isdisjoint(second_points)
    secrets = [bytes(m.secret) for m in PrivateMapping.objects.all()]
    assert len(set(secrets)) == 2
    # the whole response never contains a vendor account's name, domain or id
    text = json.dumps(pages)
    assert not any(v in text for v in ("acme", "Acme", vendor["acme"].public_id, "umbrella"))


def test_expired_session_is_closed_and_its_secret_erased(world, api_client, vendor):
    population = customers(world, ShareLevel.OVERLAPS)
    http = api_client.as_user(world.a_admin)
    sid = http.post(S, {"vendor_population": population.public_id}).json()["id"]
    PrivateMapping.objects.filter(public_id=sid).update(expires_at=timezone.now() - timedelta(seconds=1))
    resp = http.get(f"{S}/{sid}/points")
    assert resp.status_code == 409 and "expired" in resp.json()["error"]["message"]
    mapping = PrivateMapping.objects.get(public_id=sid)
    assert (mapping.status, mapping.secret) == (PsiStatus.EXPIRED, None)


def test_lowering_the_sharing_closes_an_ordered_session(world, api_client, vendor):
    population = customers(world, ShareLevel.OVERLAPS)
    http = api_client.as_user(world.a_admin)
    sid = http.post(S, {"vendor_population": population.public_id}).json()["id"]
    share(world, world.partner_a, population, ShareLevel.COUNTS)
    resp = http.post(f"{S}/{sid}/exchange", {"offset": 0, "points": encode_points(PsiClient([["k"]]).request()), "final": True})
    assert resp.status_code == 409 and "sharing changed" in resp.json()["error"]["message"]
    assert PrivateMapping.objects.get(public_id=sid).secret is None


def test_sessions_per_day_are_limited(world, api_client, vendor, settings):
    settings.ALLIED_PSI_SESSIONS_PER_DAY = 2
    population = customers(world, ShareLevel.COUNTS)
    codes = [_start(api_client, world.a_admin, population).status_code for _ in range(3)]
    assert codes == [201, 201, 429]


def test_finish_checks_the_report(world, api_client, vendor):
    population = customers(world, ShareLevel.OVERLAPS)
    http = api_client.as_user(world.a_admin)
    sid = http.post(S, {"vendor_population": population.public_id, "reveal_to_vendor": True}).json()["id"]
    assert http.post(f"{S}/{sid}/finish", {"overlap_count": 0}).status_code == 409  # nothing exchanged yet
    http.post(f"{S}/{sid}/exchange", {"offset": 0, "points": encode_points(PsiClient([["k"]]).request()), "final": True})
    too_many = http.post(f"{S}/{sid}/finish", {"overlap_count": 5, "vendor_positions": [0, 1, 2, 3, 4]})
    assert too_many.status_code == 400 and error_fields(too_many) == ["overlap_count"]
    outside = http.post(f"{S}/{sid}/finish", {"overlap_count": 1, "vendor_positions": [4]})
    assert outside.status_code == 400 and error_fields(outside) == ["vendor_positions"]
    unlisted = http.post(f"{S}/{sid}/finish", {"overlap_count": 1})
    assert unlisted.status_code == 400 and error_fields(unlisted) == ["vendor_positions"]
    done = http.post(f"{S}/{sid}/finish", {"overlap_count": 1, "vendor_positions": [3]})
    assert done.status_code == 200 and done.json()["status"] == "done"
    mapping = PrivateMapping.objects.get(public_id=sid)
    assert len(mapping.vendor_overlap) == 1 and MappedAccount.objects.filter(public_id=mapping.vendor_overlap[0]).exists()
    assert http.post(f"{S}/{sid}/finish", {"overlap_count": 1, "vendor_positions": [3]}).status_code == 409
