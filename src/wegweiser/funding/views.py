"""The entry of the funding administration: the authority goes to its programmes, a county to
the programmes it can apply for."""

from __future__ import annotations

from django.shortcuts import redirect

from wegweiser.funding import rules


def home(request):
    rules.require_view(request.user)
    if rules.is_authority(request.user):
        return redirect("funding:programme_list")
    return redirect("funding:county_home")
