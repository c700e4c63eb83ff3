"""Excel exports of the talent database; personal numbers are always masked here."""

from django.utils.translation import gettext as _

from talents.excel import Sheet, iter_in_chunks


def talent_list_sheet(talents) -> Sheet:
    """Return the talent list as a sheet, in the order of the roster template, numbers masked."""
    columns = [
        (_("No."), 6), (_("Full name"), 10), (_("Gender"), 6), (_("Birth date"), 12), (_("Political status"), 12),
        (_("Education"), 12), (_("Professional title"), 16), (_("Categories"), 20), (_("Level"), 8),
        (_("Field or industry"), 16), (_("Work unit"), 24), (_("Post"), 16), (_("Phone"), 14),
        (_("ID card number"), 22), (_("Organization"), 14), (_("Status"), 8),
    ]  # fmt: skip

    def rows():
        for number, t in enumerate(iter_in_chunks(talents), start=1):
            yield (
                number, t.name, t.get_gender_display(), t.birth_date, t.get_political_status_display(),
                t.get_education_display(), t.professional_title, "、".join(c.name for c in t.categories.all()),
                t.get_level_display(), t.field, t.work_unit.name, t.post, t.masked_phone, t.masked_id_number,
                t.organization.name, t.get_status_display(),
            )  # fmt: skip

    return Sheet(title=_("Talents"), columns=columns, rows=rows())
