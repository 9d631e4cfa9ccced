"""The bare "云觅" residency rule, as a detector over the daily presence table.

An analyst reads it as: *a person whose identity number comes from another
province, who has been in the city on more than 30 days, and who was seen within
2 km of a watched venue, den or compound on at least half of those days.* The
thresholds come from the rules file (section ``residency``), never from code.

The rule is the baseline the full suspect detector must beat. So that it can be
ranked (ROC AUC), every out-of-province person gets a score: 1.0 when the rule
fires, otherwise the product of how far they got towards each threshold
(days in the city, share of days near sites), which is always below 1.

Input: the per-person-per-day presence table of ``tianluo.detectors.presence``
(``derived/presence_daily.parquet``): ``person_key``, ``day``, ``in_city`` and,
per site kind *k*, ``min_dist_<k>_m`` (metres, NULL when none within the cap)
and ``nearest_<k>`` (that site's id). Output: the ``suspects`` result shape
(``id_number``, ``score``, ``reasons``). Written in Ibis, so the same expression
runs on DuckDB and on Spark.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from tianluo.rules.models import ResidencyRule

ID_NUMBER_PATTERN = r"^[0-9]{17}[0-9X]$"
NEAREST_SITES_CITED = 3
_SHARE_TOLERANCE = 1e-9  # 16 of 32 days is exactly half, whatever the float rounding


def residency_rule(presence: ir.Table, rule: ResidencyRule) -> ir.Table:
    """Score every out-of-province person by the 云觅 rule, in the ``suspects`` shape."""
    profile = residency_profile(presence, rule)
    return profile.select("id_number", "score", "reasons")


def residency_profile(presence: ir.Table, rule: ResidencyRule) -> ir.Table:
    """One row per out-of-province person: days in the city, days near sites, verdict, evidence.

    Columns: ``id_number``, ``province_code``, ``days_in_city``, ``days_near_sites``,
    ``share_near_sites``, ``fires``, ``score``, ``reasons``.
    """
    _check_columns(presence, rule)
    days = _daily_nearness(_out_of_province(presence, rule), rule)
    per_person = days.group_by("person_key").aggregate(
        days_in_city=days.day.nunique(where=days.in_city),
        days_near_sites=days.day.nunique(where=days.near),
    )
    scored = _score(per_person, rule)
    cited = _nearest_sites_cited(days)
    joined = scored.left_join(cited, scored.person_key == cited.person_key)
    return joined.select(
        id_number=joined.person_key,
        province_code=joined.person_key.substr(0, 2),
        days_in_city=joined.days_in_city,
        days_near_sites=joined.days_near_sites,
        share_near_sites=joined.share_near_sites,
        fires=joined.fires,
        score=joined.score,
        reasons=_reasons(joined, rule),
    )


def _check_columns(presence: ir.Table, rule: ResidencyRule) -> None:
    needed = ["person_key", "day", "in_city"]
    for kind in rule.site_kinds:
        needed += [f"min_dist_{kind}_m", f"nearest_{kind}"]
    missing = [name for name in needed if name not in presence.columns]
    if missing:
        names = ", ".join(missing)
        raise ValueError(f"presence table lacks column(s) {names} for the residency rule")


def _out_of_province(presence: ir.Table, rule: ResidencyRule) -> ir.Table:
    """Keep persons named by an 18-character identity number from another province."""
    key = presence.person_key
    return presence.filter(
        key.notnull(),
        key.length() == 18,
        key.re_search(ID_NUMBER_PATTERN),
        key.substr(0, 2) != rule.local_province_code,
    )


def _daily_nearness(presence: ir.Table, rule: ResidencyRule) -> ir.Table:
    """Per person and day: in the city, near a listed site, and which listed site was nearest."""
    dists = [presence[f"min_dist_{kind}_m"].cast("float64") for kind in rule.site_kinds]
    nearest_m = dists[0] if len(dists) == 1 else ibis.least(*dists)
    in_city = presence.in_city.fill_null(False)
    near = in_city & nearest_m.notnull() & (nearest_m <= rule.near_site_radius_m)
    by_kind = list(zip(rule.site_kinds, dists, strict=True))
    site = ibis.cases(
        *((d == nearest_m, presence[f"nearest_{k}"].cast("string")) for k, d in by_kind),
        else_=ibis.null("string"),
    )
    site_kind = ibis.cases(
        *((dist == nearest_m, ibis.literal(kind)) for kind, dist in by_kind),
        else_=ibis.null("string"),
    )
    return presence.select(
        "person_key",
        "day",
        in_city=in_city,
        near=near,
        site=site,
        site_kind=site_kind,
    )


def _score(per_person: ir.Table, rule: ResidencyRule) -> ir.Table:
    """The rule's verdict, and a graded score below 1 for those it does not flag."""
    days_in = per_person.days_in_city.cast("int64")
    days_near = per_person.days_near_sites.cast("int64")
    share = ibis.ifelse(days_in > 0, days_near.cast("float64") / days_in.cast("float64"), 0.0)
    towards_days = ibis.least(days_in.cast("float64") / float(rule.in_city_days_more_than + 1), 1.0)
    towards_share = ibis.least(share / rule.near_site_min_share_of_days, 1.0)
    fires = (days_in > rule.in_city_days_more_than) & (
        share >= rule.near_site_min_share_of_days - _SHARE_TOLERANCE
    )
    return per_person.select(
        "person_key",
        days_in_city=days_in,
        days_near_sites=days_near,
        share_near_sites=share,
        fires=fires,
        score=ibis.ifelse(fires, 1.0, towards_days * towards_share),
    )


