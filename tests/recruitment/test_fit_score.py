"""recruitment/fit.py::fit_score (pure: profile objects are never saved)."""

from allied.recruitment.fit import fit_score
from allied.recruitment.models import IdealPartnerProfile

APP = {
    "partner_type": "reseller", "region": "emea", "regions_served": ["emea"],
    "specialties": ["security", "cloud migration", "devops"], "industries": ["healthcare"],
    "customer_segments": ["enterprise"], "team_size": 20,
}


def profile(**kw) -> IdealPartnerProfile:
    base = dict(target_partner_types=["reseller"], target_regions=["emea"], target_specialties=["security"],
                target_industries=["healthcare"], target_segments=["enterprise"], min_team_size=10)
    base.update(kw)
    return IdealPartnerProfile(**base)


def test_perfect_match_scores_100_with_one_row_per_criterion():
    score, rows = fit_score(profile(), APP)
    assert score == 100
    assert [r["criterion"] for r in rows] == ["Partner type", "Region", "Specialties", "Industries", "Customer segments", "Team size"]
    assert all(r["points"] == r["weight"] for r in rows)
    assert rows[2]["reason"] == "Matches security"
    assert rows[5]["reason"] == "20 people (target 10+)"


def test_nothing_matching_scores_zero():
    app = {**APP, "partner_type": "oem", "region": "apac", "regions_served": [], "specialties": [], "industries": [],
           "customer_segments": [], "team_size": 0}
    score, rows = fit_score(profile(), app)
    assert score == 0
    assert rows[0]["reason"] == "oem is not a target type"
    assert rows[1]["reason"] == "Outside target regions (emea)"
    assert rows[2]["reason"] == "No target match"


def test_empty_profile_accepts_anything():
    score, rows = fit_score(profile(target_partner_types=[], target_regions=[], target_specialties=[],
                                    target_industries=[], target_segments=[], min_team_size=0), {**APP, "team_size": None})
    assert score == 100
    assert rows[2]["reason"] == "Any is fine"


def test_served_region_counts_even_when_home_region_does_not():
    score, rows = fit_score(profile(target_regions=["na"]), {**APP, "regions_served": ["emea", "na"]})
    assert rows[1]["points"] == rows[1]["weight"]


def test_partial_overlap_gives_partial_points():
    # five wanted specialties: three hits are enough for full points, one hit is a third
    wanted = ["security", "devops", "ai/ml", "networking", "identity"]
    _, rows = fit_score(profile(target_specialties=wanted), {**APP, "specialties": ["security"]})
    assert rows[2]["points"] == round(25 / 3, 1)
    _, rows = fit_score(profile(target_specialties=wanted), {**APP, "specialties": ["security", "devops", "identity"]})
    assert rows[2]["points"] == 25


def test_small_team_scales_points():
    _, rows = fit_score(profile(min_team_size=40), {**APP, "team_size": 10})
    assert rows[5]["points"] == round(15 * 10 / 40, 1)
    assert rows[5]["reason"] == "10 people (target 40+)"


def test_all_weights_zero_does_not_divide_by_zero():
    score, _ = fit_score(profile(weight_partner_type=0, weight_region=0, weight_specialties=0, weight_industries=0,
                                 weight_segments=0, weight_team_size=0), APP)
    assert score == 0


def test_score_always_between_0_and_100():
    huge = {**APP, "team_size": 10_000, "specialties": ["security"] * 50}
    for p in (profile(), profile(weight_team_size=100, min_team_size=1), profile(target_specialties=["x"])):
        score, _ = fit_score(p, huge)
        assert 0 <= score <= 100 and isinstance(score, int)
