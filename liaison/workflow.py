"""The appeal ledger's state machine: which step may follow which, and who may take it.

One table serves the services (which refuse a step) and the appeal page (which offers the steps as
buttons), so the two never disagree. Who may act is a relation of the user to the appeal, not a
role held somewhere: the staff above the talent, the handler, a co-handler, the liaison officer of
the talent's work unit, the leader paired with the talent.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import scoping
from liaison.models import Appeal, Pairing
from talents.models import WorkUnit

STAFF, HANDLER, CO_HANDLER, LIAISON, LEADER = "staff", "handler", "co_handler", "liaison", "leader"
Status = Appeal.Status


@dataclass(frozen=True)
class Action:
    """One step of the workflow; ``name`` is also the view ``liaison:appeal_<name>``."""

    name: str
    label: str
    sources: tuple[str, ...]  # the statuses it may start from
    target: str | None  # the status it leads to; None when the status stays
    roles: frozenset[str]  # relations to the appeal that allow it
    icon: str = "arrow-right"

    @property
    def url_name(self) -> str:
        return f"liaison:appeal_{self.name}"

    def allows(self, relations: frozenset[str]) -> bool:
        return bool(self.roles & relations)


# Who may register an appeal for a talent (DOMAIN.md rule 7: the unit keeps the ledger; the leader
# raises what was heard during a contact; the office registers what reaches it directly).
REGISTER_ROLES = frozenset({STAFF, LIAISON, LEADER})

_ACTIONS = [
    Action("assign", gettext_lazy("Assign"), (Status.REGISTERED,), Status.ASSIGNED, frozenset({STAFF}), "send"),
    Action("start", gettext_lazy("Start handling"), (Status.ASSIGNED,), Status.IN_PROGRESS,
           frozenset({STAFF, HANDLER}), "play-circle"),
    Action("progress", gettext_lazy("Add a progress note"), (Status.ASSIGNED, Status.IN_PROGRESS), None,
           frozenset({STAFF, HANDLER, CO_HANDLER}), "chat-left-text"),
    Action("resolve", gettext_lazy("Resolve"), (Status.IN_PROGRESS,), Status.RESOLVED,
           frozenset({STAFF, HANDLER}), "check2-circle"),
    # "Unsatisfied" sends the appeal back to ASSIGNED for a second round instead (appeal_follow_up).
    Action("follow_up", gettext_lazy("Follow up"), (Status.RESOLVED,), Status.FOLLOWED_UP,
           frozenset({STAFF, LIAISON, LEADER}), "telephone"),
    Action("close", gettext_lazy("Close"), (Status.FOLLOWED_UP,), Status.CLOSED, frozenset({STAFF}), "archive"),
    Action("edit", gettext_lazy("Edit"), tuple(s for s in Status.values if s != Status.CLOSED), None,
           frozenset({STAFF, LIAISON}), "pencil"),
]  # fmt: skip
ACTIONS: dict[str, Action] = {action.name: action for action in _ACTIONS}


def talent_relations(user, talent) -> set[str]:
    """Return how ``user`` stands to ``talent``: staff above it, its unit's liaison officer, its leader."""
    relations = set()
    if scoping.is_staff_over(user, talent.organization):
        relations.add(STAFF)
    roles = scoping.roles(user)
    units = WorkUnit.liaison_officers.through.objects
    if "liaison" in roles and units.filter(workunit_id=talent.work_unit_id, user_id=user.pk).exists():
        relations.add(LIAISON)
    if "leader" in roles and Pairing.objects.active().filter(talent_id=talent.pk, leader__user_id=user.pk).exists():
        relations.add(LEADER)
    return relations


def relations(user, appeal: Appeal) -> frozenset[str]:
    """Return how ``user`` stands to ``appeal``: the talent's relations plus handler and co-handler."""
    found = talent_relations(user, appeal.talent)
    if appeal.handler_id is not None and appeal.handler_id == user.pk:
        found.add(HANDLER)
    if appeal.co_handlers.filter(pk=user.pk).exists():
        found.add(CO_HANDLER)
    return frozenset(found)


def available(appeal: Appeal, relations: frozenset[str]) -> list[Action]:
    """Return the steps ``relations`` allow on ``appeal`` in its current status, in workflow order."""
    return [a for a in _ACTIONS if appeal.status in a.sources and a.allows(relations)]


def status_error(appeal: Appeal, action: Action) -> ValidationError:
    """Return the error shown when ``action`` does not follow from the appeal's current status."""
    return ValidationError(
        _("This appeal is “%(status)s” now: “%(action)s” is not possible.")
        % {"status": appeal.get_status_display(), "action": action.label},
        code="status",
    )


def check(action: Action, appeal: Appeal, relations: frozenset[str]) -> None:
    """Refuse a step the user may not take (PermissionDenied) or the status does not allow (ValidationError)."""
    if not action.allows(relations):
        raise PermissionDenied
    if appeal.status not in action.sources:
        raise status_error(appeal, action)
