import datetime
from collections import defaultdict

from auditlog.registry import auditlog
from django.conf import settings
from django.db import connection, models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts import scoping
from accounts.models import Organization, User
from liaison.aggregates import in_array, rows_around
from talents.models import ImportBatch, Talent


class LeaderQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Leaders of the user's organization subtree; a leader sees their own record."""
        return self.filter(scoping.organization_q(user, "organization__path") | models.Q(user_id=user.pk))


class Leader(models.Model):
    """A member of a leadership team who is paired with talents (联系领导 / 班子成员)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="leader", verbose_name=_("user")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="leaders", verbose_name=_("organization")
    )
    post = models.CharField(_("post"), max_length=100)
    portfolio = models.CharField(_("portfolio"), max_length=200, blank=True)
    is_active = models.BooleanField(_("in post"), default=True)

    objects = LeaderQuerySet.as_manager()

    class Meta:
        verbose_name = _("leader")
        verbose_name_plural = _("leaders")
        ordering = ["organization__path", "pk"]
        # The leaders in post counted per organization from the index alone (the report's facts).
        indexes = [
            models.Index(fields=["organization"], condition=models.Q(is_active=True), name="leader_in_post_org"),
        ]

    def __str__(self):
        return str(self.user)


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    """The first and last day of ``year``."""
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


class TermQuerySet(models.QuerySet):
    def in_force(self, year: int):
        """Terms running at some time of ``year``."""
        first, last = year_bounds(year)
        return self.filter(start__lte=last, end__gte=first)

    def visible_to(self, user):
        """Terms of organizations in the user's subtree."""
        return self.filter(scoping.organization_q(user, "organization__path"))

    def current(self, today: datetime.date):
        """Terms running on ``today``."""
        return self.filter(start__lte=today, end__gte=today)


