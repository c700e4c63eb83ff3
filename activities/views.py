import mimetypes
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import scoping
from accounts.decorators import role_required, staff_required
from accounts.forms import apply_service_errors
from activities import services
from activities.filters import ActivityFilter
from activities.forms import ActivityForm, ActivityPhotosForm, AttendanceForm, AttendanceUploadForm
from activities.imports import attendance_review, parse_attendance, write_attendance_template
from activities.models import ActivityPhoto, GroupActivity
from liaison.models import ContactLog
from talents.imports import read_stored
from talents.models import ImportBatch, Talent
from talents.views import confirm_batch, import_upload, render_batch_preview, template_response, visible_batch

LIST_PAGE_SIZE = 25
CANDIDATES_PAGE_SIZE = 30
PRESENT_MAX = 200
LEADERS_MAX = 50
PREVIEW_ROWS = 20
leader_required = role_required("leader")


def _editable(request, pk) -> GroupActivity:
    """An activity in the user's scope (404 otherwise) that the user is staff over (403 otherwise)."""
    activity = get_object_or_404(
        GroupActivity.objects.visible_to(request.user).select_related("organization", "kind"), pk=pk
    )
    if not scoping.is_staff_over(request.user, activity.organization):
        raise PermissionDenied
    return activity


@require_GET
@login_required
@staff_required
def activity_list(request):
    activities = GroupActivity.objects.visible_to(request.user).select_related("organization", "kind")
    activity_filter = ActivityFilter(request.GET or None, queryset=activities, user=request.user)
    rows = activity_filter.qs.with_counts()
    page = Paginator(rows, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    totals = {
        "activities": page.paginator.count,
        "contacts": ContactLog.objects.filter(activity__in=activity_filter.qs.values("pk")).count(),
    }
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])
    context = {"filter": activity_filter, "page": page, "totals": totals, "query": query}
    return render(request, "activities/activity_list.html", context)


