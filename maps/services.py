"""The three maps of talent work (DOMAIN.md rule 17, seed 003): their figures and their changes.

Figures are functions of an organization subtree and a year, so the pages, the annual report's
保障全景 sheet and the tests read the same numbers. Each runs a fixed number of queries, whatever the
size of the subtree.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, Substr, Trim
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from activities.models import GroupActivity
from liaison.aggregates import count_of, rows_around
from liaison.models import Appeal, Leader, Term
from maps.models import GrowthRecord, Mentorship, SupportKind, SupportRecord, SupportTally, TalentNeed
from talents.models import Talent, TalentCategory, TalentSubtreeTally

# --- the demand map (人才需求图) ---------------------------------------------------------------------


# The demand map in one statement. The needs are grouped per organization, field and category. What an
# organization has is its subtree's active talents, kept per organization, field and category (0: all of
# them) in talents.TalentSubtreeTally: the needs' fields are matched (the icontains rule) against the
# distinct fields of the scope (its top organization's rows), so LIKE runs some thousand times, not once
# per row and need; then each need group adds up its own organization's rows of the fields it matches.
# Only the map's rows come back. The kept rows are read by matched field from the index
# ``talent_subtree_tally_field`` (on PostgreSQL an array, which the planner probes the index with, where a
# semi-join made it scan the table), of every category: filtering them on the needs' categories cost more
# per row than it saved (the city at the benchmark's scale 1: 24-25 → 21 ms without it and without the
# filter on the needs' organizations, which only a subtree of the tree needs). Counts kept per
# organization alone (talents.TalentTally) had to be rolled up the tree on every view: the city's 9,636
# counts per organization, need and category added to 28,908 rows of its organizations' lines (28.3 ms).
DEMAND_SQL = """WITH needs (n_org, n_field, n_category, n_needed, n_count) AS ({needs}),
matched (m_field, m_need) AS (
    SELECT fields.field, wanted.n_field FROM ({fields}) AS fields JOIN (SELECT DISTINCT n_field FROM needs) AS wanted
    ON fields.field LIKE '%%' || REPLACE(REPLACE(REPLACE(UPPER(wanted.n_field), '\\', '\\\\'), '%%', '\\%%'),
        '_', '\\_') || '%%' ESCAPE '\\'
),
have (h_org, h_need, h_category, h_n) AS (
    SELECT g.organization_id, m.m_need, g.category, SUM(g.talents) FROM ({rows}) AS g
    JOIN matched m ON m.m_field = g.field
    WHERE {in_matched}{in_subtree}
    GROUP BY g.organization_id, m.m_need, g.category
)
SELECT needs.n_field, c.name, c.sort_order, SUM(needs.n_needed), SUM(COALESCE(have.h_n, 0)),
    SUM(CASE WHEN needs.n_needed > COALESCE(have.h_n, 0) THEN needs.n_needed - COALESCE(have.h_n, 0) ELSE 0 END),
    SUM(needs.n_count)
FROM needs LEFT JOIN have ON have.h_org = needs.n_org AND have.h_need = needs.n_field
    AND have.h_category = COALESCE(needs.n_category, 0)
