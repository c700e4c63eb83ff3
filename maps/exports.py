"""Excel of the three maps: the annual report's 保障全景 sheet (DOMAIN.md rules 14 and 17)."""

import datetime

from django.utils.translation import gettext as _

from accounts.models import Organization
from maps.services import support_panorama
from talents.excel import Sheet


def support_panorama_sheet(root: Organization, year: int, today: datetime.date) -> Sheet:
    """Return the 保障全景 sheet: per organization, the talents who received each kind of support in ``year``.

    The root's own row, one row per child organization and a total row, as on the 汇总 sheet; the last
    column counts talents who received any support, each once. Fed by ``support_panorama``, the figures
    of the support panorama page.
    """
    panorama = support_panorama(root, year)
    columns = [
        (_("Reporting organization"), 18), *[(kind.name, 10) for kind in panorama.kinds],
        (_("Talents supported"), 10),
    ]  # fmt: skip
    rows = [(row["name"], *row["counts"], row["any"]) for row in panorama.organization_rows()]
    return Sheet(title=_("Support panorama"), columns=columns, rows=rows)
