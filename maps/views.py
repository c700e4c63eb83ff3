"""The three maps' pages (DOMAIN.md rule 17): demand, growth roadmap and support panorama.

Organization pages are for office staff; a talent's growth and support pages are for whoever sees the
talent, and their records are kept by staff and the unit's liaison officer (``scoping.may_edit_talent``).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import scoping
from accounts.decorators import role_required, staff_required
from accounts.forms import apply_service_errors
from accounts.links import link_maker
from accounts.models import Organization
from maps import services
from maps.forms import GrowthRecordForm, MapScopeForm, MentorshipForm, SupportRecordForm, TalentNeedForm
from maps.models import GrowthRecord, SupportKind, SupportRecord, TalentNeed
from maps.paging import ChainedPaginator
from talents.models import Talent

PAGE_SIZE = 25
RECENT_RECORDS = 20
editor_required = role_required("staff", "liaison")


def _scope(request):
    """The form, organization and year asked for; the user's top organization and this year by default.

    An organization out of scope is a 404; a garbage year shows the form's message and this year.
    """
    today = timezone.localdate()
    data = request.GET.copy() if request.GET else None
    if data is not None and not data.get("year"):  # the year box shows the year the page shows
        data["year"] = str(today.year)
    form = MapScopeForm(data, user=request.user, initial={"year": today.year})
    data = form.cleaned_data if form.is_valid() else {}
    if "organization" in form.errors and request.GET.get("organization", "").isdigit():
        raise Http404
    own = sorted(scoping.organizations_for_role(request.user, "staff"), key=lambda o: (o.depth, o.path))
    root = data.get("organization") or (own[0] if own else Organization.objects.visible_to(request.user).first())
    if root is None:
        raise Http404
    return form, root, data.get("year") or today.year, today


def _map_url(name: str, organization_id: int, year: int | None = None) -> str:
    url = f"{reverse(name)}?organization={organization_id}"
    return f"{url}&year={year}" if year else url


def _talent(request, pk, *, edit=False, staff=False) -> Talent:
    """A talent in the user's scope (404 otherwise); 403 when the user may only read what is asked."""
    talent = get_object_or_404(Talent.objects.visible_to(request.user).select_related("organization"), pk=pk)
    if edit and not scoping.may_edit_talent(request.user, talent):
        raise PermissionDenied
    if staff and not scoping.is_staff_over(request.user, talent.organization):
        raise PermissionDenied
    return talent


def _record(request, model, pk):
    """A growth or support record of a talent the user may edit: 404 out of scope, 403 when read-only."""
    record = get_object_or_404(model.objects.visible_to(request.user).select_related("talent__organization"), pk=pk)
    if not scoping.may_edit_talent(request.user, record.talent):
        raise PermissionDenied
    return record


def _save_form(request, form, save, **kwargs):
    """Run ``save`` on the valid form's instance; return the saved object, or None with errors on the form."""
    if not form.is_valid():
        return None
    try:
        return save(user=request.user, **kwargs)
    except ValidationError as error:
        apply_service_errors(form, error)
        return None


# --- the demand map ---------------------------------------------------------------------------------


