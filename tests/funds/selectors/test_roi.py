"""MDF ROI: leads tagged with the request's id, the pipeline and won revenue of the deals they became."""

from decimal import Decimal

import pytest

from allied.deals.services import deal_close, deal_register
from allied.funds import services
from allied.funds.selectors import period_roi, request_roi
from allied.leads.models import Lead
from allied.leads.services import lead_create
from tests.factories import deal_data, lead_data
from tests.funds.factories import approved_request, pdf_upload

pytestmark = pytest.mark.django_db
D = Decimal


def test_request_roi(world):
    req = approved_request(world, "2000")
    claim = services.claim_create(actor=world.a_marketing, request=req, spent="2000", proofs=[("invoice", pdf_upload())])
    services.claim_approve(actor=world.pmm, claim=claim)
    leads = [lead_create(actor=world.admin, data=lead_data(company_name=f"Co {i}", website=f"co{i}.example",
                                                           contact_email=f"x@co{i}.example", campaign=req.public_id), route=False)
             for i in range(3)]
    lead_create(actor=world.admin, data=lead_data(company_name="Other", website="other.example", contact_email="o@other.example"),
                route=False)
    assert leads[0].campaign == req.public_id
    won = deal_register(actor=world.a_sales, data=deal_data(customer_name="Won Co", website="https://won.example", amount="30000"))
    deal_close(actor=world.a_sales, deal=won, won=True, amount="25000")
    open_deal = deal_register(actor=world.a_sales, data=deal_data(customer_name="Open Co", website="https://open.example", amount="10000"))
    Lead.objects.filter(pk=leads[0].pk).update(deal=won)
    Lead.objects.filter(pk=leads[1].pk).update(deal=open_deal)
    roi = request_roi(req)
    assert roi["leads"] == 3 and roi["deals"] == 2 and roi["funded"] == D("2000.00") and roi["spent"] == D("2000.00")
    assert roi["pipeline"] == D("40000") and roi["won"] == D("25000")
    assert roi["pipeline_per_unit"] == D("20.00") and roi["won_per_unit"] == D("12.50") and roi["cost_per_lead"] == D("666.67")
    summary = period_roi(req.period)
    assert summary["total"]["won"] == D("25000") and summary["requests"][0]["request"] == req


def test_roi_without_claims_has_no_ratios(world):
    req = approved_request(world, "100")
    roi = request_roi(req)
    assert roi["leads"] == 0 and roi["funded"] == 0 and roi["pipeline_per_unit"] is None and roi["cost_per_lead"] is None
