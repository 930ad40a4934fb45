from django import forms
from django.utils.translation import gettext_lazy as _

from wegweiser.accounts.models import User
from wegweiser.core.forms import Form, date_field


class AuditFilterForm(Form):
    person = forms.CharField(
        label=_("person (name or case number)"), required=False, max_length=200
    )
    actor = forms.ModelChoiceField(label=_("user"), queryset=User.objects.none(), required=False)
    since = date_field(_("from"), required=False)
    until = date_field(_("until"), required=False)

    def __init__(self, *args, kreis, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = User.objects.filter(kreis=kreis).order_by(
            "last_name", "first_name"
        )
