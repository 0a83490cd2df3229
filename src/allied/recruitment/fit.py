"""Ideal-partner-profile fit score: 0–100 with one line of explanation per criterion."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Criterion:
    name: str
    weight: int
    points: float
    reason: str


def _overlap(wanted: list[str], got: list[str]) -> tuple[float, list[str]]:
    if not wanted:
        return 1.0, []
    hits = [w for w in wanted if w in set(got)]
    return min(1.0, len(hits) / min(len(wanted), 3)), hits


def fit_score(profile, app: dict) -> tuple[int, list[dict]]:
    """Score an application (dict of its fields) against an IdealPartnerProfile."""
    rows: list[Criterion] = []

    w = profile.weight_partner_type
    if not profile.target_partner_types or app["partner_type"] in profile.target_partner_types:
        rows.append(Criterion("Partner type", w, w, f"{app['partner_type']} is a type the program recruits"))
    else:
        rows.append(Criterion("Partner type", w, 0, f"{app['partner_type']} is not a target type"))

    w = profile.weight_region
    served = set([app["region"], *app.get("regions_served", [])])
    if not profile.target_regions or served & set(profile.target_regions):
        rows.append(Criterion("Region", w, w, "Covers a target region"))
    else:
        rows.append(Criterion("Region", w, 0, f"Outside target regions ({', '.join(profile.target_regions)})"))

    for name, weight, wanted, got in (
        ("Specialties", profile.weight_specialties, profile.target_specialties, app.get("specialties", [])),
        ("Industries", profile.weight_industries, profile.target_industries, app.get("industries", [])),
        ("Customer segments", profile.weight_segments, profile.target_segments, app.get("customer_segments", [])),
    ):
        share, hits = _overlap(wanted, got)
        reason = f"Matches {', '.join(hits)}" if hits else ("Any is fine" if not wanted else "No target match")
        rows.append(Criterion(name, weight, round(weight * share, 1), reason))

    w = profile.weight_team_size
    size = app.get("team_size") or 0
    share = min(1.0, size / profile.min_team_size) if profile.min_team_size else 1.0
    rows.append(Criterion("Team size", w, round(w * share, 1), f"{size} people (target {profile.min_team_size}+)"))

    total_weight = sum(r.weight for r in rows) or 1
    score = round(100 * sum(r.points for r in rows) / total_weight)
    return score, [{"criterion": r.name, "weight": r.weight, "points": r.points, "reason": r.reason} for r in rows]
