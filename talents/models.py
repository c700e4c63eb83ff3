import datetime

from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.fields.array import ArrayContains
from django.db import connections, models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from accounts import scoping
from accounts.fields import EncryptedTextField, KeyedHashField, keyed_hash
from accounts.models import Organization


class WorkUnitQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Work units of the user's organization subtree, or the units a liaison officer serves."""
        return self.filter(scoping.work_unit_q(user))


class WorkUnit(models.Model):
    """The talent's employer (所在单位); it names liaison officers and keeps the appeal ledger (rule 7)."""

    name = models.CharField(_("name"), max_length=100)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="work_units", verbose_name=_("organization")
    )
    liaison_officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="work_units", verbose_name=_("liaison officers")
    )
    address = models.CharField(_("address"), max_length=200, blank=True)

    objects = WorkUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("work unit")
        verbose_name_plural = _("work units")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="workunit_unique_name_per_org"),
        ]

    def __str__(self):
        return self.name


class TalentCategory(models.Model):
    """An editable category of talent (DOMAIN.md rule 1)."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    code = models.SlugField(_("code"), max_length=30, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("talent category")
        verbose_name_plural = _("talent categories")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class SearchGrams(models.Func):
    """The 1- and 2-character substrings of a text: 张建国 → 张, 张建, 建, 建国, 国 (PostgreSQL, talents/0011)."""

    function = "search_grams"
    output_field = ArrayField(models.TextField())


class SearchQueryGrams(models.Func):
    """The grams every text containing this one has: its 2-character substrings, or itself when shorter."""

    function = "search_query_grams"
    output_field = ArrayField(models.TextField())


class AnyOf(models.Lookup):
    """``lhs = ANY(array)``: inside an OR, PostgreSQL reads it from an index, which ``IN (subquery)`` it does not."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def has_grams(field: str, text: str) -> ArrayContains:
    """Whether ``UPPER(field)`` has every gram of ``UPPER(text)``: true wherever ``field__icontains=text`` is.

    Read from the GIN index on ``search_grams(UPPER(field))`` (talents/0011); pg_trgm's index cannot
    answer fewer than 3 characters, and Chinese names have 2 or 3.
    """
    return ArrayContains(SearchGrams(Upper(field)), SearchQueryGrams(Upper(models.Value(text))))


class TalentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Talents the user may see: staff their subtree, leaders their paired talents, liaison their units'."""
        return self.filter(scoping.talent_q(user))

    def search(self, text: str):
        """Match name, pinyin initials or full pinyin (``zs`` finds 张三), or the work unit's name.

        On PostgreSQL, two conditions: ``found``, whose every term an index answers (the grams of the
        name and of the unit's name, the units' ids, the pinyin prefixes), so the rows are read through
        a BitmapOr instead of reading every talent; and ``matches``, the exact test, true only where
        ``found`` is. Where the indexes answer ``found`` exactly, PostgreSQL no longer tests it row by
        row (as one OR of both, it computed the grams again for every row it read).
        """
        text = text.strip()
        if not text:
            return self
        keys = models.Q()
        if text.isascii() and text.isalpha():
            key = text.lower()
            keys = models.Q(name_initials__startswith=key) | models.Q(name_pinyin__startswith=key)
        if connections[self.db].vendor != "postgresql":
            return self.filter(models.Q(name__icontains=text) | models.Q(work_unit__name__icontains=text) | keys)
        if len(text) > self.model._meta.get_field("name_pinyin").max_length:
            # Longer than any column searched, so it matches nothing; its grams cost O(n²) characters.
            return self.none()
        units = WorkUnit.objects.filter(has_grams("name", text), name__icontains=text).order_by().values("pk")
        # The cheaper terms first: where PostgreSQL tests ``found`` row by row, it stops at the first true one.
        found = keys | models.Q(AnyOf(models.F("work_unit"), ArraySubquery(units))) | models.Q(has_grams("name", text))
        matches = keys | models.Q(name__icontains=text) | models.Q(work_unit__in=units)
        return self.filter(found, matches)

    def with_id_number(self, number: str):
        """Talents with this ID card number, matched through its keyed hash (the column is encrypted)."""
        return self.filter(id_number_hash=keyed_hash(number)) if keyed_hash(number) else self.none()

    def with_id_numbers(self, numbers):
        """Talents with any of these ID card numbers, matched through their keyed hashes."""
        return self.filter(id_number_hash__in=[h for h in map(keyed_hash, numbers) if h])


