"""Own account (second factor, API tokens) and the county administrator's user management."""

from __future__ import annotations

from functools import wraps

from allauth.account.decorators import reauthentication_required
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wegweiser.accounts import services
from wegweiser.accounts.forms import ApiTokenForm, UserForm
from wegweiser.accounts.models import ApiToken, User
from wegweiser.core.forms import call_service


def profile(request):
    user = request.user
    form = ApiTokenForm()
    new_token = request.session.pop("ww_new_token", None)
    context = {
        "has_totp": Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists(),
        "tokens": ApiToken.objects.filter(user=user),
        "form": form,
        "new_token": new_token,
    }
    return render(request, "accounts/profile.html", context)


@require_POST
@reauthentication_required
def token_create(request):
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            _token, raw = services.api_token_create(
                actor=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            request.session["ww_new_token"] = raw
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("accounts_profile")


@require_POST
def token_revoke(request, uuid):
    token = ApiToken.objects.filter(uuid=uuid, user=request.user).first()
    if token is None:
        raise Http404
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token has been revoked."))
    return redirect("accounts_profile")


# --- County administration -----------------------------------------------------------------


def _require_admin(request) -> None:
    if not request.user.is_county_admin:
        raise PermissionDenied


def county_admin_required(view):
    """Checked before re-authentication, so that other roles get 403 and not a password prompt."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        _require_admin(request)
        return view(request, *args, **kwargs)

    return wrapper


def _user_of_kreis(request, uuid) -> User:
    user = (
        User.objects.filter(uuid=uuid, kreis_id=request.user.kreis_id)
        .select_related("organisation", "team")
        .first()
    )
    if user is None:
        raise Http404
    return user


def user_list(request):
    _require_admin(request)
    users = (
        User.objects.filter(kreis_id=request.user.kreis_id)
        .select_related("organisation", "team")
        .order_by("-is_active", "last_name", "first_name")
    )
    return render(request, "accounts/user_list.html", {"users": users, "nav": "users"})


@county_admin_required
@reauthentication_required
def user_create(request):
    _require_admin(request)
    form = UserForm(request.POST or None, kreis=request.user.kreis)
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form, services.user_create, actor=request.user, **form.cleaned_data
        )
        if ok:
            messages.success(request, _("The user has been created."))
            return redirect("accounts_admin:user_list")
    return render(
        request, "accounts/user_form.html", {"form": form, "nav": "users", "creating": True}
    )


@county_admin_required
@reauthentication_required
def user_update(request, uuid):
    _require_admin(request)
    target = _user_of_kreis(request, uuid)
    initial = {
        "first_name": target.first_name,
        "last_name": target.last_name,
        "role": target.role,
        "organisation": target.organisation,
        "team": target.team,
        "full_time_equivalent": target.full_time_equivalent,
    }
    form = UserForm(request.POST or None, kreis=request.user.kreis, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form, services.user_update, actor=request.user, user=target, **form.cleaned_data
        )
        if ok:
            messages.success(request, _("The user has been saved."))
            return redirect("accounts_admin:user_list")
    return render(
        request, "accounts/user_form.html", {"form": form, "target": target, "nav": "users"}
    )


@require_POST
@county_admin_required
@reauthentication_required
def user_deactivate(request, uuid):
    _require_admin(request)
    target = _user_of_kreis(request, uuid)
    try:
        services.user_deactivate(actor=request.user, user=target)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The user has been deactivated and logged out everywhere."))
    return redirect("accounts_admin:user_list")


@require_POST
@county_admin_required
@reauthentication_required
def user_reactivate(request, uuid):
    _require_admin(request)
    target = _user_of_kreis(request, uuid)
    services.user_reactivate(actor=request.user, user=target)
    messages.success(request, _("The user has been reactivated."))
    return redirect("accounts_admin:user_list")
