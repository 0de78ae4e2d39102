from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import movement_overview


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", movement_overview(user=request.user))
