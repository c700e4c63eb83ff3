from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
@login_required
def my_talents(request):
    return render(request, "liaison/my_talents.html", {})