LEFT JOIN {categories} c ON c.id = needs.n_category
GROUP BY needs.n_field, needs.n_category, c.name, c.sort_order"""


def demand_figures(root: Organization, year: int, whole_tree: bool = False) -> list[dict]:
    """Return the demand map's rows by field and category, then a total row: needed, have and gap.

    The rule (DOMAIN.md rule 17): needs of one organization with the same field and category add up.
    What the organization *has* is its subtree's active talents whose field contains the need's field
    (``茶叶`` matches ``茶叶加工``) and, when the need names a category, who hold that category. Its gap
    is ``max(needed - have, 0)``. A parent's row adds up its organizations' needed, have and gaps: a
    surplus in one village does not fill another village's gap. The total row also gives ``needs``, the
    number of needs recorded. One query, however many needs and talents. ``whole_tree``
    (``scoping.is_whole_tree``) leaves out the filters on the needs' and the kept rows' organizations.
    """
    open_needs = TalentNeed.objects.open_in(year).order_by()
    if not whole_tree:
        open_needs = open_needs.in_subtree(root)
    needs = (
        open_needs.annotate(trimmed=Trim("field"))
        .values_list("organization_id", "trimmed", "category_id")
        .annotate(needed=Sum("count"), needs=Count("pk"))
    )
    kept = TalentSubtreeTally.objects.exclude(talents=0).order_by()
    in_matched = "g.field = ANY(ARRAY(SELECT m_field FROM matched))"
    if connection.vendor != "postgresql":
        in_matched = "g.field IN (SELECT m_field FROM matched)"
    in_subtree = "" if whole_tree else " AND g.organization_id IN (SELECT n_org FROM needs)"
    sql = DEMAND_SQL.format(
        needs="{needs}", rows="{rows}", fields="{fields}", in_matched=in_matched, in_subtree=in_subtree,
        categories=connection.ops.quote_name(TalentCategory._meta.db_table),
    )  # fmt: skip
    figures = rows_around(
        kept.values_list("organization_id", "field", "category", "talents"), sql,
        needs=needs, fields=kept.filter(organization=root, category=0).values("field"),
    )  # fmt: skip
    rows = sorted(
        (
            {
                "field": need_field,
                "category": name or "",
                "order": order or 0,
                "needed": int(needed),  # PostgreSQL's SUM is a numeric
                "have": int(had),
                "gap": int(gap),
                "needs": int(n),
            }
            for need_field, name, order, needed, had, gap, n in figures
        ),
        key=lambda r: (r["field"], r["category"] != "", r["order"], r["category"]),
    )
    total = {"field": _("Total"), "category": "", "is_total": True, "needs": sum(r.pop("needs") for r in rows)}
    total.update({k: sum(r[k] for r in rows) for k in ("needed", "have", "gap")})
    return [*rows, total]


def need_save(*, need: TalentNeed, user: User) -> TalentNeed:
    """Save a need recorded from a survey or symposium; the field is stored trimmed so equal ones add up."""
    need.field = need.field.strip()
    if need.created_by_id is None:
        need.created_by = user
    need.full_clean()
    need.save()
    return need


def need_delete(*, need: TalentNeed) -> None:
    """Delete a need recorded by mistake or met."""
    need.delete()


# --- the growth roadmap (成长路线图) -----------------------------------------------------------------


def talent_terms(talent: Talent):
    """Terms of the organizations on the talent's line: its own organization and those above it."""
    return Term.objects.filter(organization__path__in=talent.organization.line_paths())


def mentor_leaders(talent: Talent):
    """Active leaders who may mentor the talent: of the talent's organization, one above it or below it."""
    organization = talent.organization
    return Leader.objects.filter(
        Q(organization__path__in=organization.line_paths()) | Q(organization__path__startswith=organization.path),
        is_active=True,
    )


@transaction.atomic
def mentorship_save(
    *, talent: Talent, term: Term, mentor_leader: Leader | None, mentor_expert: Talent | None, plan: str, user: User
) -> Mentorship:
    """Give ``talent`` a mentor for ``term`` (导师制度, seed 003), or change the mentor and plan.

    The mentor is a leader of the talent's organization tree or another active talent (an experienced
    expert or entrepreneur); one mentorship per talent and term.
    """
    if (mentor_leader is None) == (mentor_expert is None):
        raise ValidationError(_("Choose either a leader or an expert as the mentor, not both."))
    if not talent_terms(talent).filter(pk=term.pk).exists():
        raise ValidationError({"term": _("This term is not one of the talent's organization.")})
    if mentor_leader is not None and not mentor_leaders(talent).filter(pk=mentor_leader.pk).exists():
        raise ValidationError({"mentor_leader": _("This leader is not of the talent's organization tree.")})
    if mentor_expert is not None and (mentor_expert.pk == talent.pk or mentor_expert.status != Talent.Status.ACTIVE):
        raise ValidationError({"mentor_expert": _("A talent cannot be their own mentor; choose an active talent.")})
    mentorship, _created = Mentorship.objects.update_or_create(
        talent=talent, term=term,
        defaults={"mentor_leader": mentor_leader, "mentor_expert": mentor_expert, "plan": plan.strip()},
        create_defaults={"mentor_leader": mentor_leader, "mentor_expert": mentor_expert, "plan": plan.strip(),
                         "created_by": user},
    )  # fmt: skip
    return mentorship


def _not_future(day: datetime.date, today: datetime.date) -> None:
    if day > today:
        raise ValidationError({"date": _("The date cannot be in the future.")})


def talent_record_save(*, record: GrowthRecord | SupportRecord, user: User, today: datetime.date):
    """Add or change a growth step or a support the talent received (not dated in the future)."""
    _not_future(record.date, today)
    if record.created_by_id is None:
        record.created_by = user
    record.save()
    return record


