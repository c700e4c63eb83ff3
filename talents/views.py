import tempfile

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import scoping
from accounts.decorators import role_required, staff_required
from accounts.forms import apply_service_errors
from accounts.models import AuditEvent
from accounts.services import audit_record
from talents import services, timeline
from talents.excel import XLSX_CONTENT_TYPE, UnsafeWorkbook, xlsx_download, xlsx_file
from talents.exports import talent_data_sheets, talent_list_sheet
from talents.filters import TalentFilter
from talents.forms import (
    AchievementForm,
    AnonymiseForm,
    DischargeForm,
    ExportRequestForm,
    MajorEventForm,
    RecommendationForm,
    RosterUploadForm,
    TalentForm,
    WorkUnitForm,
)
from talents.imports import read_batch, roster_review, write_roster_template
from talents.models import (
    ExportApproval,
    ImportBatch,
    MajorEvent,
    PersonalDataAccess,
    Talent,
    TalentCategory,
    WorkUnit,
)
from talents.paging import ReversiblePaginator

PAGE_SIZE = 25
editor_required = role_required("staff", "liaison")


def _visible_talent(request, pk, *, edit=False) -> Talent:
    """Fetch a talent in the user's scope (404 otherwise); 403 when the user may only read it."""
    talent = get_object_or_404(
        Talent.objects.visible_to(request.user).select_related("work_unit", "organization"), pk=pk
    )
    if edit and not scoping.may_edit_talent(request.user, talent):
        raise PermissionDenied
    return talent


def _talent_rows(request):
    base = Talent.objects.visible_to(request.user).select_related("work_unit", "organization")
    talent_filter = TalentFilter(request.GET, queryset=base, user=request.user)
    return talent_filter, talent_filter.qs.prefetch_related("categories")


def _list_filter(query: QueryDict) -> str:
    """The talent list's filter as a query string, without the page number."""
    query = query.copy()
    query.pop("page", None)
    return query.urlencode()


def _filter_summary(query: str) -> str:
    """A filter for the audit trail: the fields and their values, the search words hidden (they may be a name)."""
    items = [(key, "…" if key == "q" else value) for key, value in QueryDict(query).items() if value]
    return "; ".join(f"{key}={value}" for key, value in items)


def audited_xlsx(request, filename: str, sheets, *, action: str, target: str, detail: str = "") -> FileResponse:
    """Build a workbook and send it, appending the export to the audit trail with its row count.

    A build that fails is recorded as a failed export and raised again. ``target`` and ``detail``
    describe what was exported (a list and its filter, "人才 #12"), never a personal value.
    """
    try:
        workbook, rows = xlsx_file(sheets)
    except Exception:
        audit_record(request=request, action=action, target=target, detail=detail, success=False)
        raise
    audit_record(request=request, action=action, target=target, detail=detail, rows=rows)
    return xlsx_download(workbook, filename)