@require_GET
@login_required
def activity_detail(request, pk):
    activity = get_object_or_404(
        GroupActivity.objects.visible_to(request.user).select_related("organization", "kind", "created_by"), pk=pk
    )
    can_edit = scoping.is_staff_over(request.user, activity.organization)
    talents = activity.talents.select_related("work_unit").order_by("work_unit__name", "name_pinyin")
    if not can_edit:
        # Others read only the talents they may see anyway (DOMAIN.md "Personal data").
        talents = talents.filter(pk__in=Talent.objects.visible_to(request.user).values("pk"))
    contacts = (
        ContactLog.objects.visible_to(request.user)
        .filter(activity=activity)
        .select_related("leader__user", "talent")
        .order_by("leader__user__name", "talent__name_pinyin")
    )
    context = {
        "activity": activity, "can_edit": can_edit, "talents": talents, "contacts": contacts,
        "leaders": activity.leaders.select_related("user", "organization"), "photos": activity.photos.all(),
    }  # fmt: skip
    return render(request, "activities/activity_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@staff_required
def activity_add(request):
    today = timezone.localdate()
    form = ActivityForm(request.POST or None, user=request.user, initial={"date": today})
    if form.is_valid():
        try:
            activity = services.activity_create(user=request.user, today=today, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Activity “%(title)s” recorded; now tick who took part.") % {
                "title": activity.title})  # fmt: skip
            return redirect("activities:activity_attendance", pk=activity.pk)
    return render(request, "activities/activity_add.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
@staff_required
def activity_edit(request, pk):
    activity = _editable(request, pk)
    form = ActivityForm(request.POST or None, instance=activity, user=request.user)
    if form.is_valid():
        try:
            services.activity_update(activity=activity, today=timezone.localdate(), **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Activity saved."))
            return redirect("activities:activity_detail", pk=activity.pk)
    # The form has set its values on ``activity``; the page around a refused form shows the saved ones.
    activity.refresh_from_db()
    return render(request, "activities/activity_edit.html", {"form": form, "activity": activity})


def _attendance_context(activity: GroupActivity, query: str, page_number) -> dict:
    """The people a page of the attendance list shows: those present, then candidates to tick."""
    talents, leaders = services.participants_in_scope(activity)
    talents = talents.select_related("work_unit").order_by("work_unit__name", "name_pinyin", "pk")
    if query:
        talents = talents.search(query)
        leaders = leaders.filter(Q(user__name__icontains=query) | Q(post__icontains=query))
    present_ids = activity.talents.values("pk")
    present = list(talents.filter(pk__in=present_ids)[: PRESENT_MAX + 1])
    candidates = Paginator(talents.exclude(pk__in=present_ids), CANDIDATES_PAGE_SIZE).get_page(page_number)
    leaders = list(leaders.select_related("user").order_by("user__name", "pk")[: LEADERS_MAX + 1])
    present_leaders = set(activity.leaders.values_list("pk", flat=True))
    return {
        "activity": activity, "q": query, "present": present[:PRESENT_MAX], "more_present": len(present) > PRESENT_MAX,
        "page": candidates, "query": urlencode({"q": query}) if query else "", "leaders": leaders[:LEADERS_MAX],
        "more_leaders": len(leaders) > LEADERS_MAX, "present_leaders": present_leaders,
        "talent_total": activity.talents.count(), "leader_total": len(present_leaders),
    }  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
@staff_required
def activity_attendance(request, pk):
    activity = _editable(request, pk)
    query = request.POST.get("q", request.GET.get("q", "")).strip()[:50]
    form = AttendanceForm(request.POST or None, activity=activity)
    if form.is_valid():
        talents, leaders = form.participants()
        try:
            services.activity_set_participants(activity=activity, talents=talents, leaders=leaders)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            counted = ContactLog.objects.filter(activity=activity).count()
            messages.success(request, _("Attendance saved: %(talents)d talents, %(leaders)d leaders; "
                                        "%(contacts)d pairing contacts counted.") % {
                "talents": len(talents), "leaders": len(leaders), "contacts": counted})  # fmt: skip
            url = reverse("activities:activity_attendance", args=[activity.pk])
            return redirect(f"{url}?{urlencode({'q': query})}" if query else url)
    context = {**_attendance_context(activity, query, request.GET.get("page")), "form": form}
    return render(request, "activities/activity_attendance.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@staff_required
def activity_photos(request, pk):
    activity = _editable(request, pk)
    form = ActivityPhotosForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        photos = services.activity_photos_add(activity=activity, photos=form.cleaned_data["photos"])
        messages.success(request, _("%(count)d photos added.") % {"count": len(photos)})
        return redirect("activities:activity_detail", pk=activity.pk)
    return render(request, "activities/activity_photos.html", {"form": form, "activity": activity})


@require_GET
@login_required
def activity_photo(request, pk):
    visible = GroupActivity.objects.visible_to(request.user).values("pk")
    photo = get_object_or_404(ActivityPhoto.objects.filter(activity__in=visible), pk=pk)
    try:
        image = photo.image.open("rb")
    except (OSError, ValueError):
        raise Http404 from None
    content_type = mimetypes.guess_type(photo.image.name)[0] or "application/octet-stream"
    response = FileResponse(image, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_POST
@login_required
@staff_required
def activity_photo_delete(request, pk):
    visible = GroupActivity.objects.visible_to(request.user).values("pk")
    photo = get_object_or_404(ActivityPhoto.objects.filter(activity__in=visible).select_related("activity"), pk=pk)
    _editable(request, photo.activity_id)
    services.activity_photo_delete(photo=photo)
    messages.success(request, _("Photo deleted."))
    return redirect("activities:activity_detail", pk=photo.activity_id)


@require_POST
@login_required
@staff_required
def activity_delete(request, pk):
    activity = _editable(request, pk)
    services.activity_delete(activity=activity)
    messages.success(request, _("Activity “%(title)s” deleted with the contacts it counted.") % {
        "title": activity.title})  # fmt: skip
    return redirect("activities:activity_list")


@require_GET
@login_required
@leader_required
def my_activities(request):
    mine = ContactLog.objects.filter(leader__user=request.user).select_related("talent")
    activities = (
        GroupActivity.objects.filter(leaders__user=request.user)
        .select_related("kind", "organization")
        .prefetch_related(Prefetch("contacts", queryset=mine, to_attr="my_contacts"))
        .order_by("-date", "-pk")
    )
    page = Paginator(activities, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "activities/my_activities.html", {"page": page})


# --- the sign-in sheet import ---------------------------------------------------------------------


@require_GET
@login_required
@staff_required
def attendance_template(request):
    return template_response(write_attendance_template, _("activity-sign-in-sheet.xlsx"))


@require_http_methods(["GET", "POST"])
@login_required
@staff_required
def attendance_import(request, pk):
    activity = _editable(request, pk)
    return import_upload(
        request, partial(AttendanceUploadForm, activity=activity), "activities/attendance_import.html",
        preview_url=lambda batch, form: reverse("activities:attendance_import_preview", args=[activity.pk, batch.pk]),
    )  # fmt: skip


def _review(request, activity, batch):
    result = read_stored(batch, lambda stored: parse_attendance(stored, today=timezone.localdate()))
    return attendance_review(result=result, activity=activity, user=request.user)


@require_GET
@login_required
@staff_required
def attendance_import_preview(request, pk, batch_pk):
    activity = _editable(request, pk)
    batch = visible_batch(request, batch_pk, ImportBatch.Kind.ATTENDANCE)
    return render_batch_preview(
        request, batch, "activities/attendance_import_preview.html", lambda: _review(request, activity, batch),
        activity=activity, sample_size=PREVIEW_ROWS,
    )  # fmt: skip


@require_POST
@login_required
@staff_required
def attendance_import_confirm(request, pk, batch_pk):
    activity = _editable(request, pk)
    batch = visible_batch(request, batch_pk, ImportBatch.Kind.ATTENDANCE)

    def run():
        result = read_stored(batch, lambda stored: parse_attendance(stored, today=timezone.localdate()))
        return services.attendance_import(activity=activity, result=result, user=request.user, batch=batch)

    def done(batch):
        message = _("Sign-in sheet imported: %(count)d people added to the activity.") % {"count": batch.created_count}
        return message, reverse("activities:activity_detail", args=[activity.pk])

    preview_url = reverse("activities:attendance_import_preview", args=[activity.pk, batch.pk])
    return confirm_batch(request, batch, run=run, preview_url=preview_url, done=done)