def talent_record_delete(*, record: GrowthRecord | SupportRecord) -> None:
    """Delete a growth or support record entered by mistake."""
    record.delete()


def growth_overview(root: Organization, year: int):
    """Active talents of ``root``'s subtree with ``has_mentor`` (a mentorship of a term running in
    ``year``) and ``records_in_year`` (growth records dated in ``year``), for the roadmap page.
    """
    mentored = Mentorship.objects.filter(talent=OuterRef("pk"), term__in=Term.objects.in_force(year))
    records = GrowthRecord.objects.filter(talent=OuterRef("pk"), date__year=year)
    return Talent.objects.filter(organization__path__startswith=root.path, status=Talent.Status.ACTIVE).annotate(
        has_mentor=Exists(mentored), records_in_year=count_of(records)
    )


def growth_counts(root: Organization, year: int, whole_tree: bool = False) -> dict:
    """Count the roadmap's figures of ``root``'s subtree and ``year`` in two queries.

    ``talents`` (active, from their kept counts), ``mentored`` (of them, with a mentorship of a term
    running in ``year``: the year's mentorships, a tenth of the talents, are read, not every talent),
    ``unmentored``, ``records`` and ``by_kind`` ([label, n] per kind). ``whole_tree`` (the subtree is
    every organization, ``scoping.is_whole_tree``) leaves out the filters that would keep every row.
    """
    # The subtree's active talents: its top organization's kept rows, one per field (talents.TalentSubtreeTally;
    # summing the category-0 rows of every organization of a city read 12,000 rows, 2.7 → 0.2 ms).
    talents = TalentSubtreeTally.objects.filter(organization=root, category=0)
    year_mentorships = Mentorship.objects.filter(term__in=Term.objects.in_force(year))
    mentored = Talent.objects.filter(status=Talent.Status.ACTIVE, pk__in=year_mentorships.values("talent_id"))
    records = GrowthRecord.objects.filter(date__year=year)
    if not whole_tree:
        mentored = mentored.filter(organization__path__startswith=root.path)
        records = records.filter(talent__organization__path__startswith=root.path)
    talents = talents.order_by().values("category").annotate(n=Sum("talents")).values("n")
    figures = Organization.objects.filter(pk=root.pk).values_list(
        Coalesce(Subquery(talents, output_field=models.IntegerField()), 0), count_of(mentored)
    )  # fmt: skip
    total, mentored_n = figures.get()
    kinds = dict(records.order_by().values_list("kind").annotate(n=Count("*")))
    by_kind = [[str(label), kinds.get(value, 0)] for value, label in GrowthRecord.Kind.choices]
    return {
        "talents": total, "mentored": mentored_n, "unmentored": total - mentored_n, "records": sum(kinds.values()),
        "by_kind": by_kind,
    }  # fmt: skip


# --- the support panorama (保障全景图) ---------------------------------------------------------------

SOURCE_RECORD, SOURCE_APPEAL, SOURCE_ACTIVITY = "record", "appeal", "activity"


@dataclass
class Panorama:
    """Distinct talents per support kind of a subtree's year, by child organization and by source."""

    root: Organization
    year: int
    kinds: list  # SupportKind, in their order: the active ones and any other that has figures
    organizations: list  # root first, then its children in tree order
    counts: dict = field(default_factory=dict)  # (child path, kind pk) → talents
    any_kind: dict = field(default_factory=dict)  # child path → talents with at least one kind
    by_source: dict = field(default_factory=dict)  # (kind pk, source) → talents

    def total(self, kind: SupportKind) -> int:
        return sum(self.counts.get((o.path, kind.pk), 0) for o in self.organizations)

    @property
    def supported(self) -> int:
        return sum(self.any_kind.values())

    def kind_rows(self) -> list[dict]:
        """One row per kind: talents, and how many of them each source accounts for."""
        return [
            {"kind": kind, "talents": self.total(kind), "record": self.by_source.get((kind.pk, SOURCE_RECORD), 0),
             "appeal": self.by_source.get((kind.pk, SOURCE_APPEAL), 0),
             "activity": self.by_source.get((kind.pk, SOURCE_ACTIVITY), 0)}
            for kind in self.kinds
        ]  # fmt: skip

    def organization_rows(self) -> list[dict]:
        """The root's own row, one per child organization, and a total row (the report sheet's rows)."""
        rows = [
            {"name": o.name, "path": o.path, "counts": [self.counts.get((o.path, k.pk), 0) for k in self.kinds],
             "any": self.any_kind.get(o.path, 0)}
            for o in self.organizations
        ]  # fmt: skip
        total = {"name": _("Total"), "path": "", "is_total": True, "any": self.supported}
        total["counts"] = [self.total(k) for k in self.kinds]
        return [*rows, total]


