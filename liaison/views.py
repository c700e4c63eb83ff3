from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Func, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import scoping
from accounts.decorators import role_required, staff_required
from accounts.forms import apply_service_errors
from accounts.links import link_maker
from accounts.models import AuditEvent, Organization, User
from accounts.services import audit_record
from liaison import reports, services, sweeps, workflow
from liaison.exports import appeal_ledger_sheet
from liaison.filters import AppealFilter, PairingFilter
from liaison.forms import (
    AppealAssignForm,
    AppealEditForm,
    AppealFollowUpForm,
    AppealForm,
    AppealProgressForm,
    AppealResolveForm,
    AppealStepForm,
    CalendarDayForm,
    ComplianceForm,
    ContactForm,
    ContactsUploadForm,
    HandoverForm,
    LeaderForm,
    LeaderListForm,
    NextTermForm,
    PairingEndForm,
    PairingForm,
    PairingReassignForm,
    PairingsUploadForm,
    ReminderPolicyForm,
    ReportForm,
    ReportReturnForm,
    ReportReviewForm,
    TermForm,
    WebhookForm,
)
from liaison.imports import (
    contacts_review,
    pairings_review,
    parse_pairings,
    read_contacts,
    write_contacts_template,
    write_pairings_template,
)
from liaison.models import (
    AnnualReport,
    Appeal,
    AppealCategory,
    CalendarDay,
    ContactLog,
    ContactMethod,
    Delivery,
    Holiday,
    Leader,
    Pairing,
    PairingTally,
    ReminderPolicy,
    ReportFile,
    SweepRun,
    Term,
    VisitTask,
    WebhookChannel,
    campaign_figures,
)
from talents.imports import read_stored
from talents.models import ImportBatch, MajorEvent, Talent
from talents.paging import ReversiblePaginator
from talents.views import (
    audited_xlsx,
    confirm_batch,
    import_upload,
    render_batch_preview,
    template_response,
    visible_batch,
)

LEADER_PAGE_SIZE = 50
COMPLIANCE_LIST_MAX = 100  # the rest are in the pairing list, filtered alike
# What the list below the minimum shows, and no more (not the talents' personal data, which is decrypted as it
# loads): plain rows, as building six models for each of 100 pairings took longer than reading them.
COMPLIANCE_LIST_FIELDS = (
    "pk", "talent_id", "talent__name", "talent__organization_id", "talent__organization__name", "leader__user__name",
    "leader__user__username", "contacts_this_year", "term__min_contacts_per_year",
)  # fmt: skip
leader_required = role_required("leader")
contact_loggers = role_required("leader", "staff", "liaison")


@require_GET
@login_required
@leader_required
def my_talents(request):
    today = timezone.localdate()
    pairings = (
        Pairing.objects.active()
        .filter(leader__user=request.user)
        .select_related("talent__work_unit", "term")
        .with_year_stats(today.year)
        .order_by("met_minimum", "last_contact", "talent__name_pinyin")
    )
    pending = (
        ContactLog.objects.filter(leader__user=request.user, confirmed_at__isnull=True)
        .select_related("talent", "method", "created_by")
        .order_by("-date")
    )
    visits = VisitTask.objects.open().filter(leader__user=request.user).select_related("talent", "holiday")
    context = {"pairings": pairings, "pending": pending, "visits": visits, "year": today.year, "today": today}
    return render(request, "liaison/my_talents.html", context)


def _pairing_for_logging(request, pk) -> Pairing:
    """A pairing the user may log a contact for: their own, or one in the scope of staff or liaison."""
    pairing = get_object_or_404(
        Pairing.objects.visible_to(request.user).select_related("talent__work_unit", "leader__user", "term"), pk=pk
    )
    own = pairing.leader.user_id == request.user.pk
    if not own and not scoping.may_edit_talent(request.user, pairing.talent):
        raise PermissionDenied
    if pairing.end is not None:
        raise PermissionDenied
    return pairing