def _nearest_sites_cited(days: ir.Table) -> ir.Table:
    """Per person, the (up to three) listed sites they were nearest to on the most days."""
    near = days.filter(days.near, days.site.notnull())
    counts = near.group_by("person_key", "site", "site_kind").aggregate(n_days=near.day.nunique())
    rank = ibis.row_number().over(
        group_by=counts.person_key, order_by=[ibis.desc(counts.n_days), counts.site]
    )
    ranked = counts.mutate(rank=rank)
    top = ranked.filter(ranked.rank < NEAREST_SITES_CITED)
    label = top.site + " (" + top.site_kind + ", " + top.n_days.cast("string") + " days)"
    top = top.mutate(label=label)
    slots = {f"site_{i}": top.label.max(where=top.rank == i) for i in range(NEAREST_SITES_CITED)}
    return top.group_by("person_key").aggregate(**slots)


def _reasons(t: ir.Table, rule: ResidencyRule) -> ir.StringValue:
    """The analyst's one-line explanation: which rule, how many days, which sites."""
    percent = (t.share_near_sites * 100).round(0).cast("int64").cast("string")
    days_in = t.days_in_city.cast("string")
    days_near = t.days_near_sites.cast("string")
    kinds = "/".join(rule.site_kinds)
    radius = f"{rule.near_site_radius_km:g} km"
    need_days = str(rule.in_city_days_more_than)
    need_share = f"{rule.near_site_min_share_of_days * 100:g}%"
    province = "identity number from province " + t.person_key.substr(0, 2)
    facts = (
        province
        + "; in the city on "
        + days_in
        + " days (rule: more than "
        + need_days
        + "); within "
        + radius
        + " of a watched "
        + kinds
        + " on "
        + days_near
        + " of them ("
        + percent
        + "%, rule: at least "
        + need_share
        + ")"
    )
    sites = ibis.cases(
        (t.site_0.isnull(), ibis.literal("")),
        (t.site_1.isnull(), "; nearest site: " + t.site_0),
        (t.site_2.isnull(), "; nearest sites: " + t.site_0 + ", " + t.site_1),
        else_="; nearest sites: " + t.site_0 + ", " + t.site_1 + ", " + t.site_2,
    )
    verdict = ibis.ifelse(t.fires, "云觅 residency rule fired: ", "云觅 residency rule not met: ")
    return verdict + facts + sites