class Term(models.Model):
    """A liaison term (联系周期), two years by default (rule 8); its limits are settings, not constants."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="terms", verbose_name=_("organization")
    )
    name = models.CharField(_("name"), max_length=50)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    max_talents_per_leader = models.PositiveSmallIntegerField(
        _("most talents per leader"), null=True, blank=True, help_text=_("Empty for no limit.")
    )
    min_contacts_per_year = models.PositiveSmallIntegerField(_("minimum contacts per pairing per year"), default=1)

    objects = TermQuerySet.as_manager()

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["-start"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="term_unique_name_per_org"),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="term_end_after_start"),
        ]

    def __str__(self):
        return self.name


# The compliance page's two tables from one scan of rows (leader, organization, pairings, due, contacts this
# year), a pairing each or the kept counts: (0, organization, pairings, due, 0, -, -, -) per talent's
# organization, then (1, leader, pairings, due, contacts, post, name, last contact) for the leaders with most
# talents due (the name as User.__str__ gives it). Post, name and last contact are looked up for those leaders
# alone: joined, PostgreSQL took the sums for 2,000 leaders, where a city has 20,000, and hashed every leader
# (16.7 against 15.1 ms, scale 1). A leader's last contact is their newest confirmed contact whose pairing is
# one of the page's (a contact names its pairing's leader, copied when it is logged), read newest first from
# the index ``contact_leader_date``: the first row usually is one. The check of the pairing stays a subquery
# run per contact (``OFFSET 0`` keeps PostgreSQL from turning it into a join, which for a township's 994
# pairings looped over all of them for each leader: 222 ms). Scale 1, the statement: city 14.2 → 11.7 ms,
# county 11.4 → 8.2, township 6.2 → 3.3, where the latest contact of each of the leader's pairings was
# looked up (997 of them for a city's 100 leaders).
COMPLIANCE_SQL = """WITH p (leader, organization, pairings, due, contacts) AS {materialized} ({rows})
SELECT 0, organization, SUM(pairings), SUM(due), 0, NULL, NULL, NULL FROM p GROUP BY organization
UNION ALL
SELECT 1, top_leaders.*, (SELECT post FROM {leaders} WHERE id = top_leaders.leader), (
    SELECT COALESCE(NULLIF(person.name, ''), person.username) FROM {leaders} leader
    JOIN {users} person ON person.id = leader.user_id WHERE leader.id = top_leaders.leader
), (
    SELECT c.date FROM {contacts} c WHERE c.leader_id = top_leaders.leader AND c.confirmed_at IS NOT NULL
    AND EXISTS (SELECT 1 FROM ({led}) AS led WHERE led.pk = c.pairing_id{fence}) ORDER BY c.date DESC LIMIT 1
) FROM (
    SELECT leader, SUM(pairings), SUM(due) AS leader_due, SUM(contacts) FROM p GROUP BY leader
    ORDER BY leader_due DESC, leader LIMIT %s
) AS top_leaders"""


def terms_and_own_q(user) -> models.Q:
    """Pairings, or their kept counts (``PairingTally``), of terms in the user's staff subtrees and a leader's own."""
    q = scoping.organization_q(user, "term__organization__path")
    if "leader" in scoping.roles(user):
        q |= models.Q(leader__user_id=user.pk)
    return q


class PairingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Pairings of talents the user may see; a leader sees their own, ended ones included."""
        if scoping.sees_everything(user):
            return self
        q = terms_and_own_q(user)
        if "liaison" in scoping.roles(user):
            q |= scoping.talent_q(user, "talent__")
        return self.filter(q)

    def active(self):
        return self.filter(end__isnull=True)

    def of_terms_in_force(self, year: int):
        """Pairings of terms running at some time of ``year``, said on the pairing's own (joined) term."""
        first, last = year_bounds(year)
        return self.filter(term__start__lte=last, term__end__gte=first)

    def compliance_figures(
        self, root: Organization, limit: int = 100, counted: "PairingTallyQuerySet | None" = None
    ) -> tuple[list[dict], list[dict]]:
        """Return the figures per child organization of ``root`` and the scorecards of ``limit`` leaders.

        Needs ``with_year_stats``. ``counted`` holds the same pairings' kept counts
        (``PairingTally.objects.for_compliance``): some twenty thousand rows for a whole city, where the
        pairings are 100,000; without it the pairings themselves are counted. Either way one scan (a CTE
        read twice) is summed per talent's organization and per leader in the database, so about a hundred
        rows come back: the organizations' rows, folded here into children of ``root`` (pairings of talents
        attached to ``root`` itself form their own row), and the ``limit`` leaders with most talents due
        (ties by id: ``leader_id``, ``name``, ``post``, ``talents``, ``due``, their ``contacts`` this year
        and ``last`` confirmed contact with a talent of these pairings, read for those leaders alone).
        """
        width = len(root.path) + Organization.steplen
        organizations = Organization.objects.filter(path__startswith=root.path).values_list("pk", "path", "name")
        organizations = {pk: (path, name) for pk, path, name in organizations}
        if counted is not None:
            rows = counted.order_by().annotate(due=models.F("active") - models.F("active_met"))
            rows = rows.values_list("leader_id", "organization_id", "active", "due", "active_contacts")
        else:
            due = models.Case(models.When(met_minimum=False, then=models.Value(1)), default=models.Value(0))
            rows = self.order_by().annotate(one=models.Value(1), is_due=due)
            rows = rows.values_list("leader_id", "talent__organization_id", "one", "is_due", "contacts_this_year")
        # Kept rows are read twice, each time in the order that suits the sums (not materialized: 24 → 16.5
        # ms for a city); pairings, read once and kept for the second sum.
        sql = COMPLIANCE_SQL.format(
            rows="{rows}", led="{led}", materialized="NOT MATERIALIZED" if counted is not None else "MATERIALIZED",
            leaders=connection.ops.quote_name(Leader._meta.db_table),
            users=connection.ops.quote_name(User._meta.db_table),
            contacts=connection.ops.quote_name(ContactLog._meta.db_table),
            fence=" OFFSET 0" if connection.vendor == "postgresql" else "",  # SQLite wants a LIMIT before it
        )  # fmt: skip
        led = self.order_by().values("pk")
        by_child, cards, below = defaultdict(lambda: [0, 0]), [], defaultdict(list)
        for is_leader, pk, total, due, contacts, post, name, last in rows_around(rows, sql, [limit], led=led):
            total, due = int(total), int(due)  # sums of bigint are numeric on PostgreSQL
            if is_leader:
                cards.append({"leader_id": pk, "name": name, "post": post, "talents": total, "due": due,
                              "contacts": int(contacts), "last": models.DateField().to_python(last)})  # fmt: skip
            elif pk in organizations:  # else an organization added since the first query
                path = organizations[pk][0]
                sums = by_child[path[:width]]
                sums[0] += total
                sums[1] += due
                if due:
                    below[path[:width]].append((path, due))
        named = {path: (pk, name) for pk, (path, name) in organizations.items() if path in by_child}
        children = [
            {"child_path": path, "pk": named.get(path, (root.pk,))[0], "name": named.get(path, (0, root.name))[1],
             "total": total, "met": total - due, "below": due, "rate": round(100 * (total - due) / total, 1),
             "below_by_organization": sorted(below[path])}
            for path, (total, due) in by_child.items()
        ]  # fmt: skip
        cards.sort(key=lambda card: (-card["due"], card["leader_id"]))  # UNION ALL keeps no order
        return sorted(children, key=lambda r: (r["rate"], r["name"])), cards

    def below_minimum(self, by_child: list[dict], limit: int):
        """Return the first ``limit`` pairings below the minimum, ordered by organization and leader.

        Needs ``with_year_stats`` (``per_row`` suits these few rows); ``by_child`` is the first table of
        ``compliance_figures``, whose rows name the organizations with pairings below the minimum
        (``below_by_organization``: path and how many). The list is ordered by the talent's organization
        path, so it reads only the organizations (in path order) that hold its first ``limit`` rows, a
        township's pairings for a whole city, not every pairing of the first county.
        """
        wanted, count = [], 0
        for path, due in sorted(o for row in by_child for o in row["below_by_organization"]):
            if count >= limit:
                break
            wanted.append(path)
            count += due
        below = self.filter(talent__organization__path__in=wanted, met_minimum=False)
        return below.order_by("talent__organization__path", "leader__user__name", "pk")[:limit]

    def with_year_stats(self, year: int, per_row: bool = False):
        """Annotate this year's confirmed contacts, the last contact date and whether the minimum is met.

        The year's count is a LEFT JOIN on ``ContactTally`` (one row per pairing and year, kept by
        triggers), so a GROUP BY over every pairing in scope reads no contact; ``per_row`` reads it by a
        subquery on each pairing instead, for a short list whose query joins many tables: one join fewer
        to plan (the compliance page's list below the minimum: 2.9 → 1.2 ms planning, the same 4.3 ms
        running, scale 1). The last contact is a subquery on the index ``contact_confirmed_pairing_date``,
        read only where it is used. Annotating twice (a filter, then the page) annotates once.
        """
        if "met_minimum" in self.query.annotations:
            return self
        last = (
            ContactLog.objects.filter(pairing=models.OuterRef("pk"), confirmed_at__isnull=False)
            .order_by("-date")
            .values("date")[:1]
        )
        if per_row:
            counted = ContactTally.objects.filter(pairing=models.OuterRef("pk"), year=year).values("contacts")
            rows, contacts = self, models.Subquery(counted[:1])
        else:
            rows = self.annotate(year_tally=models.FilteredRelation("tallies", condition=models.Q(tallies__year=year)))
            contacts = models.F("year_tally__contacts")
        return rows.annotate(contacts_this_year=Coalesce(contacts, 0), last_contact=models.Subquery(last)).annotate(
            met_minimum=models.Case(
                models.When(contacts_this_year__gte=models.F("term__min_contacts_per_year"), then=True),
                default=False,
                output_field=models.BooleanField(),
            )
        )


