"""Users, their place in the tenant tree, login sessions and personal API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from wegweiser.accounts.roles import (
    ADMIN_ROLES,
    AUDIT_READER_ROLES,
    CASEWORK_ROLES,
    COUNTY_OVERVIEW_ROLES,
    MFA_ROLES,
    STATE_ROLES,
    Role,
)
from wegweiser.core.models import PublicIdModel


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("E-Mail-Adresse fehlt.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(PublicIdModel, AbstractUser):
    """A person who works with Wegweiser. Exactly one role, one place in the tenant tree."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    land = models.ForeignKey("organisations.Land", on_delete=models.PROTECT, related_name="+")
    kreis = models.ForeignKey(
        "organisations.Kreis", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="members"
    )
    team = models.ForeignKey(
        "organisations.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    full_time_equivalent = models.DecimalField(
        _("full-time equivalent"), max_digits=3, decimal_places=2, default=1
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in STATE_ROLES], kreis__isnull=True)
                | (
                    ~models.Q(role__in=[r.value for r in STATE_ROLES])
                    & models.Q(kreis__isnull=False)
                )
                | models.Q(is_superuser=True),
                name="user_kreis_matches_role",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email

    # Capabilities: the rest of the code asks these, never compares role strings itself.
    @property
    def does_casework(self) -> bool:
        return self.role in CASEWORK_ROLES

    @property
    def has_county_overview(self) -> bool:
        return self.role in COUNTY_OVERVIEW_ROLES

    @property
    def is_county_admin(self) -> bool:
        return self.role in ADMIN_ROLES

    @property
    def reads_audit_log(self) -> bool:
        return self.role in AUDIT_READER_ROLES

    @property
    def is_state_user(self) -> bool:
        return self.role in STATE_ROLES

    @property
    def needs_mfa(self) -> bool:
        return bool(self.kreis_id) and self.role in MFA_ROLES and self.kreis.mfa_required


class LoginSession(models.Model):
    """The sessions a user is logged in with, so that deactivation can end all of them at once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(PublicIdModel):
    """A personal API token: stored hashed, revocable, carries the rights of its user."""

    PREFIX = "ww_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)  # first characters, to recognise a token in the list
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        ordering = ["-created_at"]

    @classmethod
    def generate(cls) -> tuple[str, str]:
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        return raw, _hash_token(raw)

    @staticmethod
    def hash(raw: str) -> str:
        return _hash_token(raw)
