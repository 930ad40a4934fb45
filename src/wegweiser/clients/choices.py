"""Choice lists of the case file (codes in English, labels translated)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")
    DIVERSE = "diverse", _("diverse")
    UNKNOWN = "unknown", _("not stated")


class BirthDatePrecision(models.TextChoices):
    FULL = "full", _("full date")
    YEAR = "year", _("year only")
    UNKNOWN = "unknown", _("unknown")


class ResidenceStatus(models.TextChoices):
    GESTATTUNG = "gestattung", _("Aufenthaltsgestattung (asylum procedure)")
    DULDUNG = "duldung", _("Duldung (toleration)")
    ERLAUBNIS_25 = "erlaubnis_25", _("Aufenthaltserlaubnis § 25 AufenthG")
    ERLAUBNIS_24 = (
        "erlaubnis_24",
        _("Aufenthaltserlaubnis § 24 AufenthG (temporary protection, Ukraine)"),
    )
    ERLAUBNIS_OTHER = "erlaubnis_other", _("Aufenthaltserlaubnis (other purpose)")
    NIEDERLASSUNG = "niederlassung", _("Niederlassungserlaubnis")
    OTHER = "other", _("other")
    UNKNOWN = "unknown", _("unknown")


class AccommodationPhase(models.TextChoices):
    PROVISIONAL = "provisional", _("provisional accommodation (vorläufige Unterbringung)")
    FOLLOW_UP = "follow_up", _("follow-up accommodation (Anschlussunterbringung)")
    PRIVATE = "private", _("own flat")
    OTHER = "other", _("other")
    UNKNOWN = "unknown", _("unknown")


class FieldOfAction(models.TextChoices):
    LANGUAGE = "language", _("Language")
    WORK = "work", _("Work and training")
    HOUSING = "housing", _("Housing")
    EDUCATION = "education", _("Education and school")
    CHILDCARE = "childcare", _("Childcare")
    HEALTH = "health", _("Health incl. psychosocial support and trauma consultation")
    RESIDENCE = "residence", _("Residence and law")
    FINANCE = "finance", _("Finances and benefits")
    PARTICIPATION = "participation", _("Everyday life and social participation")


class CloseReason(models.TextChoices):
    SELF_RELIANT = "self_reliant", _("goals reached, uses regular services on their own")
    MOVED_AWAY = "moved_away", _("moved away")
    NO_CONTACT = "no_contact", _("no longer reachable")
    CLIENT_WISH = "client_wish", _("at the client's wish")
    PERIOD_ENDED = "period_ended", _("counselling period ended")
    HANDED_OVER = "handed_over", _("handed over to another service")
    DECEASED = "deceased", _("deceased")
    OTHER = "other", _("other")
    # Set only by the merge of two case files (clients.services_merge), never chosen by hand.
    MERGED = "merged", _("merged into another case file")


class ConsentForm(models.TextChoices):
    SIGNED = "signed", _("signed in writing")
    ORAL_WITNESS = "oral_witness", _("oral, with a witness")