class Pairing(models.Model):
    """A leader paired with a talent within a term (结对联系); ended pairings stay as history."""

    class EndReason(models.TextChoices):
        POST_CHANGE = "post_change", _("Leader's post changed")
        TALENT_LEFT = "talent_left", _("Talent left")
        ADJUSTMENT = "adjustment", _("Adjustment")
        HANDOVER = "handover", _("Handed over to a successor")
        TERM_END = "term_end", _("Term ended")

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="pairings", verbose_name=_("term"))
    leader = models.ForeignKey(Leader, on_delete=models.PROTECT, related_name="pairings", verbose_name=_("leader"))
    talent = models.ForeignKey(Talent, on_delete=models.PROTECT, related_name="pairings", verbose_name=_("talent"))
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=20, choices=EndReason.choices, blank=True)
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("previous pairing")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        ordering = ["-start", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "leader", "talent"],
                condition=models.Q(end__isnull=True),
                name="pairing_one_active_per_leader_talent_term",
            ),
        ]
        indexes = [
            models.Index(fields=["leader", "end"], name="pairing_leader_end"),
            models.Index(fields=["end", "leader"], name="pairing_end_leader"),  # the pairing list's order
            models.Index(fields=["talent", "end"], name="pairing_talent_end"),
        ]

    def __str__(self):
        return f"{self.leader} ↔ {self.talent} ({self.term})"

    @property
    def is_active(self) -> bool:
        return self.end is None


class ContactMethod(models.Model):
    """An editable contact method (rule 4)."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    code = models.SlugField(_("code"), max_length=30, unique=True)
    is_visit = models.BooleanField(_("counts as a visit"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("contact method")
        verbose_name_plural = _("contact methods")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class ContactTopic(models.Model):
    """What a contact was about (rule 5)."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    code = models.SlugField(_("code"), max_length=30, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=100)

    class Meta:
        verbose_name = _("contact topic")
        verbose_name_plural = _("contact topics")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class ContactLogQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Contacts of pairings the user may see; a leader also keeps the contacts they logged."""
        if scoping.sees_everything(user):
            return self
        q = scoping.organization_q(user, "pairing__term__organization__path")
        if "leader" in scoping.roles(user):
            q |= models.Q(leader__user_id=user.pk)
        if "liaison" in scoping.roles(user):
            q |= scoping.talent_q(user, "talent__")
        return self.filter(q)

    def in_year(self, year: int):
        return self.filter(date__year=year)


class ContactLog(models.Model):
    """One contact between a leader and a paired talent (联系记录)."""

    class Initiator(models.TextChoices):
        LEADER = "leader", _("Leader")
        TALENT = "talent", _("Talent")

    pairing = models.ForeignKey(Pairing, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("pairing"))
    # The leader and talent of the contact itself: a handover moves the pairing, never who talked.
    leader = models.ForeignKey(Leader, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("leader"))
    talent = models.ForeignKey(Talent, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("talent"))
    date = models.DateField(_("date"))
    method = models.ForeignKey(
        ContactMethod, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("method")
    )
    topics = models.ManyToManyField(ContactTopic, related_name="contacts", verbose_name=_("topics"), blank=True)
    summary = models.TextField(_("summary"))
    opinions = models.TextField(_("opinions and suggestions heard"), blank=True)
    initiated_by = models.CharField(
        _("initiated by"), max_length=10, choices=Initiator.choices, default=Initiator.LEADER
    )
    place = models.CharField(_("place"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, verbose_name=_("logged by")
    )
    created_at = models.DateTimeField(_("logged at"), auto_now_add=True)
    # Empty while a contact logged on the leader's behalf waits for the leader's confirmation.
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    import_batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("import batch")
    )
    # Set when a leader and their paired talent both took part in a group activity (DOMAIN.md rule 16):
    # the activity's services write and remove these rows, never the contact form.
    activity = models.ForeignKey(
        "activities.GroupActivity",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("group activity"),
    )

    objects = ContactLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact log")
        verbose_name_plural = _("contact logs")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["pairing", "date"], name="contact_pairing_date"),
            models.Index(fields=["talent", "date"], name="contact_talent_date"),
            models.Index(fields=["leader", "date"], name="contact_leader_date"),
            # This year's count and the last contact of a pairing, read from the index alone.
            models.Index(
                fields=["pairing", "-date"], condition=models.Q(confirmed_at__isnull=False),
                name="contact_confirmed_pairing_date",
            ),
        ]  # fmt: skip
        constraints = [
            models.UniqueConstraint(
                fields=["pairing", "activity"],
                condition=models.Q(activity__isnull=False),
                name="contact_once_per_activity",
            ),
        ]

    def __str__(self):
        return f"{self.date} {self.leader} → {self.talent}"

    @property
    def is_pending(self) -> bool:
        return self.confirmed_at is None


class ContactTally(models.Model):
    """How many confirmed contacts a pairing had in a year (rule 3's yearly minimum, read on every list).

    Kept by database triggers on ``liaison_contactlog`` (migration ``0010_contact_tally``), so every
    write path counts: forms, imports, group activities, bulk and raw SQL. Django never writes it.
    """

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="tallies", verbose_name=_("pairing"))
    year = models.PositiveSmallIntegerField(_("year"))
    contacts = models.IntegerField(_("confirmed contacts"), default=0)

    class Meta:
        verbose_name = _("yearly contact count")
        verbose_name_plural = _("yearly contact counts")
        constraints = [
            models.UniqueConstraint(fields=["pairing", "year"], name="contact_tally_pairing_year"),
        ]

    def __str__(self):
        return f"{self.pairing_id} {self.year}: {self.contacts}"


class ContactMonthTally(models.Model):
    """Confirmed contacts per organization (the talent's), month and method: the dashboard's and report's counts.

    Kept by database triggers on ``liaison_contactlog`` and on ``talents_talent`` (a talent who moves takes
    their contacts along, as the live count would), migration ``0012_contact_month_tally``.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    method = models.ForeignKey(ContactMethod, on_delete=models.CASCADE, related_name="+", verbose_name=_("method"))
    contacts = models.IntegerField(_("confirmed contacts"), default=0)

    class Meta:
        verbose_name = _("monthly contact count")
        verbose_name_plural = _("monthly contact counts")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "month", "method"], name="contact_month_tally_unique"
            ),
        ]
        # The report's facts read a year's counts per organization from the index alone, as PairingTally's.
        indexes = [
            models.Index(
                fields=["year", "organization"], include=["method", "month", "contacts"],
                condition=~models.Q(contacts=0), name="contact_month_tally_year",
            ),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.organization_id} {self.year}-{self.month} {self.method_id}: {self.contacts}"


class PairingTallyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The counts behind ``Pairing.objects.visible_to(user)``, or None when they cannot say that scope.

        A liaison officer sees the pairings of their work units' talents, and the rows know organizations only.
        """
        if scoping.sees_everything(user):  # as Pairing's visible_to: every pairing, whatever roles they also hold
            return self.all()
        if "liaison" in scoping.roles(user):
            return None
        return self.filter(terms_and_own_q(user))

    def for_compliance(self, user, root: Organization, today: datetime.date, whole_tree: bool = False):
        """The counts behind ``Pairing.objects.visible_to(user)``'s active pairings of current terms in ``root``.

        None when the user's scope cannot be said in these rows (``visible_to``). ``whole_tree`` (``root`` is
        every organization, ``scoping.is_whole_tree``) leaves out the filter on the organization's path.
        """
        rows = self.visible_to(user)
        if rows is None:
            return None
        if not whole_tree:
            rows = rows.filter(organization__path__startswith=root.path)
        current = in_array("term", Term.objects.current(today).order_by().values("pk"))
        return rows.filter(current, year=today.year, active__gt=0)


class PairingTally(models.Model):
    """Pairings per talent's organization, leader, term and year, and how many met the yearly minimum.

    One row for each year a term touches, so the compliance page and the report's facts add up some
    twenty thousand rows for a whole city instead of joining its 100,000 pairings to their yearly counts.
    Kept by database triggers on pairings, yearly contact counts, talents (their organization) and terms
    (their dates and minimum), migration ``0016_pairing_tally``: each change counts its keys again from
    the pairings. Django never writes it.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    leader = models.ForeignKey(Leader, on_delete=models.CASCADE, related_name="+", verbose_name=_("leader"))
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="+", verbose_name=_("term"))
    year = models.PositiveSmallIntegerField(_("year"))
    # Active pairings (not ended), the same in every year of the term, and those that met the year's minimum.
    active = models.IntegerField(_("active pairings"), default=0)
    active_met = models.IntegerField(_("active pairings that met the minimum"), default=0)
    active_contacts = models.IntegerField(_("the active pairings' confirmed contacts"), default=0)  # in the year
    # Pairings in force at some time of the year, ended ones included, and those that met the year's minimum.
    in_force = models.IntegerField(_("pairings in force"), default=0)
    in_force_met = models.IntegerField(_("pairings in force that met the minimum"), default=0)

    objects = PairingTallyQuerySet.as_manager()

    class Meta:
        verbose_name = _("yearly pairing count")
        verbose_name_plural = _("yearly pairing counts")
        constraints = [
            models.UniqueConstraint(fields=["organization", "leader", "term", "year"], name="pairing_tally_unique"),
        ]
        indexes = [
            # The report's facts: the pairings in force of a year per organization, from the index alone
            # (with the kept contacts and talents' indexes alike, the city's facts 37-40 → 23-25 ms, a county's
            # 14-17 → 9-10 ms, scale 1).
            models.Index(
                fields=["year", "organization"], include=["in_force", "in_force_met"],
                condition=models.Q(in_force__gt=0), name="pairing_tally_in_force",
            ),
            # Compliance reads the year's active rows of the current terms from this index alone (the city's
            # 19,839 rows: 19-22 → 13-15 ms for its figures, scale 1).
            models.Index(
                fields=["year", "term"], include=["organization", "leader", "active", "active_met", "active_contacts"],
                condition=models.Q(active__gt=0), name="pairing_tally_active",
            ),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.organization_id} {self.leader_id} {self.term_id} {self.year}: {self.active}"


class ContactPhoto(models.Model):
    """A photo taken at a contact; type and size are checked by the form before it is stored."""

    contact = models.ForeignKey(ContactLog, on_delete=models.CASCADE, related_name="photos", verbose_name=_("contact"))
    image = models.ImageField(_("photo"), upload_to="contacts/%Y/%m/")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact photo")
        verbose_name_plural = _("contact photos")

    def __str__(self):
        return self.image.name


class CalendarDayQuerySet(models.QuerySet):
    def between(self, start: datetime.date, end: datetime.date):
        return self.filter(date__gte=start, date__lte=end)