@require_GET
@login_required
@staff_required
def demand_map(request):
    form, root, year, _today = _scope(request)
    rows = services.demand_figures(root, year, scoping.is_whole_tree(request.user, root))
    needs = TalentNeed.objects.visible_to(request.user).in_subtree(root).open_in(year)
    needs = needs.select_related("organization", "category").order_by("organization__path", "field", "pk")
    chart = {
        "labels": [f"{r['field']}·{r['category']}" if r["category"] else r["field"] for r in rows[:-1]],
        "needed": [r["needed"] for r in rows[:-1]], "have": [r["have"] for r in rows[:-1]],
        "gap": [r["gap"] for r in rows[:-1]],
        "series": [_("Needed"), _("Have"), _("Gap")],
    }  # fmt: skip
    page = ChainedPaginator([(needs, rows[-1]["needs"])], PAGE_SIZE).get_page(request.GET.get("page"))
    edit_link, delete_link = link_maker("maps:need_edit"), link_maker("maps:need_delete")
    for need in page:
        need.edit_url, need.delete_url = edit_link(need.pk), delete_link(need.pk)
    context = {
        "form": form, "root": root, "year": year, "rows": rows, "chart": chart,
        "page": page,
        "query": f"organization={root.pk}&year={year}",
    }  # fmt: skip
    return render(request, "maps/demand_map.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@staff_required
def need_add(request):
    initial = {"organization": request.GET.get("organization")}
    form = TalentNeedForm(request.POST or None, user=request.user, initial=initial)
    need = _save_form(request, form, lambda user: services.need_save(need=form.save(commit=False), user=user))
    if need:
        messages.success(request, _("Need for %(field)s saved.") % {"field": need.field})
        return redirect(_map_url("maps:demand_map", need.organization_id))
    return render(request, "maps/need_add.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
@staff_required
def need_edit(request, pk):
    need = get_object_or_404(TalentNeed.objects.visible_to(request.user), pk=pk)
    form = TalentNeedForm(request.POST or None, instance=need, user=request.user)
    saved = _save_form(request, form, lambda user: services.need_save(need=form.save(commit=False), user=user))
    if saved:
        messages.success(request, _("Need for %(field)s saved.") % {"field": saved.field})
        return redirect(_map_url("maps:demand_map", saved.organization_id))
    return render(request, "maps/need_edit.html", {"form": form, "need": need})


@require_POST
@login_required
@staff_required
def need_delete(request, pk):
    need = get_object_or_404(TalentNeed.objects.visible_to(request.user), pk=pk)
    services.need_delete(need=need)
    messages.success(request, _("Need for %(field)s deleted.") % {"field": need.field})
    return redirect(_map_url("maps:demand_map", need.organization_id))


# --- the growth roadmap -----------------------------------------------------------------------------


@require_GET
@login_required
@staff_required
def growth_map(request):
    form, root, year, _today = _scope(request)
    counts = services.growth_counts(root, year, whole_tree=scoping.is_whole_tree(request.user, root))
    talents = services.growth_overview(root, year).select_related("work_unit", "organization")
    talents = talents.order_by("name_pinyin", "pk")
    # Talents without a mentor first, then those with one; ?mentor= keeps one of the two.
    parts = {"no": [(talents.filter(has_mentor=False), counts["unmentored"])],
             "yes": [(talents.filter(has_mentor=True), counts["mentored"])]}  # fmt: skip
    mentor = request.GET.get("mentor") if request.GET.get("mentor") in parts else None
    page = ChainedPaginator(parts.get(mentor) or parts["no"] + parts["yes"], PAGE_SIZE)
    records = GrowthRecord.objects.visible_to(request.user).filter(
        talent__organization__path__startswith=root.path, date__year=year
    )
    context = {
        "form": form, "root": root, "year": year, "page": page.get_page(request.GET.get("page")),
        "mentor": mentor, "counts": counts, "query": f"organization={root.pk}&year={year}&mentor={mentor or ''}",
        "records": records.select_related("talent")[:RECENT_RECORDS],
    }  # fmt: skip
    return render(request, "maps/growth_map.html", context)


@require_GET
@login_required
def talent_growth(request, talent_pk):
    talent = _talent(request, talent_pk)
    mentorships = talent.mentorships.select_related("term__organization", "mentor_leader__user", "mentor_expert")
    may_edit = scoping.may_edit_talent(request.user, talent)
    context = {
        "talent": talent, "mentorships": mentorships.order_by("-term__start"), "may_edit": may_edit,
        "staff_here": scoping.is_staff_over(request.user, talent.organization),
        "records": talent.growth_records.all(), "form": GrowthRecordForm() if may_edit else None,
    }  # fmt: skip
    return render(request, "maps/talent_growth.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@staff_required
def mentorship_edit(request, talent_pk):
    talent = _talent(request, talent_pk, staff=True)
    today = timezone.localdate()
    current = talent.mentorships.filter(term__start__lte=today, term__end__gte=today).first()
    initial = {"term": services.talent_terms(talent).filter(start__lte=today, end__gte=today).first()}
    if current:
        initial = {"term": current.term, "mentor_leader": current.mentor_leader, "mentor_expert": current.mentor_expert,
                   "plan": current.plan}  # fmt: skip
    form = MentorshipForm(request.POST or None, talent=talent, user=request.user, initial=initial)
    saved = _save_form(request, form, lambda user: services.mentorship_save(talent=talent, user=user,
                                                                            **form.cleaned_data))  # fmt: skip
    if saved:
        messages.success(request, _("Mentor of %(name)s saved.") % {"name": talent.name})
        return redirect("maps:talent_growth", talent_pk=talent.pk)
    return render(request, "maps/mentorship_edit.html", {"form": form, "talent": talent})


# Growth and support records are kept alike: model → (form, the talent page they belong to).
RECORDS = {
    GrowthRecord: (GrowthRecordForm, "maps:talent_growth"),
    SupportRecord: (SupportRecordForm, "maps:talent_support"),
}


def _record_form(request, record, template, talent):
    """Show and save the form of a growth or support record; redirect to the talent's page once saved."""
    form_class, page = RECORDS[type(record)]
    form = form_class(request.POST or None, instance=record)
    saved = _save_form(request, form, lambda user: services.talent_record_save(
        record=form.save(commit=False), user=user, today=timezone.localdate()))  # fmt: skip
    if saved:
        messages.success(request, _("Saved to %(name)s's record.") % {"name": talent.name})
        return redirect(page, talent_pk=talent.pk)
    return render(request, template, {"form": form, "record": record, "talent": talent})


def _record_delete(request, model, pk):
    record = _record(request, model, pk)
    services.talent_record_delete(record=record)
    messages.success(request, _("Record “%(title)s” deleted.") % {"title": record})
    return redirect(RECORDS[model][1], talent_pk=record.talent_id)


@require_http_methods(["GET", "POST"])
@login_required
@editor_required
def growth_add(request, talent_pk):
    talent = _talent(request, talent_pk, edit=True)
    return _record_form(request, GrowthRecord(talent=talent), "maps/growth_add.html", talent)


@require_http_methods(["GET", "POST"])
@login_required
@editor_required
def growth_edit(request, pk):
    record = _record(request, GrowthRecord, pk)
    return _record_form(request, record, "maps/growth_edit.html", record.talent)


@require_POST
@login_required
@editor_required
def growth_delete(request, pk):
    return _record_delete(request, GrowthRecord, pk)


# --- the support panorama ---------------------------------------------------------------------------


@require_GET
@login_required
@staff_required
def support_map(request):
    form, root, year, _today = _scope(request)
    panorama = services.support_panorama(root, year)
    kind = get_object_or_404(SupportKind, pk=request.GET["kind"]) if request.GET.get("kind", "").isdigit() else None
    page = None
    if kind is not None:
        talents = services.supported_talents(root, year, kind).select_related("work_unit", "organization")
        parts = [(talents.order_by("name_pinyin", "pk"), panorama.total(kind))]
        page = ChainedPaginator(parts, PAGE_SIZE).get_page(request.GET.get("page"))
    chart = {"kinds": [k.name for k in panorama.kinds], "talents": [panorama.total(k) for k in panorama.kinds],
             "label": _("Talents supported")}  # fmt: skip
    context = {
        "form": form, "root": root, "year": year, "panorama": panorama, "kind_rows": panorama.kind_rows(),
        "organization_rows": panorama.organization_rows(), "chart": chart, "kind": kind, "page": page,
        "query": f"organization={root.pk}&year={year}&kind={kind.pk if kind else ''}",
    }  # fmt: skip
    return render(request, "maps/support_map.html", context)


@require_GET
@login_required
def talent_support(request, talent_pk):
    talent = _talent(request, talent_pk)
    may_edit = scoping.may_edit_talent(request.user, talent)
    context = {
        "talent": talent, "items": services.talent_support(talent), "may_edit": may_edit,
        "form": SupportRecordForm() if may_edit else None,
    }  # fmt: skip
    return render(request, "maps/talent_support.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@editor_required
def support_add(request, talent_pk):
    talent = _talent(request, talent_pk, edit=True)
    return _record_form(request, SupportRecord(talent=talent), "maps/support_add.html", talent)


@require_http_methods(["GET", "POST"])
@login_required
@editor_required
def support_edit(request, pk):
    record = _record(request, SupportRecord, pk)
    return _record_form(request, record, "maps/support_edit.html", record.talent)


@require_POST
@login_required
@editor_required
def support_delete(request, pk):
    return _record_delete(request, SupportRecord, pk)
