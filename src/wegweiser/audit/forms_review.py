"""The filter of the access review: period (local dates), user, only flagged rows."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from wegweiser.accounts.models import User
from wegweiser.audit.access_review import DEFAULT_DAYS, MAX_DAYS, default_period
from wegweiser.core.forms import Form, date_field


class AccessReviewForm(Form):
    since = date_field(_("from"), required=False)
    until = date_field(_("until"), required=False)
    actor = forms.ModelChoiceField(
        label=_("user"), queryset=User.objects.none(), required=False, to_field_name="uuid"
    )
    only_flagged = forms.BooleanField(label=_("only flagged"), required=False)

    def __init__(self, *args, kreis, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = User.objects.filter(kreis=kreis).order_by(
            "last_name", "first_name", "email"
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        # Without dates: the last DEFAULT_DAYS days up to today; a missing end is today.
        since, until = data.get("since"), data.get("until")
        until = until or default_period()[1]
        since = since or until - dt.timedelta(days=DEFAULT_DAYS - 1)
        data["since"], data["until"] = since, until
        if until < since:
            self.add_error("until", _("The end of the period cannot be before its start."))
        elif (until - since).days >= MAX_DAYS:
            self.add_error(
                "until", _("The period can cover at most %(days)s days.") % {"days": MAX_DAYS}
            )
        return data