class CalendarDay(models.Model):
    """An exception to the Monday-to-Friday week: a public holiday, or a weekend worked instead (调休).

    Filled from the chinesecalendar library; staff add later years from the State Council notice.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday (day off)")
        WORKDAY = "workday", _("Make-up working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=50, blank=True)

    objects = CalendarDayQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}"


class AppealCategory(models.Model):
    """An editable category of appeal (DOMAIN.md rule 12) with its default department and time limit."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    code = models.SlugField(_("code"), max_length=30, unique=True)
    default_department = models.CharField(_("default handling department"), max_length=100, blank=True)
    time_limit_days = models.PositiveSmallIntegerField(_("time limit (working days)"), default=15)
    urgent_time_limit_days = models.PositiveSmallIntegerField(_("time limit when urgent (working days)"), default=5)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("appeal category")
        verbose_name_plural = _("appeal categories")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class AppealQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Appeals of talents the user may see, and those the user handles or co-handles."""
        if scoping.sees_everything(user):
            return self
        handled = Appeal.co_handlers.through.objects.filter(user_id=user.pk).values("appeal_id")
        return self.filter(scoping.talent_q(user, "talent__") | models.Q(handler_id=user.pk) | models.Q(pk__in=handled))

    def ledger_for(self, user):
        """Return the appeals of ``visible_to(user)`` in a form PostgreSQL reads through its indexes.

        ``visible_to`` ORs the talent with the handler, so PostgreSQL joins every appeal to its talent
        to test it, whatever the user's scope. Here the appeals the user sees only as handler or
        co-handler (usually none) are read first, as keys, in one query; what remains is "the talent
        is one the user sees", a semi-join read from the talents' organization for a small scope.
        Who sees every talent sees every appeal: no semi-join at all.
        """
        if scoping.sees_every_talent(user):
            return self
        through_talent = _through_talent(user)
        co_handled = Appeal.co_handlers.through.objects.filter(user_id=user.pk).values("appeal_id")
        handled = self.order_by().filter(handler_id=user.pk).exclude(through_talent).values_list("pk", flat=True)
        also_handled = self.order_by().filter(pk__in=co_handled).exclude(through_talent).values_list("pk", flat=True)
        only_handled = list(handled.union(also_handled))
        if not only_handled:
            return self.filter(through_talent)
        return self.filter(through_talent | models.Q(pk__in=only_handled))

    def ledger_counts(self, today: datetime.date) -> dict:
        """Count the appeals by status and by category (id), the overdue ones, and list their handlers.

        One GROUP BY status, category and handler (some thousands of rows for a whole city), folded
        here, instead of a query for each figure, each of which reads every appeal in scope again.
        """
        return _folded(
            self.order_by()
            .values_list("status", "category_id", "handler_id")
            .annotate(n=models.Count("*"), late=_late(today))
        )

    def ledger_counts_for(self, user, today: datetime.date) -> dict:
        """``ledger_for(user).ledger_counts(today)``, read from ``AppealTally`` where it can be, in one query.

        For staff (whose talents are whole organization subtrees, ``scoping.talent_paths``) the counts
        come from the kept counts of their subtrees; the overdue appeals (which change with the date)
        from the open ones, through the partial index ``appeal_open_deadline``; the appeals seen only as
        handler or co-handler from the appeals themselves. Leaders and liaison officers: counted live.
        """
        paths = scoping.talent_paths(user)
        if paths is None:
            return self.ledger_for(user).ledger_counts(today)

        def in_scope(field: str) -> models.Q:  # the talent filter of a staff user, on another path field
            return scoping.organization_q(user, field)

        handler = Coalesce("handler_id", 0, output_field=models.IntegerField())
        no_status, no_category = models.Value(None, models.CharField()), models.Value(None, models.IntegerField())
        # The kept counts per status and category, then per handler (for the handler choices): summed by
        # status, category and handler together, a city's rows came back 4,518 (13.4 against 5 ms).
        kept = AppealTally.objects.filter(in_scope("talent_organization__path")).exclude(appeals=0).order_by()
        by_status = kept.values_list("status", "category_id", models.Value(0))
        by_status = by_status.annotate(n=models.Sum("appeals"), late=models.Value(0))
        by_handler = kept.values_list(no_status, no_category, "handler")
        by_handler = by_handler.annotate(n=models.Sum("appeals"), late=models.Value(0))
        late = self.overdue(today).filter(in_scope("talent__organization__path")).order_by()  # how many: one row
        late = late.values_list(no_status, no_category, models.Value(0))
        late = late.annotate(n=models.Value(0), late=models.Count("*"))
        parts = [by_status, by_handler, late]
        if paths != [""]:  # the appeals handled (one part each, so that each reads its own index) out of scope
            co_handled = Appeal.co_handlers.through.objects.filter(user_id=user.pk).values("appeal_id")
            # Out of scope as ledger_for says it, NOT IN the scope's talents: on the talent's organization
            # path PostgreSQL joined a township's 1,887 handled appeals to all 100,000 talents (14 ms).
            through_talent = _through_talent(user)
            for handled in (models.Q(handler_id=user.pk), models.Q(pk__in=co_handled) & ~models.Q(handler_id=user.pk)):
                parts.append(
                    self.filter(handled).exclude(through_talent).order_by()
                    .values_list("status", "category_id", handler).annotate(n=models.Count("*"), late=_late(today))
                )  # fmt: skip
        return _folded(parts[0].union(*parts[1:], all=True))

    def overdue(self, today: datetime.date):
        """Past the deadline and not yet resolved."""
        return self.filter(deadline__lt=today, status__in=Appeal.OPEN_STATUSES)


def _through_talent(user) -> models.Q:
    """Appeals of talents the user sees: a semi-join on the talents, read from their organization's index."""
    return models.Q(talent__in=Talent.objects.visible_to(user))


def _late(today: datetime.date):
    return models.Count("pk", filter=models.Q(deadline__lt=today, status__in=Appeal.OPEN_STATUSES))


def _folded(rows) -> dict:
    """Fold ``(status, category id, handler id, appeals, overdue)`` rows into the ledger's counts.

    A row without a status only names a handler (or counts overdue appeals): its appeals are counted
    in rows of their status.
    """
    by_status, by_category, overdue, handler_ids = defaultdict(int), defaultdict(int), 0, set()
    for status, category, handler_id, n, n_late in rows:
        if status is not None:
            by_status[status] += n
            by_category[category] += n
        overdue += n_late
        if handler_id and n:
            handler_ids.add(handler_id)
    return {
        "total": sum(by_status.values()),
        "by_status": by_status,
        "by_category": by_category,
        "overdue": overdue,
        "handler_ids": handler_ids,
    }