@require_GET
@login_required
def talent_list(request):
    talent_filter, talents = _talent_rows(request)
    page = ReversiblePaginator(talents, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter": talent_filter, "page": page, "query": query.urlencode()}
    return render(request, "talents/talent_list.html", context)


@require_GET
@login_required
@editor_required
def talent_export(request):
    _filter, talents = _talent_rows(request)
    filename = f"人才名单-{timezone.localdate():%Y%m%d}.xlsx"
    return audited_xlsx(
        request, filename, [talent_list_sheet(talents)], action=AuditEvent.Action.EXPORT, target=_("Talent list"),
        detail=_filter_summary(_list_filter(request.GET)),
    )  # fmt: skip


def _render_detail(request, talent, *, revealed=False):
    context = {
        "talent": talent,
        "categories": list(talent.categories.all()),
        "entries": timeline.entries_for(talent, request.user),
        "may_edit": scoping.may_edit_talent(request.user, talent),
        "staff_here": scoping.is_staff_over(request.user, talent.organization),
        "revealed": revealed,
    }
    return render(request, "talents/talent_detail.html", context)


@require_GET
@login_required
def talent_detail(request, pk):
    return _render_detail(request, _visible_talent(request, pk))


@require_POST
@login_required
@editor_required
def talent_reveal(request, pk):
    talent = _visible_talent(request, pk, edit=True)
    services.personal_data_access_record(
        talent=talent, user=request.user, purpose=PersonalDataAccess.Purpose.REVEAL,
        remote_addr=request.META.get("REMOTE_ADDR"),
    )  # fmt: skip
    if request.htmx:
        return render(request, "talents/talent_reveal.html", {"talent": talent})
    return _render_detail(request, talent, revealed=True)


@require_http_methods(["GET", "POST"])
@login_required
@editor_required
def talent_add(request):
    form = TalentForm(request.POST or None, user=request.user)
    if form.is_valid():
        try:
            talent = services.talent_save(talent=form.save(commit=False), categories=form.cleaned_data["categories"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Talent “%(name)s” added.") % {"name": talent.name})
            return redirect("talents:talent_detail", pk=talent.pk)
    return render(request, "talents/talent_add.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
@editor_required
def talent_edit(request, pk):
    talent = _visible_talent(request, pk, edit=True)
    form = TalentForm(request.POST or None, instance=talent, user=request.user)
    if request.method == "GET":
        # The form shows the whole ID and phone numbers.
        services.personal_data_access_record(
            talent=talent, user=request.user, purpose=PersonalDataAccess.Purpose.EDIT,
            remote_addr=request.META.get("REMOTE_ADDR"),
        )  # fmt: skip
    if form.is_valid():
        try:
            services.talent_save(talent=form.save(commit=False), categories=form.cleaned_data["categories"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("talents:talent_detail", pk=talent.pk)
    return render(request, "talents/talent_edit.html", {"form": form, "talent": talent})


@require_POST
@login_required
@staff_required
def talent_archive(request, pk):
    talent = _visible_talent(request, pk, edit=True)
    services.talent_archive(talent=talent)
    messages.success(request, _("“%(name)s” archived. The record and its history are kept.") % {"name": talent.name})
    return redirect("talents:talent_detail", pk=talent.pk)


@require_POST
@login_required
@staff_required
def talent_restore(request, pk):
    talent = _visible_talent(request, pk, edit=True)
    services.talent_restore(talent=talent)
    messages.success(request, _("“%(name)s” is active again.") % {"name": talent.name})
    return redirect("talents:talent_detail", pk=talent.pk)


@require_GET
@login_required
@staff_required
def talent_history(request, pk):
    talent = _visible_talent(request, pk, edit=True)
    entries = LogEntry.objects.get_for_object(talent).select_related("actor").order_by("-timestamp")
    accesses = talent.data_accesses.select_related("user")[:100]
    return render(request, "talents/talent_history.html", {"talent": talent, "entries": entries, "accesses": accesses})


def _talent_record_view(request, pk, form_class, template, save, **form_kwargs):
    """Shared body of the small forms that add a dated record to a talent."""
    talent = _visible_talent(request, pk, edit=True)
    form = form_class(request.POST or None, **form_kwargs)
    if form.is_valid():
        save(talent=talent, user=request.user, **form.cleaned_data)
        messages.success(request, _("Saved to %(name)s's record.") % {"name": talent.name})
        return redirect("talents:talent_detail", pk=talent.pk)
    return render(request, template, {"form": form, "talent": talent})


@require_http_methods(["GET", "POST"])
@login_required
@editor_required
def major_event_add(request, pk):
    return _talent_record_view(
        request, pk, MajorEventForm, "talents/major_event_add.html", services.major_event_report,
        today=timezone.localdate(),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
@editor_required
def achievement_add(request, pk):
    return _talent_record_view(request, pk, AchievementForm, "talents/achievement_add.html", services.achievement_add)


@require_http_methods(["GET", "POST"])
@login_required
@staff_required
def recommendation_add(request, pk):
    return _talent_record_view(
        request, pk, RecommendationForm, "talents/recommendation_add.html", services.recommendation_add
    )


@require_GET
@login_required
@staff_required
def workunit_list(request):
    units = (
        WorkUnit.objects.visible_to(request.user)
        .select_related("organization")
        .prefetch_related("liaison_officers")
        .order_by("organization__path", "name")
    )
    page = Paginator(units, 50).get_page(request.GET.get("page"))
    return render(request, "talents/workunit_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
@login_required
@staff_required
def workunit_add(request):
    form = WorkUnitForm(request.POST or None, user=request.user)
    if form.is_valid():
        try:
            services.work_unit_create(**form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Work unit added."))
            return redirect("talents:workunit_list")
    return render(request, "talents/workunit_add.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
@staff_required
def workunit_edit(request, pk):
    unit = get_object_or_404(WorkUnit.objects.visible_to(request.user), pk=pk)
    form = WorkUnitForm(request.POST or None, instance=unit, user=request.user)
    if form.is_valid():
        try:
            services.work_unit_update(unit=unit, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Work unit saved."))
            return redirect("talents:workunit_list")
    return render(request, "talents/workunit_edit.html", {"form": form, "unit": unit})


ROSTER_PREVIEW_ROWS = 20


def visible_batch(request, pk, kind: str) -> ImportBatch:
    """Fetch an import batch of ``kind`` in the staff member's subtrees (404 otherwise)."""
    batches = ImportBatch.objects.filter(scoping.organization_q(request.user, "organization__path"), kind=kind)
    return get_object_or_404(batches.select_related("organization", "uploaded_by"), pk=pk)


def template_response(write, filename: str) -> FileResponse:
    """Send the import template ``write(target)`` produces as a download."""
    target = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it)
    write(target)
    target.seek(0)
    return FileResponse(target, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def import_upload(request, form_class, template: str, *, preview_url):
    """The upload step of every import: keep a valid file as a batch and show its preview.

    ``form_class`` is a WorkbookUploadForm. A file with bad rows is kept too, rejected, only to list
    them; ``preview_url(batch, form)`` is where to go.
    """
    form = form_class(request.POST or None, request.FILES or None, user=request.user, today=timezone.localdate())
    if form.is_valid():
        review = form.review()
        batch = services.import_batch_create(
            organization=form.organization(), kind=form.kind, file=form.cleaned_data["file"], user=request.user,
            result=form.result, rejected=bool(review.errors),
        )  # fmt: skip
        return redirect(preview_url(batch, form))
    return render(request, template, {"form": form})


def render_batch_preview(request, batch: ImportBatch, template: str, review, **context):
    """Render an import's preview; ``review()`` reads and checks the stored file of a batch not yet done."""
    checked = None
    if batch.status != ImportBatch.Status.DONE:
        try:
            checked = review()
        except UnsafeWorkbook as error:
            messages.error(request, str(error))
    return render(request, template, {"batch": batch, "review": checked, **context})


def confirm_batch(request, batch: ImportBatch, *, run, preview_url: str, done):
    """Import a batch once: ``run()`` reads and imports it, ``done(batch)`` gives the message and next URL.

    Whatever stops it (a file gone, a bad row, a batch imported meanwhile) is shown on the preview;
    every attempt, done or failed, is appended to the audit trail.
    """
    if batch.status == ImportBatch.Status.DONE:
        messages.info(request, _("This file has already been imported."))
        return redirect(preview_url)
    target = batch.audit_target()
    try:
        batch = run()
    except (UnsafeWorkbook, ValidationError) as error:
        # The reason stays out of the audit trail: a row's message quotes the cell it refuses.
        audit_record(request=request, action=AuditEvent.Action.IMPORT, target=target, success=False)
        messages.error(request, str(error) if isinstance(error, UnsafeWorkbook) else " ".join(error.messages))
    else:
        audit_record(
            request=request, action=AuditEvent.Action.IMPORT, target=target, rows=batch.row_count,
            detail=_("%(created)d added, %(updated)d updated") % {
                "created": batch.created_count, "updated": batch.updated_count},
        )  # fmt: skip
        message, next_url = done(batch)
        messages.success(request, message)
        return redirect(next_url)
    return redirect(preview_url)


@require_GET
@login_required
@staff_required
def roster_template(request):
    categories = TalentCategory.objects.filter(is_active=True)
    return template_response(
        lambda target: write_roster_template(target, categories=categories), _("talent-roster-template.xlsx")
    )


@require_http_methods(["GET", "POST"])
@login_required
@staff_required
def roster_import(request):
    return import_upload(
        request, RosterUploadForm, "talents/roster_import.html",
        preview_url=lambda batch, form: reverse("talents:roster_import_preview", args=[batch.pk]),
    )  # fmt: skip


@require_GET
@login_required
@staff_required
def roster_import_preview(request, pk):
    batch = visible_batch(request, pk, ImportBatch.Kind.ROSTER)

    def review():
        result = read_batch(batch, today=timezone.localdate())
        return roster_review(result=result, organization=batch.organization, user=request.user)

    return render_batch_preview(
        request, batch, "talents/roster_import_preview.html", review, sample_size=ROSTER_PREVIEW_ROWS
    )


@require_POST
@login_required
@staff_required
def roster_import_confirm(request, pk):
    batch = visible_batch(request, pk, ImportBatch.Kind.ROSTER)

    def run():
        result = read_batch(batch, today=timezone.localdate())
        return services.roster_import(result=result, organization=batch.organization, user=request.user, batch=batch)

    def done(batch):
        counts = {"created": batch.created_count, "updated": batch.updated_count}
        message = _("Roster imported: %(created)d talents added, %(updated)d updated.") % counts
        return message, reverse("talents:talent_list")

    preview_url = reverse("talents:roster_import_preview", args=[batch.pk])
    return confirm_batch(request, batch, run=run, preview_url=preview_url, done=done)


@require_http_methods(["GET", "POST"])
@login_required
@editor_required
def major_event_discharge(request, pk):
    health = MajorEvent.objects.filter(kind=MajorEvent.Kind.HEALTH, talent__in=Talent.objects.visible_to(request.user))
    event = get_object_or_404(health, pk=pk)
    _visible_talent(request, event.talent_id, edit=True)
    form = DischargeForm(request.POST or None, initial={"on": timezone.localdate()})
    if form.is_valid():
        try:
            services.major_event_discharge(event=event, on=form.cleaned_data["on"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Discharge recorded; the paired leaders are asked to visit within a week."))
            return redirect("talents:talent_detail", pk=event.talent_id)
    return render(request, "talents/major_event_discharge.html", {"form": form, "event": event})


# --- Personal data: a talent's own data, anonymisation, the four-eyes unmasked export (issue 9) -----


def _talent_target(talent) -> str:
    # The audit trail names a talent by number: the auditor reads no talent data (三员分立).
    return _("Talent #%(pk)d") % {"pk": talent.pk}


@require_GET
@login_required
@staff_required
def talent_data_export(request, pk):
    talent = _visible_talent(request, pk)
    if not scoping.is_staff_over(request.user, talent.organization):
        raise PermissionDenied
    sheets = talent_data_sheets(talent, entries=timeline.entries_for(talent, request.user))
    return audited_xlsx(
        request, f"人才信息-{talent.pk}-{timezone.localdate():%Y%m%d}.xlsx", sheets,
        action=AuditEvent.Action.TALENT_DATA_EXPORT, target=_talent_target(talent),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
@staff_required
def talent_anonymise(request, pk):
    talent = _visible_talent(request, pk)
    if not scoping.is_staff_over(request.user, talent.organization) or talent.anonymised_at:
        raise PermissionDenied
    form = AnonymiseForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        services.talent_anonymise(talent=talent, now=timezone.now())
        audit_record(request=request, action=AuditEvent.Action.ANONYMISE, target=_talent_target(talent))
        messages.success(request, _("The talent is archived and their personal data erased."))
        return redirect("talents:talent_detail", pk=talent.pk)
    return render(request, "talents/talent_anonymise.html", {"form": form, "talent": talent})


def _approval_target(approval: ExportApproval) -> str:
    return _("Unmasked talent list, request #%(pk)d") % {"pk": approval.pk}


def _visible_approval(request, pk) -> ExportApproval:
    approvals = ExportApproval.objects.visible_to(request.user).select_related("organization", "requested_by")
    return get_object_or_404(approvals, pk=pk)


@require_http_methods(["GET", "POST"])
@login_required
@staff_required
def export_request(request):
    form = ExportRequestForm(request.POST or None, user=request.user, initial={"query": _list_filter(request.GET)})
    if form.is_valid():
        try:
            approval = services.export_approval_request(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            audit_record(request=request, action=AuditEvent.Action.UNMASKED_REQUEST, target=_approval_target(approval),
                         detail=_filter_summary(approval.query))  # fmt: skip
            messages.success(request, _("Request sent; another office staff member must approve it."))
            return redirect("talents:export_request_list")
    return render(request, "talents/export_request.html", {"form": form})


@require_GET
@login_required
@staff_required
def export_request_list(request):
    approvals = ExportApproval.objects.visible_to(request.user).select_related(
        "organization", "requested_by", "decided_by"
    )
    context = {
        "to_decide": approvals.filter(status=ExportApproval.Status.PENDING).exclude(requested_by=request.user),
        "mine": approvals.filter(requested_by=request.user)[:50],
        "now": timezone.now(),
    }
    return render(request, "talents/export_request_list.html", context)


def _export_decide(request, pk, *, approve: bool):
    approval = _visible_approval(request, pk)
    if approval.requested_by_id == request.user.pk:
        raise PermissionDenied
    try:
        services.export_approval_decide(approval=approval, user=request.user, approve=approve, now=timezone.now())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        action = AuditEvent.Action.UNMASKED_APPROVE if approve else AuditEvent.Action.UNMASKED_REJECT
        audit_record(request=request, action=action, target=_approval_target(approval))
        messages.success(request, _("Approved: the requester may download it once.") if approve else _("Rejected."))
    return redirect("talents:export_request_list")


@require_POST
@login_required
@staff_required
def export_approve(request, pk):
    return _export_decide(request, pk, approve=True)


@require_POST
@login_required
@staff_required
def export_reject(request, pk):
    return _export_decide(request, pk, approve=False)


def _approved_talents(approval: ExportApproval):
    """The requester's talents of the approved organization, filtered as the request says."""
    base = (
        Talent.objects.visible_to(approval.requested_by)
        .filter(organization__path__startswith=approval.organization.path)
        .select_related("work_unit", "organization")
    )
    talent_filter = TalentFilter(QueryDict(approval.query), queryset=base, user=approval.requested_by)
    return talent_filter.qs.prefetch_related("categories")


@require_POST
@login_required
@staff_required
def export_download(request, pk):
    approval = _visible_approval(request, pk)
    if approval.requested_by_id != request.user.pk:
        raise PermissionDenied
    action, target = AuditEvent.Action.UNMASKED_EXPORT, _approval_target(approval)
    try:
        # One transaction: a workbook that fails to build gives the download back.
        with transaction.atomic():
            services.export_approval_use(approval=approval, user=request.user, now=timezone.now())
            workbook, rows = xlsx_file([talent_list_sheet(_approved_talents(approval), masked=False)])
            ExportApproval.objects.filter(pk=approval.pk).update(row_count=rows)
    except ValidationError as error:
        audit_record(request=request, action=action, target=target, success=False)
        messages.error(request, " ".join(error.messages))
        return redirect("talents:export_request_list")
    audit_record(request=request, action=action, target=target, rows=rows, detail=_filter_summary(approval.query))
    return xlsx_download(workbook, f"人才名单-完整-{timezone.localdate():%Y%m%d}.xlsx")