@require_http_methods(["GET", "POST"])
@login_required
@contact_loggers
def contact_add(request, pk):
    pairing = _pairing_for_logging(request, pk)
    today = timezone.localdate()
    initial = {"method": ContactMethod.objects.filter(code=request.GET.get("method")).first()}
    form = ContactForm(request.POST or None, request.FILES or None, today=today, initial=initial)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            contact = services.contact_log_create(pairing=pairing, user=request.user, today=today, **data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if contact.is_pending:
                messages.success(request, _("Contact saved; it waits for %(leader)s to confirm it.") % {
                    "leader": pairing.leader})  # fmt: skip
            else:
                messages.success(request, _("Contact with %(talent)s saved.") % {"talent": pairing.talent})
            own = pairing.leader.user_id == request.user.pk
            return redirect("liaison:my_talents") if own else redirect("talents:talent_detail", pk=pairing.talent_id)
    return render(request, "liaison/contact_add.html", {"form": form, "pairing": pairing})


@require_POST
@login_required
@leader_required
def contact_confirm(request, pk):
    contact = get_object_or_404(ContactLog.objects.filter(leader__user=request.user), pk=pk)
    try:
        services.contact_confirm(contact=contact, user=request.user)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        messages.success(request, _("Contact confirmed."))
    return redirect("liaison:my_talents")


@require_GET
@login_required
@staff_required
def term_list(request):
    # Counted per term from the partial index on active pairings, not by joining every pairing in scope.
    active = Pairing.objects.filter(term=OuterRef("pk"), end__isnull=True).order_by().values("term")
    terms = (
        Term.objects.visible_to(request.user)
        .select_related("organization")
        .annotate(active_pairings=Coalesce(Subquery(active.annotate(n=Count("*")).values("n")), 0))
        .order_by("-start", "organization__path", "name")
    )
    return render(request, "liaison/term_list.html", {"terms": terms, "today": timezone.localdate()})


@require_http_methods(["GET", "POST"])
@login_required
@staff_required
def term_add(request):
    start, end = services.term_default_dates(timezone.localdate())
    initial = {"start": start, "end": end, "name": f"{start.year}—{end.year}", "min_contacts_per_year": 1}
    form = TermForm(request.POST or None, initial=initial, user=request.user)
    if form.is_valid():
        term = form.save()
        messages.success(request, _("Term “%(name)s” created.") % {"name": term.name})
        return redirect("liaison:pairing_list")
    return render(request, "liaison/term_add.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
@staff_required
def term_next(request, pk):
    current = get_object_or_404(Term.objects.visible_to(request.user), pk=pk)
    start, end = current.end + timezone.timedelta(days=1), current.end.replace(year=current.end.year + 2)
    form = NextTermForm(request.POST or None, initial={"start": start, "end": end, "name": f"{start.year}—{end.year}"})
    if form.is_valid():
        try:
            term, copied = services.term_start_next(current=current, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Term “%(name)s” opened with %(count)d pairings.") % {
                "name": term.name, "count": copied})  # fmt: skip
            return redirect("liaison:term_list")
    return render(request, "liaison/term_next.html", {"form": form, "current": current})


@require_GET
@login_required
@staff_required
def leader_list(request):
    year = timezone.localdate().year
    form = LeaderListForm(request.GET or None, user=request.user)
    leaders = Leader.objects.visible_to(request.user)
    if form.is_valid():
        if organization := form.cleaned_data["organization"]:
            leaders = leaders.filter(organization__path__startswith=organization.path)
        if q := form.cleaned_data["q"]:
            leaders = leaders.filter(Q(user__name__icontains=q) | Q(post__icontains=q))
    contacts = ContactLog.objects.filter(leader=OuterRef("pk"), confirmed_at__isnull=False).order_by()
    count = Func(F("pk"), function="COUNT")
    leaders = (
        leaders.select_related("user", "organization")
        .annotate(  # subqueries, read for the page's 50 leaders only (the keys are read without them)
            active_pairings=Subquery(
                Pairing.objects.filter(leader=OuterRef("pk"), end__isnull=True).order_by().annotate(n=count).values("n")
            ),
            contacts_this_year=Subquery(contacts.filter(date__year=year).annotate(n=count).values("n")),
            last_contact=Subquery(contacts.order_by("-date").values("date")[:1]),
        )
        .order_by("-is_active", "organization__path", "user__name", "pk")  # total, for ReversiblePaginator
    )
    page = ReversiblePaginator(leaders, LEADER_PAGE_SIZE, by_keys=True).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "year": year}
    return render(request, "liaison/leader_list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@staff_required
def leader_add(request):
    form = LeaderForm(request.POST or None, user=request.user)
    if form.is_valid():
        try:
            services.leader_create(**form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Leader registered."))
            return redirect("liaison:leader_list")
    return render(request, "liaison/leader_add.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
@staff_required
def leader_handover(request, pk):
    leader = get_object_or_404(Leader.objects.visible_to(request.user).select_related("user"), pk=pk)
    form = HandoverForm(request.POST or None, initial={"on": timezone.localdate()}, user=request.user, leader=leader)
    if form.is_valid():
        try:
            moved = services.leader_handover(leader=leader, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(count)d pairings handed over to %(successor)s.") % {
                "count": len(moved), "successor": form.cleaned_data["successor"]})  # fmt: skip
            return redirect("liaison:leader_list")
    active = leader.pairings.active().select_related("talent", "term")
    return render(request, "liaison/leader_handover.html", {"form": form, "leader": leader, "active": active})


@require_GET
@login_required
@staff_required
def pairing_list(request):
    year = timezone.localdate().year
    pairing_filter = PairingFilter(request.GET, queryset=Pairing.objects.visible_to(request.user), user=request.user,
                                   year=year)  # fmt: skip
    rows = pairing_filter.qs
    count = pairing_filter.kept_count(request.user)
    if count is None:
        count = rows.count()  # joins what the chosen filters need only: this year's counts if filtered on them
    rows = (
        rows.select_related("leader__user", "talent__work_unit", "term")
        .with_year_stats(year)
        # Each leader's talents together, read from the index pairing_end_leader (a leader's name would
        # need every row joined and sorted first); total, for ReversiblePaginator.
        .order_by("end", "leader_id", "talent__name_pinyin", "pk")
    )
    paginator = ReversiblePaginator(rows, 30, by_keys=True)
    paginator.count = count
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter": pairing_filter, "page": page, "query": query.urlencode(), "year": year}
    return render(request, "liaison/pairing_list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@staff_required
def pairing_add(request, term_pk):
    term = get_object_or_404(Term.objects.visible_to(request.user), pk=term_pk)
    today = timezone.localdate()
    initial = {"start": min(max(today, term.start), term.end)}
    form = PairingForm(request.POST or None, initial=initial, user=request.user, term=term)
    if form.is_valid():
        try:
            pairing = services.pairing_create(term=term, on=form.cleaned_data.pop("start"), **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(pairing)s created.") % {"pairing": pairing})
            return redirect(f"{reverse('liaison:pairing_list')}?term={term.pk}")
    return render(request, "liaison/pairing_add.html", {"form": form, "term": term})


def _staff_pairing(request, pk) -> Pairing:
    return get_object_or_404(
        Pairing.objects.visible_to(request.user).select_related("leader__user", "talent", "term"), pk=pk
    )


@require_http_methods(["GET", "POST"])
@login_required
@staff_required
def pairing_end(request, pk):
    pairing = _staff_pairing(request, pk)
    form = PairingEndForm(request.POST or None, initial={"end": timezone.localdate()})
    if form.is_valid():
        try:
            services.pairing_end(pairing=pairing, on=form.cleaned_data["end"], reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Pairing ended; it stays in the history."))
            return redirect("liaison:pairing_list")
    return render(request, "liaison/pairing_end.html", {"form": form, "pairing": pairing})


@require_http_methods(["GET", "POST"])
@login_required
@staff_required
def pairing_reassign(request, pk):
    pairing = _staff_pairing(request, pk)
    initial = {"on": timezone.localdate(), "reason": Pairing.EndReason.ADJUSTMENT}
    form = PairingReassignForm(request.POST or None, initial=initial, user=request.user)
    if form.is_valid():
        try:
            new = services.pairing_reassign(pairing=pairing, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(talent)s is now paired with %(leader)s.") % {
                "talent": new.talent, "leader": new.leader})  # fmt: skip
            return redirect("liaison:pairing_list")
    return render(request, "liaison/pairing_reassign.html", {"form": form, "pairing": pairing})


@require_GET
@login_required
@staff_required
def compliance(request):
    today = timezone.localdate()
    form = ComplianceForm(request.GET or None, user=request.user)
    root = form.cleaned_data["organization"] if form.is_valid() and form.cleaned_data["organization"] else None
    root = root or Organization.objects.visible_to(request.user).order_by("depth", "path").first()
    # Terms running today, said on the pairing's own term (Term.objects.current), which the page joins anyway:
    # a semi-join on the terms as well made the list below the minimum slower to plan.
    in_scope = Pairing.objects.visible_to(request.user).active().filter(term__start__lte=today, term__end__gte=today)
    whole_tree = bool(root) and scoping.is_whole_tree(request.user, root)
    if not whole_tree:  # else the filter keeps every pairing
        in_scope = in_scope.filter(talent__organization__path__startswith=root.path if root else "-")
    pairings = in_scope.with_year_stats(today.year)
    counted = PairingTally.objects.for_compliance(request.user, root, today, whole_tree) if root else None
    by_organization, scorecards = pairings.compliance_figures(root, counted=counted) if root else ([], [])
    below = in_scope.with_year_stats(today.year, per_row=True).below_minimum(by_organization, COMPLIANCE_LIST_MAX)
    talent_link = link_maker("talents:talent_detail")
    rows = below.values(*COMPLIANCE_LIST_FIELDS) if root else []
    below = [{**row, "talent_url": talent_link(row["talent_id"])} for row in rows]
    context = {
        "form": form, "root": root, "year": today.year, "by_organization": by_organization, "scorecards": scorecards,
        "below": below,
        "below_total": sum(row["below"] for row in by_organization),
    }  # fmt: skip
    return render(request, "liaison/compliance.html", context)


# --- The talent appeal ledger (人才诉求台账, DOMAIN.md rules 7 and 12) --------------------------

APPEAL_PAGE_SIZE = 25
# Every role has some appeals in view; a handler is a user of some role, too.
any_role = role_required("staff", "liaison", "leader")
ledger_keepers = role_required("staff", "liaison")


def _visible_appeal(request, pk) -> Appeal:
    appeals = Appeal.objects.visible_to(request.user).select_related(
        "talent__work_unit", "talent__organization", "category", "handler", "contact__leader__user",
        "major_event", "created_by",
    )  # fmt: skip
    return get_object_or_404(appeals, pk=pk)


def _appeal_rows(request, today):
    base = Appeal.objects.visible_to(request.user).select_related("talent__work_unit", "category", "handler")
    appeal_filter = AppealFilter(request.GET, queryset=base, user=request.user, today=today)
    return appeal_filter, appeal_filter.qs


@require_GET
@login_required
@any_role
def appeal_list(request):
    today = timezone.localdate()
    appeals = Appeal.objects.ledger_for(request.user)
    categories = dict(AppealCategory.objects.values_list("pk", "name"))
    # One query gives the counts, the total and the handler choices (from the kept counts for staff).
    counts = Appeal.objects.ledger_counts_for(request.user, today)
    appeal_filter = AppealFilter(
        request.GET, queryset=appeals.select_related("talent__work_unit", "category", "handler"), user=request.user,
        today=today, categories=categories, handler_ids=counts["handler_ids"],
    )  # fmt: skip
    rows = appeal_filter.qs
    if any(value not in (None, "") for value in appeal_filter.form.cleaned_data.values()):
        counts = rows.ledger_counts(today)  # a filter narrows the rows: count what it keeps
    # The 25 rows' talents, units, categories and handlers are joined once the 25 are known: joined
    # before, a township's 1,969 appeals were (13.8 against 7.3 ms, scale 1).
    paginator = ReversiblePaginator(rows, APPEAL_PAGE_SIZE, by_keys=True, keys_inline=True)
    paginator.count = counts["total"]  # counted already: no COUNT(*) of its own
    page = paginator.get_page(request.GET.get("page"))
    for appeal in page:
        appeal.overdue = appeal.is_overdue(today)
    by_category = sorted((categories[pk], n) for pk, n in counts["by_category"].items())
    by_category.sort(key=lambda item: -item[1])  # most first, then by name
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": appeal_filter, "page": page, "query": query.urlencode(), "by_category": by_category,
        "by_status": [(value, label, counts["by_status"][value]) for value, label in Appeal.Status.choices],
        "overdue_count": counts["overdue"],
    }  # fmt: skip
    return render(request, "liaison/appeal_list.html", context)


@require_GET
@login_required
@ledger_keepers
def appeal_export(request):
    today = timezone.localdate()
    _filter, appeals = _appeal_rows(request, today)
    filename = f"{_('Talent appeal ledger')}-{today:%Y%m%d}.xlsx"
    return audited_xlsx(
        request, filename, [appeal_ledger_sheet(appeals, today=today)], action=AuditEvent.Action.EXPORT,
        target=_("Talent appeal ledger"),
    )  # fmt: skip


def _appeal_register(
    request, talent, template, *, source=None, contact=None, major_event=None, initial=None, extra=None
):
    """Shared body of the three ways to register an appeal: check, form, service, redirect."""
    own_contact = contact is not None and contact.leader.user_id == request.user.pk
    if not (workflow.talent_relations(request.user, talent) & workflow.REGISTER_ROLES or own_contact):
        raise PermissionDenied
    today = timezone.localdate()
    form = AppealForm(request.POST or None, initial=initial, today=today, source=source)
    if form.is_valid():
        try:
            appeal = services.appeal_register(
                talent=talent, user=request.user, contact=contact, major_event=major_event, today=today,
                **form.cleaned_data,
            )  # fmt: skip
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Appeal of %(name)s registered.") % {"name": talent.name})
            return redirect("liaison:appeal_detail", pk=appeal.pk)
    context = {"form": form, "talent": talent, "contact": contact, "major_event": major_event, **(extra or {})}
    return render(request, template, context)


def _appeal_talent(request, pk) -> Talent:
    return get_object_or_404(Talent.objects.visible_to(request.user).select_related("work_unit", "organization"), pk=pk)


@require_http_methods(["GET", "POST"])
@login_required
@any_role
def appeal_add(request, talent_pk):
    talent = _appeal_talent(request, talent_pk)
    liaison = workflow.LIAISON in workflow.talent_relations(request.user, talent)
    initial = {"source": Appeal.Source.LIAISON if liaison else Appeal.Source.TALENT}
    # What was heard or reported lately, to raise the appeal from it instead.
    extra = {
        "recent_contacts": ContactLog.objects.visible_to(request.user).filter(talent=talent).exclude(opinions="")[:5],
        "recent_events": talent.major_events.all()[:5],
    }
    return _appeal_register(request, talent, "liaison/appeal_add.html", initial=initial, extra=extra)


@require_http_methods(["GET", "POST"])
@login_required
@any_role
def appeal_from_contact(request, contact_pk):
    contact = get_object_or_404(ContactLog.objects.visible_to(request.user).select_related("leader"), pk=contact_pk)
    talent = _appeal_talent(request, contact.talent_id)
    initial = {"received_on": contact.date, "description": contact.opinions}
    return _appeal_register(
        request, talent, "liaison/appeal_from_contact.html", source=Appeal.Source.CONTACT, contact=contact,
        initial=initial,
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
@any_role
def appeal_from_event(request, event_pk):
    events = MajorEvent.objects.filter(talent__in=Talent.objects.visible_to(request.user))
    event = get_object_or_404(events, pk=event_pk)
    talent = _appeal_talent(request, event.talent_id)
    initial = {"received_on": event.date, "description": event.description}
    return _appeal_register(
        request, talent, "liaison/appeal_from_event.html", source=Appeal.Source.MAJOR_EVENT, major_event=event,
        initial=initial,
    )  # fmt: skip


@require_GET
@login_required
@any_role
def appeal_detail(request, pk):
    appeal = _visible_appeal(request, pk)
    context = {
        "appeal": appeal,
        "events": appeal.events.select_related("actor"),
        "co_handlers": appeal.co_handlers.all(),
        "actions": workflow.available(appeal, workflow.relations(request.user, appeal)),
        "overdue": appeal.is_overdue(timezone.localdate()),
    }
    return render(request, "liaison/appeal_detail.html", context)


def _appeal_step(request, pk, name, form_class, service, *, dated=True):
    """Shared body of the workflow's steps: scope (404), relation (403), status, form, service.

    A refused save keeps what the user typed; when someone else saved first, the page shows the
    appeal as it is now and the form takes its new version, so a second submit is a deliberate one.
    """
    appeal = _visible_appeal(request, pk)
    action = workflow.ACTIONS[name]
    if not action.allows(workflow.relations(request.user, appeal)):
        raise PermissionDenied
    if request.method == "GET" and appeal.status not in action.sources:
        messages.error(request, workflow.status_error(appeal, action).message)
        return redirect("liaison:appeal_detail", pk=appeal.pk)
    today = timezone.localdate()
    form = form_class(request.POST if request.method == "POST" else None, appeal=appeal, user=request.user, today=today)
    if form.is_valid():
        try:
            service(appeal=appeal, user=request.user, **form.cleaned_data, **({"today": today} if dated else {}))
        except ValidationError as error:
            appeal.refresh_from_db()
            if getattr(error, "code", None) == "stale":
                form.data = form.data.copy()
                form.data["version"] = appeal.version
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": action.label})
            return redirect("liaison:appeal_detail", pk=appeal.pk)
    return render(request, f"liaison/appeal_{name}.html", {"form": form, "appeal": appeal, "action": action})


@require_http_methods(["GET", "POST"])
@login_required
@staff_required
def appeal_assign(request, pk):
    return _appeal_step(request, pk, "assign", AppealAssignForm, services.appeal_assign)


@require_http_methods(["GET", "POST"])
@login_required
def appeal_start(request, pk):
    return _appeal_step(request, pk, "start", AppealStepForm, services.appeal_start, dated=False)


@require_http_methods(["GET", "POST"])
@login_required
def appeal_progress(request, pk):
    return _appeal_step(request, pk, "progress", AppealProgressForm, services.appeal_add_progress, dated=False)


@require_http_methods(["GET", "POST"])
@login_required
def appeal_resolve(request, pk):
    return _appeal_step(request, pk, "resolve", AppealResolveForm, services.appeal_resolve)


@require_http_methods(["GET", "POST"])
@login_required
@any_role
def appeal_follow_up(request, pk):
    return _appeal_step(request, pk, "follow_up", AppealFollowUpForm, services.appeal_follow_up)


@require_http_methods(["GET", "POST"])
@login_required
@staff_required
def appeal_close(request, pk):
    return _appeal_step(request, pk, "close", AppealStepForm, services.appeal_close)


@require_http_methods(["GET", "POST"])
@login_required
@ledger_keepers
def appeal_edit(request, pk):
    return _appeal_step(request, pk, "edit", AppealEditForm, services.appeal_update)


def _calendar_year(value, default: int) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return year if 1900 <= year <= 2100 else default


@require_GET
@login_required
@staff_required
def calendar_list(request):
    year = _calendar_year(request.GET.get("year"), timezone.localdate().year)
    context = {
        "year": year,
        "days": CalendarDay.objects.filter(date__year=year),
        "years": sorted({d.year for d in CalendarDay.objects.dates("date", "year")} | {year, year + 1}),
    }
    return render(request, "liaison/calendar_list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@staff_required
def calendar_add(request):
    form = CalendarDayForm(request.POST or None, initial={"kind": CalendarDay.Kind.HOLIDAY})
    if form.is_valid():
        day = form.save()
        messages.success(request, _("%(day)s added to the calendar.") % {"day": day})
        return redirect(f"{reverse('liaison:calendar_list')}?year={day.date.year}")
    return render(request, "liaison/calendar_add.html", {"form": form})


@require_POST
@login_required
@staff_required
def calendar_delete(request, pk):
    day = get_object_or_404(CalendarDay, pk=pk)
    day.delete()
    messages.success(request, _("%(day)s removed from the calendar.") % {"day": day})
    return redirect(f"{reverse('liaison:calendar_list')}?year={day.date.year}")


# --- imports of pairings and of past years' contact ledgers ------------------------------------

IMPORT_PREVIEW_ROWS = 20


def _import_term(request, batch: ImportBatch) -> Term:
    # ImportBatch records no term: the query string of the preview and of its confirm form carries it,
    # checked here every time.
    term_id = request.GET.get("term", "")
    if not term_id.isdigit():
        raise Http404
    return get_object_or_404(Term.objects.visible_to(request.user), pk=term_id, organization=batch.organization_id)


def _pairings_preview_url(batch: ImportBatch, term: Term) -> str:
    return f"{reverse('liaison:pairings_import_preview', args=[batch.pk])}?term={term.pk}"


def _read_pairings(batch: ImportBatch):
    return read_stored(batch, lambda stored: parse_pairings(stored, today=timezone.localdate()))


def _read_contacts(batch: ImportBatch):
    return read_stored(batch, lambda stored: read_contacts(stored, today=timezone.localdate()))


@require_GET
@login_required
@staff_required
def pairings_template(request):
    return template_response(write_pairings_template, _("pairings-template.xlsx"))


@require_http_methods(["GET", "POST"])
@login_required
@staff_required
def pairings_import(request):
    return import_upload(
        request, PairingsUploadForm, "liaison/pairings_import.html",
        preview_url=lambda batch, form: _pairings_preview_url(batch, form.cleaned_data["term"]),
    )  # fmt: skip


@require_GET
@login_required
@staff_required
def pairings_import_preview(request, pk):
    batch = visible_batch(request, pk, ImportBatch.Kind.PAIRINGS)
    term = _import_term(request, batch)

    def review():
        return pairings_review(result=_read_pairings(batch), term=term, user=request.user)

    return render_batch_preview(
        request, batch, "liaison/pairings_import_preview.html", review, term=term, sample_size=IMPORT_PREVIEW_ROWS
    )


@require_POST
@login_required
@staff_required
def pairings_import_confirm(request, pk):
    batch = visible_batch(request, pk, ImportBatch.Kind.PAIRINGS)
    term = _import_term(request, batch)

    def run():
        return services.pairings_import(result=_read_pairings(batch), term=term, user=request.user, batch=batch)

    def done(batch):
        message = _("Pairings imported: %(created)d pairings added.") % {"created": batch.created_count}
        return message, reverse("liaison:pairing_list")

    return confirm_batch(request, batch, run=run, preview_url=_pairings_preview_url(batch, term), done=done)


@require_GET
@login_required
@staff_required
def contacts_template(request):
    return template_response(write_contacts_template, _("contact-ledger-template.xlsx"))


@require_http_methods(["GET", "POST"])
@login_required
@staff_required
def contacts_import(request):
    return import_upload(
        request, ContactsUploadForm, "liaison/contacts_import.html",
        preview_url=lambda batch, form: reverse("liaison:contacts_import_preview", args=[batch.pk]),
    )  # fmt: skip


@require_GET
@login_required
@staff_required
def contacts_import_preview(request, pk):
    batch = visible_batch(request, pk, ImportBatch.Kind.CONTACTS)

    def review():
        result = _read_contacts(batch)
        return contacts_review(
            result=result, organization=batch.organization, user=request.user, today=timezone.localdate()
        )

    return render_batch_preview(
        request, batch, "liaison/contacts_import_preview.html", review, sample_size=IMPORT_PREVIEW_ROWS
    )


@require_POST
@login_required
@staff_required
def contacts_import_confirm(request, pk):
    batch = visible_batch(request, pk, ImportBatch.Kind.CONTACTS)
    preview_url = reverse("liaison:contacts_import_preview", args=[batch.pk])

    def run():
        return services.contacts_import(
            result=_read_contacts(batch), organization=batch.organization, user=request.user, batch=batch,
            today=timezone.localdate(),
        )  # fmt: skip

    def done(batch):
        return _("Contact ledger imported: %(created)d contacts added.") % {"created": batch.created_count}, preview_url

    return confirm_batch(request, batch, run=run, preview_url=preview_url, done=done)


# --- notifications and scheduled work (issue 6) ---------------------------------------------------

NOTIFICATIONS_PER_PAGE = 30


@require_GET
@login_required
def notification_list(request):
    notifications = request.user.notifications.all()
    page = Paginator(notifications, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "liaison/notification_list.html", {"page": page})


@require_POST
@login_required
def notification_read(request, pk):
    notification = get_object_or_404(request.user.notifications, pk=pk)
    request.user.notifications.filter(pk=pk, read_at__isnull=True).update(read_at=timezone.now())
    link = notification.link
    # Only our own paths: a stored link must never send the user to another site.
    return redirect(link if link.startswith("/") and not link.startswith("//") else "liaison:notification_list")


@require_POST
@login_required
def notification_read_all(request):
    request.user.notifications.unread().update(read_at=timezone.now())
    return redirect("liaison:notification_list")


@require_GET
@login_required
@staff_required
def delivery_list(request):
    deliveries = (
        Delivery.objects.filter(notification__recipient__in=User.objects.visible_to(request.user))
        .select_related("notification__recipient", "webhook")
        .order_by("-created_at", "-pk")
    )
    status = request.GET.get("status")
    if status in Delivery.Status.values:
        deliveries = deliveries.filter(status=status)
    page = Paginator(deliveries, 50).get_page(request.GET.get("page"))
    context = {"page": page, "status": status, "statuses": Delivery.Status.choices, "query": f"status={status or ''}"}
    return render(request, "liaison/delivery_list.html", context)


@require_GET
@login_required
@staff_required
def campaign_list(request):
    today = timezone.localdate()
    holidays = [(h, sweeps.next_holiday_date(h, today)) for h in Holiday.objects.prefetch_related("categories")]
    names = {holiday.pk: holiday.name for holiday, _date in holidays}
    stats = [{**row, "holiday_name": names.get(row["holiday"], "")} for row in campaign_figures(request.user, today)]
    finished = SweepRun.objects.filter(finished_at__isnull=False)
    last = finished.values("name").annotate(last=Max("pk")).values("last")
    runs = {run.name: run for run in SweepRun.objects.filter(pk__in=last)}
    context = {"stats": stats, "holidays": sorted(holidays, key=lambda h: h[1] or today),
               "sweep_runs": [(sweeps.SWEEP_LABELS[name], runs.get(name)) for name in sweeps.SWEEPS]}  # fmt: skip
    return render(request, "liaison/campaign_list.html", context)


def _policy_organization(request) -> Organization:
    """The organization whose policy the staff member edits: their outermost one."""
    organization = Organization.objects.visible_to(request.user).order_by("depth", "path").first()
    if organization is None:
        raise PermissionDenied
    return organization


@require_http_methods(["GET", "POST"])
@login_required
@staff_required
def policy_edit(request):
    organization = _policy_organization(request)
    policy = ReminderPolicy.objects.filter(organization=organization).first() or ReminderPolicy(
        organization=organization
    )
    form = ReminderPolicyForm(request.POST or None, instance=policy)
    if form.is_valid():
        form.save()
        messages.success(request, _("Reminder policy of %(org)s saved.") % {"org": organization})
        return redirect("liaison:campaign_list")
    return render(request, "liaison/policy_edit.html", {"form": form, "organization": organization})


@require_http_methods(["GET", "POST"])
@login_required
@staff_required
def webhook_list(request):
    hooks = WebhookChannel.objects.filter(scoping.organization_q(request.user, "organization__path"))
    form = WebhookForm(request.POST or None, user=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Group robot added."))
        return redirect("liaison:webhook_list")
    return render(request, "liaison/webhook_list.html", {"hooks": hooks.select_related("organization"), "form": form})


@require_POST
@login_required
@staff_required
def webhook_delete(request, pk):
    hooks = WebhookChannel.objects.filter(scoping.organization_q(request.user, "organization__path"))
    hook = get_object_or_404(hooks, pk=pk)
    hook.is_active = False
    hook.save(update_fields=["is_active"])
    messages.success(request, _("Group robot turned off."))
    return redirect("liaison:webhook_list")


# --- The annual report, submitted up the tree (DOMAIN.md rules 14 and 15) -------------------------


def _top_organization(user):
    own = sorted(scoping.organizations_for_role(user, "staff"), key=lambda o: (o.depth, o.path))
    return own[0] if own else Organization.objects.visible_to(user).order_by("depth", "path").first()


def _report_scope(request):
    """The form, organization and year asked for; the user's top organization and this year by default.

    An organization out of scope is a 404; a garbage year shows the form's message and this year.
    """
    today = timezone.localdate()
    form = ReportForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    if "organization" in form.errors and request.GET.get("organization", "").isdigit():
        raise Http404
    root = data.get("organization") or _top_organization(request.user)
    if root is None:
        raise Http404
    return form, root, data.get("year") or today.year, today


def _report_url(organization, year) -> str:
    return f"{reverse('liaison:report_detail')}?organization={organization.pk}&year={year}"


@require_GET
@login_required
@staff_required
def report_detail(request):
    form, root, year, today = _report_scope(request)
    rows = reports.report_summary(root, year, today, whole_tree=scoping.is_whole_tree(request.user, root))
    report = AnnualReport.objects.filter(organization=root, year=year).select_related("submitted_by", "reviewed_by")
    report = report.first()
    context = {
        "form": form, "root": root, "year": year, "rows": rows,
        "report": report, "may_submit": reports.may_submit(request.user, root),
        "may_review": bool(report and reports.may_review(request.user, report)),
        "frozen": report.summary.get("rows") if report and report.is_locked else None,
        "files": ReportFile.objects.visible_to(request.user).filter(organization=root, year=year)[:5],
        "children": reports.children_status(root, year),
    }  # fmt: skip
    return render(request, "liaison/report_detail.html", context)


def _audit_report_download(request, report_file: ReportFile) -> None:
    target = _("Annual report %(year)d, %(organization)s") % {
        "year": report_file.year, "organization": report_file.organization}  # fmt: skip
    audit_record(request=request, action=AuditEvent.Action.EXPORT, target=target, rows=report_file.rows)


@require_GET
@login_required
@staff_required
def report_download(request):
    _form, root, year, _today = _report_scope(request)
    report_file = reports.report_file_create(organization=root, year=year, user=request.user)
    if report_file.status != ReportFile.Status.DONE:
        messages.info(request, _("The workbook is large and is being built; the link appears below when ready."))
        return redirect(_report_url(root, year))
    _audit_report_download(request, report_file)
    return FileResponse(report_file.file.open("rb"), as_attachment=True, filename=reports.report_filename(root, year))


@require_GET
@login_required
@staff_required
def report_file_status(request, pk):
    report_file = get_object_or_404(ReportFile.objects.visible_to(request.user), pk=pk)
    return render(request, "liaison/report_file_status.html", {"report_file": report_file})


@require_GET
@login_required
@staff_required
def report_file_download(request, pk):
    files = ReportFile.objects.visible_to(request.user).filter(status=ReportFile.Status.DONE)
    report_file = get_object_or_404(files.select_related("organization"), pk=pk)
    _audit_report_download(request, report_file)
    name = reports.report_filename(report_file.organization, report_file.year)
    return FileResponse(report_file.file.open("rb"), as_attachment=True, filename=name)


@require_POST
@login_required
@staff_required
def report_submit(request, org_pk, year):
    organization = get_object_or_404(Organization.objects.visible_to(request.user), pk=org_pk)
    if not 2000 <= year <= 2100:
        raise Http404
    if not reports.may_submit(request.user, organization):
        raise PermissionDenied
    try:
        reports.report_submit(organization=organization, year=year, user=request.user, today=timezone.localdate())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The %(year)d report is submitted to %(parent)s.") % {
            "year": year, "parent": reports.parent_of(organization)})  # fmt: skip
    return redirect(_report_url(organization, year))


def _reviewable(request, pk) -> AnnualReport:
    reports_in_scope = AnnualReport.objects.visible_to(request.user).select_related("organization")
    report = get_object_or_404(reports_in_scope, pk=pk)
    if not reports.may_review(request.user, report):
        raise PermissionDenied
    return report


@require_POST
@login_required
@staff_required
def report_accept(request, pk):
    report = _reviewable(request, pk)
    form = ReportReviewForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Reload the page and try again."))
        reports.report_accept(report=report, user=request.user, version=form.cleaned_data["version"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The report of %(org)s is accepted.") % {"org": report.organization})
    return redirect(_report_url(reports.parent_of(report.organization), report.year))


@require_http_methods(["GET", "POST"])
@login_required
@staff_required
def report_return(request, pk):
    report = _reviewable(request, pk)
    form = ReportReturnForm(request.POST or None, initial={"version": report.version})
    if form.is_valid():
        try:
            reports.report_return(report=report, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The report of %(org)s is returned.") % {"org": report.organization})
            return redirect(_report_url(reports.parent_of(report.organization), report.year))
    context = {"form": form, "report": report, "parent": reports.parent_of(report.organization)}
    return render(request, "liaison/report_return.html", context)


# --- The staff dashboard ------------------------------------------------------------------------

DASHBOARD_LIST_MAX = 10


def _next_holiday(today):
    dates = [(sweeps.next_holiday_date(h, today), h) for h in Holiday.objects.filter(is_active=True)]
    return min(((d, h) for d, h in dates if d), key=lambda item: item[0], default=(None, None))


@require_GET
@login_required
@staff_required
def dashboard(request):
    form, root, year, today = _report_scope(request)
    facts = reports.report_facts(root, year, today, scoping.is_whole_tree(request.user, root))
    rows = reports.report_summary(root, year, today, facts=facts)
    holiday_date, holiday = _next_holiday(today)
    chart = {
        "organizations": [r["name"] for r in rows[:-1]], "rates": [r["rate"] for r in rows[:-1]],
        "months": reports.contacts_by_month(facts), "by_status": reports.appeals_by(facts, "status"),
        "by_category": reports.appeals_by(facts, "category"),
    }  # fmt: skip
    context = {
        "form": form, "root": root, "year": year, "total": rows[-1], "chart": chart,
        "holiday": holiday, "holiday_date": holiday_date,
        "overdue_appeals": Appeal.objects.overdue(today).filter(organization__path__startswith=root.path)
        .select_related("talent", "category").order_by("deadline")[:DASHBOARD_LIST_MAX],
        "overdue_visits": VisitTask.objects.overdue(today).filter(talent__organization__path__startswith=root.path)
        .select_related("talent", "leader__user").order_by("due_date")[:DASHBOARD_LIST_MAX],
    }  # fmt: skip
    return render(request, "liaison/dashboard.html", context)
