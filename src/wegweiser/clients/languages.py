"""Languages most often needed in refugee counselling (ISO 639 codes), labels translated."""

from django.utils.translation import gettext_lazy as _

LANGUAGES = [
    ("ar", _("Arabic")),
    ("am", _("Amharic")),
    ("bg", _("Bulgarian")),
    ("prs", _("Dari")),
    ("de", _("German")),
    ("en", _("English")),
    ("fa", _("Persian (Farsi)")),
    ("fr", _("French")),
    ("ka", _("Georgian")),
    ("ha", _("Hausa")),
    ("hi", _("Hindi")),
    ("it", _("Italian")),
    ("kmr", _("Kurdish (Kurmanji)")),
    ("ckb", _("Kurdish (Sorani)")),
    ("mk", _("Macedonian")),
    ("ps", _("Pashto")),
    ("pl", _("Polish")),
    ("pt", _("Portuguese")),
    ("ro", _("Romanian")),
    ("ru", _("Russian")),
    ("sq", _("Albanian")),
    ("sr", _("Serbian")),
    ("so", _("Somali")),
    ("es", _("Spanish")),
    ("ta", _("Tamil")),
    ("ti", _("Tigrinya")),
    ("tr", _("Turkish")),
    ("uk", _("Ukrainian")),
    ("ur", _("Urdu")),
    ("vi", _("Vietnamese")),
    ("zh", _("Chinese")),
]
LANGUAGE_CODES = {code for code, _label in LANGUAGES}


def language_label(code: str) -> str:
    return str(dict(LANGUAGES).get(code, code))
