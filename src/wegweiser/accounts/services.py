"""User administration by the county administrator, and personal API tokens."""

from __future__ import annotations

from decimal import Decimal
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wegweiser.accounts.models import ApiToken, LoginSession, User
from wegweiser.accounts.roles import ASSIGNABLE_BY_COUNTY_ADMIN, Role
from wegweiser.audit.services import audit_record


def _require_admin_of(actor, user: User | None = None) -> None:
    if not (actor.is_authenticated and actor.is_county_admin and actor.kreis_id):
        raise PermissionDenied
    if user is not None and user.kreis_id != actor.kreis_id:
        raise Http404


def _check_placement(actor, *, role: str, organisation, team) -> None:
    if role not in ASSIGNABLE_BY_COUNTY_ADMIN:
        raise ValidationError({"role": _("This role cannot be assigned by the county.")})
    if organisation is None or organisation.kreis_id != actor.kreis_id:
        raise ValidationError({"organisation": _("Please choose an organisation of your county.")})
    if team is not None and team.organisation_id != organisation.pk:
        raise ValidationError({"team": _("The team must belong to the chosen organisation.")})
    if role in (Role.INTEGRATION_MANAGER, Role.TEAM_LEAD) and team is None:
        raise ValidationError({"team": _("Integration managers and team leads need a team.")})


@transaction.atomic
def user_create(
    *,
    actor,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    organisation,
    team=None,
    password: str | None = None,
    full_time_equivalent: Decimal | None = None,
) -> User:
    _require_admin_of(actor)
    _check_placement(actor, role=role, organisation=organisation, team=team)
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("A user with this e-mail address already exists.")})
    user = User(
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        role=role,
        land_id=actor.land_id,
        kreis_id=actor.kreis_id,
        organisation=organisation,
        team=team,
    )
    if full_time_equivalent is not None:
        user.full_time_equivalent = _fte(full_time_equivalent)
    if password:
        from django.contrib.auth.password_validation import validate_password

        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(actor=actor, action="accounts.user.created", obj=user, data={"role": role})
    return user


def _fte(value) -> Decimal:
    value = Decimal(value)
    if not Decimal("0.05") <= value <= Decimal("1"):
        raise ValidationError(
            {"full_time_equivalent": _("The share of a full-time post lies between 0.05 and 1.")}
        )
    return value.quantize(Decimal("0.01"))


@transaction.atomic
def user_update(
    *,
    actor,
    user: User,
    role: str,
    organisation,
    team,
    first_name: str,
    last_name: str,
    full_time_equivalent: Decimal | None = None,
) -> User:
    _require_admin_of(actor, user)
    _check_placement(actor, role=role, organisation=organisation, team=team)
    if user.pk == actor.pk and role != user.role:
        raise ValidationError({"role": _("You cannot change your own role.")})
    before_role = user.role
    before_fte = user.full_time_equivalent
    user.role, user.organisation, user.team = role, organisation, team
    user.first_name, user.last_name = first_name.strip(), last_name.strip()
    if full_time_equivalent is not None:
        user.full_time_equivalent = _fte(full_time_equivalent)
    user.full_clean(exclude=["password"])
    user.save()
    data = {"role": role}
    if user.full_time_equivalent != before_fte:
        data["full_time_equivalent"] = str(user.full_time_equivalent)
    if before_role != role:
        data["previous_role"] = before_role
        # A new role starts with fresh sessions: old ones carried the old rights.
        end_sessions(user)
    audit_record(actor=actor, action="accounts.user.updated", obj=user, data=data)
    return user


def end_sessions(user: User) -> int:
    """End every session of the user: the rows, and the copies the session engine keeps in the
    cache (again after the commit, in case a request of the user read the row back into the
    cache before the deletion was visible)."""
    keys = list(LoginSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    LoginSession.objects.filter(user=user).delete()
    _forget_cached_sessions(keys)
    transaction.on_commit(lambda: _forget_cached_sessions(keys))
    return len(keys)


def _forget_cached_sessions(keys: list[str]) -> None:
    engine = import_module(settings.SESSION_ENGINE)
    prefix = getattr(engine.SessionStore, "cache_key_prefix", None)
    if prefix and keys:
        caches[settings.SESSION_CACHE_ALIAS].delete_many([prefix + key for key in keys])


@transaction.atomic
def user_deactivate(*, actor, user: User) -> User:
    """Deactivate a user and end all of their sessions and API tokens at once."""
    _require_admin_of(actor, user)
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot deactivate yourself."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = end_sessions(user)
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_record(
        actor=actor, action="accounts.user.deactivated", obj=user, data={"sessions_ended": ended}
    )
    return user


@transaction.atomic
def user_reactivate(*, actor, user: User) -> User:
    _require_admin_of(actor, user)
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(actor=actor, action="accounts.user.reactivated", obj=user)
    return user


@transaction.atomic
def api_token_create(*, actor, name: str) -> tuple[ApiToken, str]:
    """Create a personal token; the raw value is returned once and stored only hashed."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationError({"name": _("Please name the token (at most 100 characters).")})
    raw, digest = ApiToken.generate()
    token = ApiToken(user=actor, name=name, token_hash=digest, hint=raw[:8])
    token.full_clean()
    token.save()
    audit_record(actor=actor, action="accounts.api_token.created", obj=token)
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk:
        raise Http404
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="accounts.api_token.revoked", obj=token)
    return token


def api_token_authenticate(raw: str) -> User | None:
    """The active user behind a raw token, or None. Updates the last-use time."""
    if not raw or not raw.startswith(ApiToken.PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "user__kreis")
        .filter(token_hash=ApiToken.hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if token.user.needs_mfa and not token.user.authenticator_set.filter(type="totp").exists():
        # The county requires a second factor and this user has none (any more): the token,
        # created before, must not be a way around it.
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def sessions_prune(*, now=None) -> tuple[int, int]:
    """The daily clean-up of login sessions: expired Django sessions are deleted, and with them
    the records that tie a session to its user (sessions that ended without a logout, for
    example by the idle timeout, would otherwise stay listed forever). Returns (sessions,
    records) deleted."""
    now = now or timezone.now()
    expired = Session.objects.filter(expire_date__lte=now)
    sessions = expired.count()
    expired.delete()
    orphaned = LoginSession.objects.exclude(session_key__in=Session.objects.values("session_key"))
    records, _detail = orphaned.delete()
    return sessions, records
