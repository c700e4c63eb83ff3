from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from talents.models import Talent


@require_GET
@login_required
def talent_list(request):
    talents = Talent.objects.visible_to(request.user)[:50]
    return render(request, "talents/talent_list.html", {"talents": talents})
