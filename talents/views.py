import tempfile

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import scoping
from accounts.decorators import role_required, staff_required
from accounts.views import _apply_errors
from talents import services, timeline
from talents.excel import XLSX_CONTENT_TYPE, UnsafeWorkbook, xlsx_response
from talents.exports import talent_list_sheet
from talents.filters import TalentFilter
from talents.forms import (
    AchievementForm,
    MajorEventForm,
    RecommendationForm,
    RosterUploadForm,
    TalentForm,
    WorkUnitForm,
)
from talents.imports import read_batch, roster_review, write_roster_template
from talents.models import ImportBatch, PersonalDataAccess, Talent, TalentCategory, WorkUnit

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


@require_GET
@login_required
def talent_list(request):
    talent_filter, talents = _talent_rows(request)
    page = Paginator(talents, PAGE_SIZE).get_page(request.GET.get("page"))
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
    return xlsx_response(filename, [talent_list_sheet(talents)])


def _render_detail(request, talent, *, revealed=False):
    context = {
        "talent": talent,
        "categories": talent.categories.all(),
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
            _apply_errors(form, error)
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
            _apply_errors(form, error)
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
            _apply_errors(form, error)
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
            _apply_errors(form, error)
        else:
            messages.success(request, _("Work unit saved."))
            return redirect("talents:workunit_list")
    return render(request, "talents/workunit_edit.html", {"form": form, "unit": unit})


ROSTER_PREVIEW_ROWS = 20


def _visible_batch(request, pk) -> ImportBatch:
    batches = ImportBatch.objects.filter(scoping.organization_q(request.user, "organization__path"))
    return get_object_or_404(batches.select_related("organization", "uploaded_by"), pk=pk)


@require_GET
@login_required
@staff_required
def roster_template(request):
    target = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it)
    write_roster_template(target, categories=TalentCategory.objects.filter(is_active=True))
    target.seek(0)
    filename = _("talent-roster-template.xlsx")
    return FileResponse(target, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


@require_http_methods(["GET", "POST"])
@login_required
@staff_required
def roster_import(request):
    form = RosterUploadForm(request.POST or None, request.FILES or None, user=request.user, today=timezone.localdate())
    if form.is_valid():
        upload, organization = form.cleaned_data["file"], form.cleaned_data["organization"]
        review = roster_review(result=form.result, organization=organization, user=request.user)
        batch = ImportBatch.objects.create(
            organization=organization,
            file=upload,
            original_name=upload.name[:255],
            uploaded_by=request.user,
            row_count=len(form.result.rows) + len(form.result.errors),
            # A roster with bad rows is kept to show them, and can never be confirmed.
            status=ImportBatch.Status.REJECTED if review.errors else ImportBatch.Status.PENDING,
        )
        return redirect("talents:roster_import_preview", pk=batch.pk)
    return render(request, "talents/roster_import.html", {"form": form})


@require_GET
@login_required
@staff_required
def roster_import_preview(request, pk):
    batch = _visible_batch(request, pk)
    review = None
    if batch.status != ImportBatch.Status.DONE:
        try:
            result = read_batch(batch, today=timezone.localdate())
        except UnsafeWorkbook as error:
            messages.error(request, str(error))
        else:
            review = roster_review(result=result, organization=batch.organization, user=request.user)
    context = {"batch": batch, "review": review, "sample_size": ROSTER_PREVIEW_ROWS}
    return render(request, "talents/roster_import_preview.html", context)


@require_POST
@login_required
@staff_required
def roster_import_confirm(request, pk):
    batch = _visible_batch(request, pk)
    if batch.status == ImportBatch.Status.DONE:
        messages.info(request, _("This roster has already been imported."))
        return redirect("talents:roster_import_preview", pk=batch.pk)
    try:
        result = read_batch(batch, today=timezone.localdate())
        batch = services.roster_import(result=result, organization=batch.organization, user=request.user, batch=batch)
    except UnsafeWorkbook as error:
        messages.error(request, str(error))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        counts = {"created": batch.created_count, "updated": batch.updated_count}
        messages.success(request, _("Roster imported: %(created)d talents added, %(updated)d updated.") % counts)
        return redirect("talents:talent_list")
    return redirect("talents:roster_import_preview", pk=batch.pk)