def support_panorama(root: Organization, year: int) -> Panorama:
    """Count, per support kind, the distinct talents of ``root``'s subtree supported in ``year``.

    A talent counts once per kind however many sources show them (a housing subsidy recorded and a
    housing appeal closed), and is counted under the child organization the talent belongs to now. The
    counts per organization are kept by the database (``SupportTally``: records, appeals and activities
    of the year, each talent once per kind); they are summed per child organization here. Three queries:
    the counts, the kinds and the organizations.
    """
    child = Substr("organization__path", 1, len(root.path) + Organization.steplen)
    rows = (
        SupportTally.objects.filter(year=year, organization__path__startswith=root.path)
        .order_by()
        .values_list(child, "kind")
        .annotate(Sum("talents"), Sum("record"), Sum("appeal"), Sum("activity"))
    )
    counts, any_kind, by_source = {}, {}, defaultdict(int)
    for path, kind_id, talents, record, appeal, activity in rows:
        if kind_id == 0:
            any_kind[path] = talents
            continue
        counts[(path, kind_id)] = talents
        for source, n in ((SOURCE_RECORD, record), (SOURCE_APPEAL, appeal), (SOURCE_ACTIVITY, activity)):
            by_source[(kind_id, source)] += n
    counted = {kind_id for _child, kind_id in counts}
    kinds = [k for k in SupportKind.objects.all() if k.is_active or k.pk in counted]
    organizations = list(Organization.objects.filter(path__startswith=root.path, depth__lte=root.depth + 1))
    return Panorama(
        root=root, year=year, kinds=kinds, organizations=organizations, counts=counts, any_kind=any_kind,
        by_source=dict(by_source),
    )  # fmt: skip


def supported_talents(root: Organization, year: int, kind: SupportKind):
    """Talents of ``root``'s subtree that received ``kind`` in ``year`` from any source, each once."""
    own = SupportRecord.objects.filter(talent=OuterRef("pk"), kind=kind, date__year=year)
    appeals = Appeal.objects.filter(
        talent=OuterRef("pk"), status=Appeal.Status.CLOSED, closed_on__year=year,
        category__in=kind.appeal_categories.values("pk"),
    )  # fmt: skip
    activities = GroupActivity.objects.filter(
        talents=OuterRef("pk"), date__year=year, kind__in=kind.activity_kinds.values("pk")
    )
    return Talent.objects.filter(
        Exists(own) | Exists(appeals) | Exists(activities), organization__path__startswith=root.path
    )


@dataclass(frozen=True)
class SupportItem:
    """One support a talent received, whatever its source."""

    date: datetime.date
    kind: SupportKind
    source: str
    description: str
    record: SupportRecord | None = None
    appeal: Appeal | None = None


def talent_support(talent: Talent) -> list[SupportItem]:
    """Every support the talent received, from the three sources, newest first (four queries)."""
    kinds = list(SupportKind.objects.prefetch_related("appeal_categories", "activity_kinds"))
    by_category, by_activity_kind = defaultdict(list), defaultdict(list)
    for kind in kinds:
        for category in kind.appeal_categories.all():
            by_category[category.pk].append(kind)
        for activity_kind in kind.activity_kinds.all():
            by_activity_kind[activity_kind.pk].append(kind)
    items = [
        SupportItem(r.date, r.kind, SOURCE_RECORD, r.description, record=r)
        for r in talent.support_records.select_related("kind")
    ]
    closed = Appeal.objects.filter(talent=talent, status=Appeal.Status.CLOSED, closed_on__isnull=False)
    for appeal in closed.filter(category__in=list(by_category)).select_related("category"):
        items += [SupportItem(appeal.closed_on, k, SOURCE_APPEAL, appeal.category.name, appeal=appeal)
                  for k in by_category[appeal.category_id]]  # fmt: skip
    attended = GroupActivity.objects.filter(talents=talent, kind__in=list(by_activity_kind))
    for activity in attended:
        kinds_of = by_activity_kind[activity.kind_id]
        items += [SupportItem(activity.date, k, SOURCE_ACTIVITY, activity.title) for k in kinds_of]
    return sorted(items, key=lambda i: (i.date, i.source), reverse=True)
