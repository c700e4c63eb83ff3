"""Excel exports of the talent database.

Personal numbers are masked in the talent list unless a second staff member approved the export
(``ExportApproval``); a talent's own data export holds everything, for the staff over the talent.
"""

from django.utils.translation import gettext as _

from talents.excel import Sheet, iter_in_chunks


def talent_list_sheet(talents, *, masked: bool = True) -> Sheet:
    """Return the talent list as a sheet, in the order of the roster template, numbers masked unless told."""
    columns = [
        (_("No."), 6), (_("Full name"), 10), (_("Gender"), 6), (_("Birth date"), 12), (_("Political status"), 12),
        (_("Education"), 12), (_("Professional title"), 16), (_("Categories"), 20), (_("Level"), 8),
        (_("Field or industry"), 16), (_("Work unit"), 24), (_("Post"), 16), (_("Phone"), 14),
        (_("ID card number"), 22), (_("Organization"), 14), (_("Status"), 8),
    ]  # fmt: skip

    def rows():
        for number, t in enumerate(iter_in_chunks(talents), start=1):
            phone, id_number = (t.masked_phone, t.masked_id_number) if masked else (t.phone, t.id_number)
            yield (
                number, t.name, t.get_gender_display(), t.birth_date, t.get_political_status_display(),
                t.get_education_display(), t.professional_title, "、".join(c.name for c in t.categories.all()),
                t.get_level_display(), t.field, t.work_unit.name, t.post, phone, id_number,
                t.organization.name, t.get_status_display(),
            )  # fmt: skip

    return Sheet(title=_("Talents"), columns=columns, rows=rows())


PROFILE_FIELDS = (
    "name", "gender", "birth_date", "ethnicity", "political_status", "education", "degree", "professional_title",
    "level", "field", "work_unit", "organization", "post", "phone", "email", "address", "id_number", "status",
    "notes", "created_at", "updated_at",
)  # fmt: skip


def _profile_value(talent, name: str):
    field = talent._meta.get_field(name)
    if field.choices:
        return getattr(talent, f"get_{name}_display")()
    value = getattr(talent, name)
    return str(value) if field.is_relation else value


def talent_data_sheets(talent, *, entries) -> list[Sheet]:
    """Return everything held about ``talent`` as sheets: the profile unmasked, major events, the
    records every app adds to the talent's timeline (pairings, contacts, appeals, visits...) given as
    ``entries``, and who saw the whole numbers (个人信息保护法: the right to a copy)."""
    label = lambda name: str(talent._meta.get_field(name).verbose_name)  # noqa: E731
    profile = [(label(name), _profile_value(talent, name)) for name in PROFILE_FIELDS]
    profile.insert(9, (_("Categories"), "、".join(c.name for c in talent.categories.all())))
    events = talent.major_events.select_related("reported_by")
    accesses = talent.data_accesses.select_related("user")
    discharged = _("Discharged on")
    return [
        Sheet(_("Profile"), [(_("Item"), 18), (_("Value"), 50)], profile),
        Sheet(
            _("Major events"),
            [(_("Date"), 12), (_("Kind"), 18), (_("Description"), 60), (_("Reported by"), 12), (discharged, 12)],
            ((e.date, e.get_kind_display(), e.description, str(e.reported_by), e.discharged_on) for e in events),
        ),
        Sheet(
            _("Records"),
            [(_("Date"), 12), (_("Kind"), 12), (_("Title"), 30), (_("Content"), 60), (_("Note"), 20)],
            ((e.date, e.label, e.title, e.body, e.badge) for e in entries),
        ),
        Sheet(
            _("Views of whole numbers"),
            [(_("Time"), 18), (_("User"), 12), (_("Purpose"), 20)],
            ((a.at, str(a.user), a.get_purpose_display()) for a in accesses),
        ),
    ]
