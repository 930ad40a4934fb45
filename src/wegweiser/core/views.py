from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from wegweiser.accounts.roles import Role


@login_not_required
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def desk(request):
    from wegweiser.clients.selectors import desk as desk_selector

    user = request.user
    if user.role == Role.VOLUNTEER:
        # Volunteers have no desk of their own: their start page is "Mein Engagement".
        return redirect("volunteers:portal")
    context = {"nav": "desk", "desk": desk_selector(user=user)}
    if user.is_state_user:
        from wegweiser.organisations.models import Kreis

        context["kreise"] = Kreis.objects.filter(land_id=user.land_id).valid_on(
            timezone.localdate()
        )
    return render(request, "core/desk.html", context)


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Nicht gefunden."}, status=404)
    return render(
        request,
        "core/error.html",
        {
            "status": 404,
            "title": _("Page not found"),
            "text": _("The page does not exist or you do not have access to it."),
        },
        status=404,
    )


def forbidden(request, exception=None):
    return render(
        request,
        "core/error.html",
        {
            "status": 403,
            "title": _("No permission"),
            "text": _("Your role does not permit this action."),
        },
        status=403,
    )
