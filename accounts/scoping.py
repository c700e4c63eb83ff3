"""The one place that says what a user may see.

Every queryset's ``visible_to(user)`` builds its filter here, so a rule changes in one place.
A superuser sees everything (and works in the Django admin); office staff see the subtree of each
organization where they hold the staff role, never a sibling's (DOMAIN.md "Who uses it").
Functions take lookup paths as strings so this module imports no other app.
"""

from functools import reduce
from operator import or_

from django.db.models import F, Func, Q, Subquery

NOTHING = Q(pk__in=[])
# Always true, and, unlike an empty Q(), still true when OR-ed with another condition. Django drops it
# from the SQL, with the joins it would have needed.
EVERYTHING = ~NOTHING


def memberships(user) -> list:
    """Return the user's memberships with their organizations, cached on the user for the request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_memberships_cache", None)
    if cached is None:
        # How many top-level organizations exist rides along (see covers_every_organization).
        roots = _model("accounts.Organization").objects.filter(depth=1).order_by()
        roots = Subquery(roots.annotate(n=Func(F("pk"), function="COUNT")).values("n"))
        cached = list(user.memberships.select_related("organization").annotate(roots=roots))
        user._memberships_cache = cached
    return cached


def roles(user) -> set[str]:
    """Return the role codes the user holds anywhere."""
    return {m.role for m in memberships(user)}


def organizations_for_role(user, role: str) -> list:
    """Return the organizations where the user holds ``role``."""
    return [m.organization for m in memberships(user) if m.role == role]


# Who manages accounts and organizations (三员分立): office staff, and the account administrator, who
# reads no talent data because every other rule here names the staff role only.
ACCOUNT_ROLES = ("staff", "account_admin")


def staff_paths(user, roles: tuple[str, ...] = ("staff",)) -> list[str]:
    """Return the tree paths of the organizations where the user holds one of ``roles``, outermost only."""
    paths = sorted(m.organization.path for m in memberships(user) if m.role in roles)
    # A path inside another one adds nothing to a prefix filter.
    return [p for i, p in enumerate(paths) if not any(p.startswith(q) for q in paths[:i])]


def sees_everything(user) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active)


def covers_every_organization(user, paths: list[str]) -> bool:
    """Whether ``paths`` (from ``staff_paths``) hold every top-level organization, so the whole tree."""
    found = memberships(user)
    steplen = _model("accounts.Organization").steplen
    return bool(found) and sum(len(p) == steplen for p in paths) == found[0].roots


def is_whole_tree(user, organization) -> bool:
    """Whether ``organization``'s subtree is the whole tree: it is the only top-level organization.

    A filter on that subtree keeps every row and can be left out. Read from the user's memberships,
    which carry the number of top-level organizations, so it costs no query.
    """
    found = memberships(user)
    return bool(found) and organization.depth == 1 and found[0].roots == 1


def sees_every_talent(user) -> bool:
    """Whether the user's talent filter keeps every talent: a superuser, or staff of the whole tree.

    A query of rows that all have a talent (appeals, pairings) then needs no semi-join on the talents.
    """
    return sees_everything(user) or covers_every_organization(user, staff_paths(user))


def talent_paths(user) -> list[str] | None:
    """The organization paths whose subtrees hold exactly the talents the user sees (``[""]``: every one).

    None when the user also sees talents one by one: a leader those paired with, a liaison officer
    those of their units. Counts kept per organization (``liaison.AppealTally``) serve the others.
    """
    if sees_every_talent(user):
        return [""]
    if roles(user) & {"leader", "liaison"}:
        return None
    return staff_paths(user)


def organization_q(user, path_field: str, roles: tuple[str, ...] = ("staff",)) -> Q:
    """Filter on an organization path field: staff (or the holders of ``roles``) see their subtrees.

    Staff of every top-level organization (a city's office, in a one-city site) see everything: no
    filter, so no join to the organizations either.
    """
    if sees_everything(user):
        return Q()
    paths = staff_paths(user, roles)
    if not paths:
        return NOTHING
    if covers_every_organization(user, paths):
        return EVERYTHING
    return reduce(or_, (Q(**{f"{path_field}__startswith": p}) for p in paths))


def _model(label: str):
    # Looked up by name: this module is imported by the models of the other apps.
    from django.apps import apps

    return apps.get_model(label)


def work_unit_q(user, prefix: str = "") -> Q:
    """Filter work units: staff see their subtrees' units, a liaison officer the units they serve."""
    if sees_everything(user):
        return Q()
    q = organization_q(user, f"{prefix}organization__path")
    if "liaison" in roles(user):
        q |= Q(**{f"{prefix}pk__in": _units(user)})
    return q


def _units(user):
    return _model("talents.WorkUnit").objects.filter(liaison_officers=user.pk).values("pk")


def talent_q(user, prefix: str = "") -> Q:
    """Filter talents (or rows of a talent, with ``prefix="talent__"``).

    Staff: talents of their subtrees. Leader: talents they are or were paired with, so a leader
    keeps reading what they logged after a handover. Liaison officer: talents of their work units.
    """
    if sees_everything(user):
        return Q()
    q = organization_q(user, f"{prefix}organization__path")
    user_roles = roles(user)
    if "leader" in user_roles:
        paired = _model("liaison.Pairing").objects.filter(leader__user=user.pk).values("talent_id")
        q |= Q(**{f"{prefix}pk__in": paired})
    if "liaison" in user_roles:
        q |= Q(**{f"{prefix}work_unit__in": _units(user)})
    return q


def may_see_personal_numbers(user, talent) -> bool:
    """Whole ID and phone numbers are for the staff above the talent and the unit's liaison officer."""
    if is_staff_over(user, talent.organization):
        return True
    return "liaison" in roles(user) and _units(user).filter(pk=talent.work_unit_id).exists()


def may_edit_talent(user, talent) -> bool:
    """Staff and the unit's liaison officers keep a talent's record; leaders only read it."""
    return may_see_personal_numbers(user, talent)


def is_staff_over(user, organization) -> bool:
    """Whether the user is staff of ``organization`` or of one above it."""
    return sees_everything(user) or any(organization.path.startswith(p) for p in staff_paths(user))