class Talent(models.Model):
    """An outstanding talent in the database (DOMAIN.md rules 1, 9, 13 and "Personal data")."""

    class Gender(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    class Level(models.TextChoices):
        NATIONAL = "national", _("National level")
        PROVINCIAL = "provincial", _("Provincial level")
        CITY = "city", _("City level")
        COUNTY = "county", _("County level")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        MOVED = "moved", _("Moved away")
        ARCHIVED = "archived", _("Archived")

    class Political(models.TextChoices):
        CPC = "cpc", _("CPC member")
        PROBATIONARY = "probationary", _("CPC probationary member")
        LEAGUE = "league", _("Communist Youth League member")
        DEMOCRATIC = "democratic", _("Democratic party member")
        NONPARTISAN = "nonpartisan", _("Non-partisan")
        MASSES = "masses", _("Masses")

    class Education(models.TextChoices):
        DOCTORATE = "doctorate", _("Doctoral graduate")
        MASTER = "master", _("Master's graduate")
        BACHELOR = "bachelor", _("Undergraduate")
        COLLEGE = "college", _("Junior college")
        SECONDARY = "secondary", _("Secondary school")
        PRIMARY = "primary", _("Junior high or below")

    class Degree(models.TextChoices):
        DOCTOR = "doctor", _("Doctor")
        MASTER = "master", _("Master")
        BACHELOR = "bachelor", _("Bachelor")
        NONE = "none", _("None")

    name = models.CharField(_("name"), max_length=50)
    name_initials = models.CharField(_("pinyin initials"), max_length=50, editable=False, db_index=True)
    name_pinyin = models.CharField(_("pinyin"), max_length=200, editable=False, db_index=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True, default="汉族")
    political_status = models.CharField(_("political status"), max_length=20, choices=Political.choices, blank=True)
    education = models.CharField(_("education"), max_length=20, choices=Education.choices, blank=True)
    degree = models.CharField(_("degree"), max_length=20, choices=Degree.choices, blank=True)
    professional_title = models.CharField(_("professional title"), max_length=50, blank=True)
    categories = models.ManyToManyField(
        TalentCategory, related_name="talents", verbose_name=_("categories"), blank=True
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.COUNTY)
    field = models.CharField(_("field or industry"), max_length=100, blank=True)
    work_unit = models.ForeignKey(
        WorkUnit, on_delete=models.PROTECT, related_name="talents", verbose_name=_("work unit")
    )
    # Copied from the work unit so the scoping filter is one indexed join, not two.
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="talents", verbose_name=_("organization"), editable=False
    )
    post = models.CharField(_("post"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    # Encrypted at rest ("Personal data"); looked up and kept unique through the keyed hash below.
    id_number = EncryptedTextField(_("ID card number"), max_length=18, blank=True)
    id_number_hash = KeyedHashField(_("ID card number hash"), source="id_number", db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    # Encrypted: staff write health and family circumstances here (sensitive personal information).
    notes = EncryptedTextField(_("notes"), blank=True)
    # Set when the talent left and their personal data was erased (talents.services.talent_anonymise).
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TalentQuerySet.as_manager()

    class Meta:
        verbose_name = _("talent")
        verbose_name_plural = _("talents")
        # Pinyin order is the order a Chinese reader expects a list of names in.
        ordering = ["name_pinyin", "pk"]
        constraints = [
            # Re-imports match talents by ID number, so one number is one talent.
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=~models.Q(id_number_hash=""),
                name="talent_unique_id_number_hash",
                violation_error_message=_("A talent with this ID card number is already in the database."),
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"], name="talent_org_status"),
            # "The talents of a subtree" from the index alone (a semi-join of scoped appeals, pairings...).
            models.Index(fields=["organization", "id"], name="talent_org_id"),
            # The active talents of a subtree, or of the whole city, from the index alone: the growth map's
            # count of those with a mentor (the city 38.7 → 18.7 ms, a county → 7.1 ms, scale 1).
            models.Index(fields=["organization", "id"], condition=models.Q(status="active"), name="talent_active_org"),
        ]
        # Search indexes live in migrations 0002 (trigrams) and 0011 (grams): PostgreSQL only.

    def __str__(self):
        return self.name

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def is_archived(self) -> bool:
        return self.status == self.Status.ARCHIVED


class CountedTalents(models.Model):
    """Active talents counted per organization, field (upper-cased, as the demand map matches it) and category.

    ``category`` is a talent category's id, or 0 for every active talent whatever their categories. Kept
    by database triggers; Django never writes these rows.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    field = models.CharField(_("field or industry"), max_length=100, blank=True)
    category = models.PositiveIntegerField(_("talent category id, 0 for all"))
    talents = models.IntegerField(_("active talents"), default=0)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.organization_id} {self.field} {self.category}: {self.talents}"


class TalentTally(CountedTalents):
    """Active talents of each organization itself, per field and category.

    The report's facts (and the dashboard built on them) count each organization's talents from these
    rows, some thousands for a city instead of its 100,000 talents and their categories. Kept by
    database triggers on talents and their categories (migration ``0013_talent_tally``).
    """

    class Meta:
        verbose_name = _("talent count")
        verbose_name_plural = _("talent counts")
        constraints = [
            models.UniqueConstraint(fields=["organization", "field", "category"], name="talent_tally_unique"),
        ]
        indexes = [
            # The report's facts count a subtree's talents per organization (category 0) from the index alone.
            models.Index(
                fields=["category", "organization"],
                include=["talents"],
                condition=~models.Q(talents=0),
                name="talent_tally_counted",
            ),
        ]


class TalentSubtreeTally(CountedTalents):
    """Active talents of each organization *and of every organization below it*, per field and category.

    What the demand map says an organization has (DOMAIN.md rule 17): its subtree's talents, read at the
    needing organization's own rows instead of adding up the rows below it (a city's 9,636 counts rolled
    up its tree on every view). Kept by database triggers on ``TalentTally``: each change of a count is
    added to the organization and every one above it; a move of organizations (the admin's tree) counts
    the table again (migration ``0017_talent_subtree_tally``).
    """

    class Meta:
        verbose_name = _("talent count of a subtree")
        verbose_name_plural = _("talent counts of subtrees")
        constraints = [
            models.UniqueConstraint(fields=["organization", "field", "category"], name="talent_subtree_tally_unique"),
        ]
        indexes = [
            # The demand map reads the rows of the fields its needs match (maps.services.DEMAND_SQL).
            models.Index(
                fields=["field", "category", "organization"],
                include=["talents"],
                condition=~models.Q(talents=0),
                name="talent_subtree_tally_field",
            ),
        ]


def mask_id_number(value: str) -> str:
    """Keep the first 3 and last 4 characters of an ID card number: ``510***********123X``."""
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str) -> str:
    """Keep the first 3 and last 4 digits of a phone number: ``138****5678``."""
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


class Achievement(models.Model):
    """An honour or work achievement of a talent (业绩), dated."""

    talent = models.ForeignKey(Talent, on_delete=models.CASCADE, related_name="achievements", verbose_name=_("talent"))
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return self.title


class Recommendation(models.Model):
    """A recommendation as Party-congress delegate, people's-congress deputy or CPPCC member (rule 13)."""

    class Body(models.TextChoices):
        PARTY_CONGRESS = "party_congress", _("Party congress delegate")
        PEOPLES_CONGRESS = "peoples_congress", _("People's congress deputy")
        CPPCC = "cppcc", _("CPPCC member")

    class Status(models.TextChoices):
        RECOMMENDED = "recommended", _("Recommended")
        ELECTED = "elected", _("Elected")
        NOT_ELECTED = "not_elected", _("Not elected")

    talent = models.ForeignKey(
        Talent, on_delete=models.CASCADE, related_name="recommendations", verbose_name=_("talent")
    )
    body = models.CharField(_("body"), max_length=30, choices=Body.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECOMMENDED)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["-year", "body"]

    def __str__(self):
        return f"{self.year} {self.get_body_display()}"


class MajorEvent(models.Model):
    """A major event reported by the work unit to the leader and the office (rule 10)."""

    class Kind(models.TextChoices):
        INVITED = "invited", _("Invited to a major event")
        ACHIEVEMENT = "achievement", _("Major achievement")
        POST_CHANGE = "post_change", _("Major change of post")
        FAMILY = "family", _("Major family difficulty")
        HEALTH = "health", _("Serious health condition")

    talent = models.ForeignKey(Talent, on_delete=models.CASCADE, related_name="major_events", verbose_name=_("talent"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("date"))
    # Encrypted: an illness or a family difficulty is sensitive personal information.
    description = EncryptedTextField(_("description"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reported by")
    )
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    # For a serious health condition: the day the talent left hospital, reported later (三必访).
    discharged_on = models.DateField(_("discharged on"), null=True, blank=True)

    class Meta:
        verbose_name = _("major event")
        verbose_name_plural = _("major events")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.talent}"


class PersonalDataAccess(models.Model):
    """A record that a user saw a talent's unmasked ID or phone number (个人信息保护法)."""

    class Purpose(models.TextChoices):
        REVEAL = "reveal", _("Revealed on the talent page")
        EDIT = "edit", _("Opened the edit form")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    talent = models.ForeignKey(Talent, on_delete=models.CASCADE, related_name="data_accesses", verbose_name=_("talent"))
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    remote_addr = models.GenericIPAddressField(_("address"), null=True, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.user} · {self.talent} · {self.at:%Y-%m-%d %H:%M}"


class ImportBatch(models.Model):
    """One Excel import: the file, who uploaded it and what it did; bulk writes are recorded here."""

    class Kind(models.TextChoices):
        ROSTER = "roster", _("Talent roster")
        PAIRINGS = "pairings", _("Leaders and pairings")
        CONTACTS = "contacts", _("Historical contact logs")
        ATTENDANCE = "attendance", _("Activity sign-in sheet")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        DONE = "done", _("Imported")
        REJECTED = "rejected", _("Rejected")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ROSTER)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="import_batches", verbose_name=_("organization")
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.original_name}"

    def audit_target(self) -> str:
        """How the audit trail names this import: its kind and number, not the file's name."""
        from django.utils.translation import gettext

        return gettext("%(kind)s, import batch #%(pk)d") % {"kind": self.get_kind_display(), "pk": self.pk}


class ExportApprovalQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Requests for organizations of the user's staff subtrees: their own and those they may approve."""
        return self.filter(scoping.organization_q(user, "organization__path"))


class ExportApproval(models.Model):
    """A request to export the talent list with whole numbers, approved by a second staff member.

    "Personal data": an unmasked export needs another staff member of the organization or one above
    it; the approval is good for one download within ``VALID_FOR``.
    """

    VALID_FOR = datetime.timedelta(hours=24)

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        USED = "used", _("Downloaded")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )
    reason = models.TextField(_("reason"))
    # The talent list's filter as a query string, applied again at download.
    query = models.CharField(_("filter"), max_length=1000, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("valid until"), null=True, blank=True)
    downloaded_at = models.DateTimeField(_("downloaded at"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ExportApprovalQuerySet.as_manager()

    class Meta:
        verbose_name = _("unmasked export approval")
        verbose_name_plural = _("unmasked export approvals")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # The four-eyes rule itself: nobody approves their own request.
            models.CheckConstraint(
                condition=~models.Q(decided_by=models.F("requested_by")), name="exportapproval_not_self_decided"
            ),
        ]

    def __str__(self):
        return f"{self.requested_by} · {self.created_at:%Y-%m-%d %H:%M}"

    def is_downloadable(self, now) -> bool:
        return self.status == self.Status.APPROVED and self.expires_at is not None and now < self.expires_at

    def filter_items(self) -> list[tuple[str, str]]:
        """The filter's (name, value) pairs, for people to read."""
        from django.http import QueryDict

        return [(key, value) for key, value in QueryDict(self.query).items() if value and key != "page"]


def audit_mask(value: str) -> str:
    """Hide a personal value in the change history entirely, its length included."""
    return "******" if value else ""


# Change history of every talent (who changed which field when); personal values are masked in it.
auditlog.register(
    Talent,
    m2m_fields={"categories"},
    exclude_fields=["name_initials", "name_pinyin", "updated_at", "created_at", "id_number_hash"],
    mask_fields=["id_number", "phone", "notes"],
    mask_callable="talents.models.audit_mask",
)
