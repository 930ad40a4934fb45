from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from wegweiser.accounts.roles import ASSIGNABLE_BY_COUNTY_ADMIN
from wegweiser.core.forms import Form
from wegweiser.core.validators import validate_single_line
from wegweiser.organisations.models import Organisation, Team

ROLE_CHOICES = [(r.value, r.label) for r in ASSIGNABLE_BY_COUNTY_ADMIN]


class UserForm(Form):
    email = forms.EmailField(label=_("e-mail address"))
    first_name = forms.CharField(
        label=_("first name"), max_length=150, validators=[validate_single_line]
    )
    last_name = forms.CharField(
        label=_("last name"), max_length=150, validators=[validate_single_line]
    )
    role = forms.ChoiceField(label=_("role"), choices=ROLE_CHOICES, widget=forms.RadioSelect)
    organisation = forms.ModelChoiceField(
        label=_("organisation"), queryset=Organisation.objects.none()
    )
    team = forms.ModelChoiceField(label=_("team"), queryset=Team.objects.none(), required=False)
    full_time_equivalent = forms.DecimalField(
        label=_("full-time equivalent"),
        required=False,
        min_value=Decimal("0.05"),
        max_value=Decimal("1.00"),
        decimal_places=2,
        initial=Decimal("1.00"),
        localize=True,
        help_text=_("Share of a full-time post, for example 0,5 for half time (key figures)."),
    )
    password = forms.CharField(
        label=_("initial password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "At least 12 characters. The user sets up the second factor at the first login."
        ),
    )

    def __init__(self, *args, kreis, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            kreis=kreis, is_active=True
        )
        self.fields["team"].queryset = Team.objects.filter(kreis=kreis).select_related(
            "organisation"
        )
        if editing:
            del self.fields["email"]
            del self.fields["password"]


class ApiTokenForm(Form):
    name = forms.CharField(
        label=_("name of the token"),
        max_length=100,
        validators=[validate_single_line],
        help_text=_("For example the system that uses it."),
    )