class Appeal(models.Model):
    """One row of the talent appeal ledger (人才诉求台账, DOMAIN.md rules 7 and 12)."""

    class Source(models.TextChoices):
        CONTACT = "contact", _("Heard during a contact")
        MAJOR_EVENT = "major_event", _("From a major event")
        LIAISON = "liaison", _("Recorded by the liaison officer")
        TALENT = "talent", _("Raised by the talent directly")

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("Normal")
        URGENT = "urgent", _("Urgent")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        ASSIGNED = "assigned", _("Assigned")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")
        FOLLOWED_UP = "followed_up", _("Followed up")
        CLOSED = "closed", _("Closed")

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASIC = "basic", _("Basically satisfied")
        UNSATISFIED = "unsatisfied", _("Unsatisfied")

    OPEN_STATUSES = (Status.REGISTERED, Status.ASSIGNED, Status.IN_PROGRESS)

    talent = models.ForeignKey(Talent, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("talent"))
    # Copied from the talent when registered, so the ledger filters by organization in one join.
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("organization"), editable=False
    )
    category = models.ForeignKey(
        AppealCategory, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("category")
    )
    description = models.TextField(_("description"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    contact = models.ForeignKey(
        ContactLog, on_delete=models.SET_NULL, null=True, blank=True, related_name="appeals", verbose_name=_("contact")
    )
    major_event = models.ForeignKey(
        "talents.MajorEvent", on_delete=models.SET_NULL, null=True, blank=True, related_name="appeals",
        verbose_name=_("major event"),
    )  # fmt: skip
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    received_on = models.DateField(_("received on"))
    lead_unit = models.CharField(_("lead handling unit"), max_length=100, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="handled_appeals",
        verbose_name=_("handler"),
    )  # fmt: skip
    co_units = models.CharField(_("co-handling units"), max_length=200, blank=True)
    co_handlers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="co_handled_appeals", verbose_name=_("co-handlers")
    )
    measures = models.TextField(_("targeted measures"), blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=20, choices=Satisfaction.choices, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    # Optimistic locking: every save bumps it; a save based on an older version is refused.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["organization", "status"], name="appeal_org_status"),
            models.Index(fields=["status", "deadline"], name="appeal_status_deadline"),
            # The open appeals by deadline, read in order (the dashboard's most overdue): OPEN_STATUSES.
            # Its columns cover the overdue counts (AppealQuerySet.ledger_counts_for, report_facts) too.
            models.Index(
                fields=["deadline"],
                include=["talent", "organization", "status", "category", "handler", "received_on"],
                condition=models.Q(status__in=["registered", "assigned", "in_progress"]),
                name="appeal_open_deadline",
            ),
            # Read backwards, the ledger's order (Meta.ordering) with no sort; also the year filter's range.
            models.Index(fields=["received_on", "id"], name="appeal_received_id"),
            # The ledger's counts of a small scope, read from the index alone (AppealQuerySet.ledger_counts).
            models.Index(
                fields=["talent"], include=["status", "category", "deadline", "handler"], name="appeal_talent_counted"
            ),
        ]

    def __str__(self):
        return f"{self.talent} · {self.category}"

    def is_overdue(self, today: datetime.date) -> bool:
        return bool(self.deadline and self.deadline < today and self.status in self.OPEN_STATUSES)


class AppealTally(models.Model):
    """How many appeals there are per organization, year received, status, category, handler and satisfaction.

    The ledger's counts and the dashboard's without reading every appeal (rules 7, 12 and 14). Kept by
    database triggers on ``liaison_appeal`` and ``talents_talent`` (migration ``0015_appeal_tally``), so
    every write path counts, as with ``ContactTally``; Django never writes it. ``organization`` is the
    appeal's own (the talent's when it was registered: the report's rows), ``talent_organization`` the
    talent's now (the ledger's scope, moved with the talent); ``handler`` is a user id, 0 for none.
    Whether an appeal is overdue changes with the date, so it is never counted here.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    talent_organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("talent's organization")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=20, choices=Appeal.Status.choices)
    category = models.ForeignKey(AppealCategory, on_delete=models.CASCADE, related_name="+", verbose_name=_("category"))
    handler = models.IntegerField(_("handler (user id, 0 for none)"))
    satisfaction = models.CharField(_("satisfaction"), max_length=20, blank=True)
    appeals = models.IntegerField(_("appeals"), default=0)

    class Meta:
        verbose_name = _("appeal count")
        verbose_name_plural = _("appeal counts")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "talent_organization", "year", "status", "category", "handler", "satisfaction"],
                name="appeal_tally_unique",
            ),
        ]

    def __str__(self):
        return f"{self.organization_id} {self.year} {self.status} {self.category_id}: {self.appeals}"


class AppealEvent(models.Model):
    """One step on an appeal's timeline: who did what, when, with which note."""

    class Action(models.TextChoices):
        REGISTER = "register", _("Registered")
        ASSIGN = "assign", _("Assigned")
        START = "start", _("Started handling")
        PROGRESS = "progress", _("Progress note")
        RESOLVE = "resolve", _("Resolved")
        FOLLOW_UP = "follow_up", _("Followed up")
        REOPEN = "reopen", _("Reopened for a second round")
        CLOSE = "close", _("Closed")
        EDIT = "edit", _("Edited")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events", verbose_name=_("appeal"))
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=Appeal.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Appeal.Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("appeal event")
        verbose_name_plural = _("appeal events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.appeal_id} {self.get_action_display()}"


class Holiday(models.Model):
    """A holiday that starts a visit campaign (三必访: 重要节日必访), on a solar or lunar date."""

    class Calendar(models.TextChoices):
        SOLAR = "solar", _("Solar (Gregorian)")
        LUNAR = "lunar", _("Lunar")

    name = models.CharField(_("name"), max_length=50, unique=True)
    calendar = models.CharField(_("calendar"), max_length=10, choices=Calendar.choices, default=Calendar.SOLAR)
    month = models.PositiveSmallIntegerField(_("month"))
    day = models.PositiveSmallIntegerField(_("day"))
    lead_days = models.PositiveSmallIntegerField(_("days of notice"), default=7)
    categories = models.ManyToManyField(
        "talents.TalentCategory", blank=True, related_name="holidays", verbose_name=_("talent categories"),
        help_text=_("Empty for every talent."),
    )  # fmt: skip
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["month", "day"]
        constraints = [
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="holiday_month_range"),
            models.CheckConstraint(condition=models.Q(day__gte=1, day__lte=31), name="holiday_day_range"),
        ]

    def __str__(self):
        return self.name


class ReminderPolicy(models.Model):
    """How an organization's subtree is reminded (DOMAIN.md rules 3 and 15); the nearest one above applies."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="reminder_policy", verbose_name=_("organization")
    )
    checkpoints = models.CharField(
        _("reminder checkpoints"), max_length=100, default="07-01,10-01,12-01",
        help_text=_("Month-day dates, separated by commas, when leaders below the minimum are reminded."),
    )  # fmt: skip
    staff_summary_on = models.CharField(_("staff summary date"), max_length=5, default="12-15")
    no_contact_days = models.PositiveSmallIntegerField(
        _("remind after days without contact"), null=True, blank=True, help_text=_("Empty to turn this rule off.")
    )
    achievement_visit_days = models.PositiveSmallIntegerField(_("days to visit after a major achievement"), default=15)
    illness_visit_days = models.PositiveSmallIntegerField(_("days to visit after a serious illness"), default=7)
    report_reminder_on = models.CharField(_("annual report reminder date"), max_length=5, default="12-20")

    class Meta:
        verbose_name = _("reminder policy")
        verbose_name_plural = _("reminder policies")

    def __str__(self):
        return str(self.organization)


class VisitTaskQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Visit tasks of pairings the user may see."""
        if scoping.sees_everything(user):
            return self
        q = scoping.organization_q(user, "talent__organization__path")
        if "leader" in scoping.roles(user):
            q |= models.Q(leader__user_id=user.pk)
        return self.filter(q)

    def open(self):
        return self.filter(done_at__isnull=True)

    def overdue(self, today: datetime.date):
        return self.open().filter(due_date__lt=today)

    def complete_by_visits(self, contacts=None) -> int:
        """Mark open tasks done by a confirmed visit of their leader to their talent inside the window.

        The earliest such visit on or after ``window_start`` completes the task, a late one included;
        ``contacts`` limits the visits considered. One UPDATE, whatever the number of tasks.
        """
        visits = ContactLog.objects.filter(
            leader=models.OuterRef("leader"), talent=models.OuterRef("talent"), method__is_visit=True,
            confirmed_at__isnull=False, date__gte=models.OuterRef("window_start"),
        ).order_by("date", "pk")  # fmt: skip
        if contacts is not None:
            visits = visits.filter(pk__in=contacts)
        first = visits[:1]
        return (
            self.open()
            .filter(models.Exists(visits))
            .update(done_at=models.Subquery(first.values("date")), contact=models.Subquery(first.values("pk")))
        )


class VisitTask(models.Model):
    """A visit a leader owes a paired talent: at a holiday, after an illness or a major achievement."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday visit")
        ILLNESS = "illness", _("Visit after a serious illness")
        DISCHARGE = "discharge", _("Visit after discharge from hospital")
        ACHIEVEMENT = "achievement", _("Visit after a major achievement")

    key = models.CharField(_("key"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    pairing = models.ForeignKey(
        Pairing, on_delete=models.PROTECT, related_name="visit_tasks", verbose_name=_("pairing")
    )
    leader = models.ForeignKey(Leader, on_delete=models.PROTECT, related_name="visit_tasks", verbose_name=_("leader"))
    talent = models.ForeignKey(Talent, on_delete=models.PROTECT, related_name="visit_tasks", verbose_name=_("talent"))
    holiday = models.ForeignKey(
        Holiday, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks", verbose_name=_("holiday")
    )
    major_event = models.ForeignKey(
        "talents.MajorEvent", on_delete=models.PROTECT, null=True, blank=True, related_name="visit_tasks",
        verbose_name=_("major event"),
    )  # fmt: skip
    window_start = models.DateField(_("from"))
    due_date = models.DateField(_("due"))
    done_at = models.DateField(_("done on"), null=True, blank=True)
    contact = models.ForeignKey(
        ContactLog, on_delete=models.SET_NULL, null=True, blank=True, related_name="visit_tasks",
        verbose_name=_("contact"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = VisitTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit task")
        verbose_name_plural = _("visit tasks")
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["leader", "done_at"], name="visit_leader_done"),
            models.Index(fields=["due_date", "done_at"], name="visit_due_done"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.talent} · {self.due_date}"


class VisitTaskTallyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The counts behind ``VisitTask.objects.visible_to(user)``, or None when these rows cannot say the scope.

        They are kept per talent's organization, so a leader's own tasks (outside their staff subtrees, if
        any) cannot be picked out: None for a leader, who is counted from the tasks themselves.
        """
        if scoping.sees_everything(user):
            return self
        if "leader" in scoping.roles(user):
            return None
        return self.filter(scoping.organization_q(user, "organization__path"))


class VisitTaskTally(models.Model):
    """How many visit tasks there are per talent's organization, kind, holiday, due date and whether done.

    The campaign list's figures without reading every task: a holiday campaign gives every active
    pairing of a city a task (95,000 at the benchmark's scale 1), and a county's list grouped them in
    112 ms. Kept by database triggers on ``liaison_visittask`` and ``talents_talent`` (migration
    ``0020_visit_task_tally``), so every write path counts, as with ``AppealTally``; Django never writes
    it. ``holiday`` is a holiday's id, 0 for the must-visits. Whether a task is overdue changes with the
    date: the reader says it from ``due_date`` and ``done``.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("talent's organization")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=VisitTask.Kind.choices)
    holiday = models.IntegerField(_("holiday (id, 0 for none)"))
    due_date = models.DateField(_("due"))
    done = models.BooleanField(_("done"))
    tasks = models.IntegerField(_("visit tasks"), default=0)

    objects = VisitTaskTallyQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit task count")
        verbose_name_plural = _("visit task counts")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "holiday", "due_date", "done"], name="visit_task_tally_unique"
            ),
        ]
        indexes = [models.Index(fields=["due_date"], include=["organization", "kind", "holiday", "done", "tasks"],
                                name="visit_task_tally_due")]  # fmt: skip

    def __str__(self):
        return f"{self.organization_id} {self.kind} {self.holiday} {self.due_date} {self.done}: {self.tasks}"


def campaign_figures(user, today: datetime.date, limit: int = 40) -> list[dict]:
    """The visit campaigns of this year and the last, newest first: tasks and those done and overdue.

    One row per kind, holiday (``holiday``: its id, 0 for the must-visits) and due date, the ``limit``
    latest; ``overdue`` are the tasks not done whose due date has passed. Read from ``VisitTaskTally``
    where it can say the user's scope (``visible_to``), else from the tasks.
    """
    since = datetime.date(today.year - 1, 1, 1)
    kept = VisitTaskTally.objects.visible_to(user)
    if kept is None:
        rows = VisitTask.objects.visible_to(user).filter(due_date__gte=since)
        rows = rows.values("kind", "due_date", holiday_key=Coalesce("holiday", 0))
        rows = rows.annotate(total=models.Count("pk"), done=models.Count("pk", filter=models.Q(done_at__isnull=False)))
    else:
        rows = kept.filter(due_date__gte=since).exclude(tasks=0)
        rows = rows.values("kind", "due_date", holiday_key=models.F("holiday"))
        done = Coalesce(models.Sum("tasks", filter=models.Q(done=True)), 0)
        rows = rows.annotate(total=models.Sum("tasks"), done=done)
    return [
        {"kind": row["kind"], "holiday": row["holiday_key"], "due_date": row["due_date"], "total": row["total"],
         "done": row["done"], "overdue": row["total"] - row["done"] if row["due_date"] < today else 0}
        for row in rows.order_by("-due_date", "kind", "holiday_key")[:limit]
    ]  # fmt: skip


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message to one user (提醒); the dedupe key makes every sweep create it at most once."""

    class Kind(models.TextChoices):
        CONTACT_REMINDER = "contact_reminder", _("Contact reminder")
        NO_CONTACT = "no_contact", _("Long time without contact")
        STAFF_SUMMARY = "staff_summary", _("Pairings still below the minimum")
        VISIT_TASK = "visit_task", _("Visit task")
        VISIT_OVERDUE = "visit_overdue", _("Visit overdue")
        APPEAL_OVERDUE = "appeal_overdue", _("Appeal overdue")
        MAJOR_EVENT = "major_event", _("Major event reported")
        REPORT = "report", _("Annual report")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    dedupe_key = models.CharField(_("key"), max_length=150, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_inbox")]

    def __str__(self):
        return self.title


class WebhookChannel(models.Model):
    """A group-robot webhook of an organization: enterprise WeChat (企业微信) or DingTalk (钉钉)."""

    class Kind(models.TextChoices):
        WECOM = "wecom", _("Enterprise WeChat group robot")
        DINGTALK = "dingtalk", _("DingTalk group robot")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="webhooks", verbose_name=_("organization")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    url = models.URLField(_("webhook address"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=200, blank=True, help_text=_("DingTalk only."))
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("webhook channel")
        verbose_name_plural = _("webhook channels")

    def __str__(self):
        return f"{self.organization} · {self.get_kind_display()}"


class Delivery(models.Model):
    """One sending of a notification through one channel; claimed with compare-and-set, retried."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        WECOM = "wecom", _("Enterprise WeChat")
        DINGTALK = "dingtalk", _("DingTalk")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("notification")
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    webhook = models.ForeignKey(
        WebhookChannel, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries",
        verbose_name=_("webhook"),
    )  # fmt: skip
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], condition=models.Q(webhook__isnull=True),
                name="delivery_once_per_channel",
            ),
            models.UniqueConstraint(
                fields=["notification", "webhook"], condition=models.Q(webhook__isnull=False),
                name="delivery_once_per_webhook",
            ),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.notification} · {self.get_channel_display()} · {self.get_status_display()}"


class SweepRun(models.Model):
    """The record of one run of a daily sweep, for the staff page and for catch-up."""

    name = models.CharField(_("sweep"), max_length=50)
    day = models.DateField(_("day swept"))
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created = models.PositiveIntegerField(_("created"), default=0)

    class Meta:
        verbose_name = _("sweep run")
        verbose_name_plural = _("sweep runs")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["name", "day"], name="sweeprun_name_day")]

    def __str__(self):
        return f"{self.name} {self.day}"


class ReportFileQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Workbooks of organizations in the user's subtree."""
        return self.filter(scoping.organization_q(user, "organization__path"))


class ReportFile(models.Model):
    """One built annual-report workbook (.xlsx), kept with who made it and when (DOMAIN.md rule 14)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="report_files", verbose_name=_("organization")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    file = models.FileField(_("file"), upload_to="reports/%Y/", blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("made by"), help_text=_("Empty when the scheduled pre-build made it."),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ReportFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("report workbook")
        verbose_name_plural = _("report workbooks")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "year"], name="reportfile_org_year")]

    def __str__(self):
        return f"{self.organization} {self.year}"


class AnnualReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Reports of organizations in the user's subtree (a parent sees its children's)."""
        return self.filter(scoping.organization_q(user, "organization__path"))


class AnnualReport(models.Model):
    """An organization's report of a year submitted up the tree (逐级报送) and reviewed by the parent."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Not submitted")
        SUBMITTED = "submitted", _("Submitted, awaiting review")
        RETURNED = "returned", _("Returned for changes")
        ACCEPTED = "accepted", _("Accepted")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="annual_reports", verbose_name=_("organization")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    # The figures as submitted; once accepted they are what the report says, whatever changes later.
    summary = models.JSONField(_("figures as submitted"), default=dict, blank=True)
    workbook = models.ForeignKey(
        ReportFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("workbook")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("submitted by"),
    )  # fmt: skip
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("reviewed by"),
    )  # fmt: skip
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = AnnualReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["-year", "organization__path"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="annualreport_one_per_org_year"),
        ]

    def __str__(self):
        return f"{self.organization} {self.year}"

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.ACCEPTED


# Change history (issue 9, audit): who created, changed or deleted a pairing, a contact or an appeal, and
# when. Free text may hold health or family details, so its values are masked; the field names remain.
auditlog.register(Pairing)
auditlog.register(
    ContactLog, m2m_fields={"topics"}, mask_fields=["summary", "opinions"], mask_callable="talents.models.audit_mask"
)
auditlog.register(
    Appeal,
    exclude_fields=["version", "updated_at"],
    mask_fields=["description", "measures", "result"],
    mask_callable="talents.models.audit_mask",
)
