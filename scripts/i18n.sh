#!/usr/bin/env bash
# Update the German message catalogue from the code and compile it.
#
#   scripts/i18n.sh
#
# 1. makemessages over src/wegweiser (Python, templates incl. the allauth overrides; not static/)
#    into src/wegweiser/locale/de/LC_MESSAGES/django.po. New msgids arrive with an empty msgstr,
#    changed ones as "#, fuzzy": translate them, remove the fuzzy flag and run this script again.
# 2. Two rules that makemessages alone cannot express:
#    - Strings of the allauth templates we override (templates/account/, templates/mfa/,
#      templates/allauth/) whose msgid allauth's own German catalogue already translates are
#      left to allauth: they are dropped here instead of being duplicated.
#    - An entry with a translator comment "# keep: <reason>" is never dropped: neither by the
#      rule above (a deliberate override of allauth's wording) nor when makemessages cannot see
#      the msgid (a string the code translates at run time from a variable).
# 3. compilemessages -> django.mo. Both django.po and django.mo are committed, so a machine
#    without GNU gettext still shows German.
#
# Needs GNU gettext (Debian: apt-get install gettext) and the project's .venv (make install).
# tests/core/test_translations.py checks that the catalogue is complete and the .mo current.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${WEGWEISER_PYTHON:-$ROOT/.venv/bin/python}"
APP="$ROOT/src/wegweiser"
PO="$APP/locale/de/LC_MESSAGES/django.po"

for tool in xgettext msgmerge msguniq msgattrib msgfmt; do
  command -v "$tool" >/dev/null || {
    echo "scripts/i18n.sh: '$tool' is missing; install GNU gettext (apt-get install gettext)." >&2
    exit 1
  }
done
[ -x "$PY" ] || { echo "scripts/i18n.sh: $PY not found; run 'make install' first." >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
if [ -f "$PO" ]; then cp "$PO" "$tmp/previous.po"; else : >"$tmp/previous.po"; fi

# makemessages walks the current directory: run it inside the package, so that neither .venv nor
# node_modules nor tests are scanned. Settings need DEBUG (or TESTING) for their defaults.
cd "$APP"
export WEGWEISER_DEBUG=1
"$PY" "$ROOT/manage.py" makemessages --locale=de --domain=django --extension=html,txt,py \
  --ignore=static --add-location=file --no-obsolete --verbosity=0

"$PY" - "$PO" "$tmp/previous.po" <<'PYTHON'
"""Apply the allauth and "# keep:" rules to the catalogue makemessages has just written."""

import ast
import gettext
import re
import sys
from pathlib import Path

import allauth

ALLAUTH_OVERRIDES = ("templates/account/", "templates/mfa/", "templates/allauth/")
KEEP = "# keep:"


def entries(text):
    return [block for block in text.strip("\n").split("\n\n") if block.strip()]


def parse(block):
    """msgctxt/msgid/msgid_plural, locations and translator comments of one entry."""
    fields, current, locations, comments = {}, None, [], []
    for line in block.splitlines():
        if line.startswith("#:"):
            locations.extend(line[2:].split())
        elif line.startswith("#~"):
            continue
        elif line == "#" or line.startswith("# "):
            comments.append(line)
        elif line.startswith('"') and current:
            fields[current] += ast.literal_eval(line)
        elif line.startswith(("msgctxt ", "msgid ", "msgid_plural ")):
            current, _, value = line.partition(" ")
            fields[current] = ast.literal_eval(value)
        else:
            current = None
    key = fields.get("msgid")
    if "msgctxt" in fields:
        key = f"{fields['msgctxt']}\x04{key}"
    return key, "msgid_plural" in fields, locations, comments


po_path, previous_path = Path(sys.argv[1]), Path(sys.argv[2])
header, *blocks = entries(po_path.read_text(encoding="utf-8"))

mo = Path(allauth.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.mo"
with mo.open("rb") as fp:
    allauth_catalog = gettext.GNUTranslations(fp)._catalog


def allauth_translates(key, plural):
    keys = [(key, 0), (key, 1)] if plural else [key]
    return all(allauth_catalog.get(k) for k in keys)


kept, dropped, seen = [], [], set()
for block in blocks:
    key, plural, locations, comments = parse(block)
    seen.add(key)
    keep = any(c.startswith(KEEP) for c in comments)
    if (
        not keep
        and locations
        and all(loc.startswith(ALLAUTH_OVERRIDES) for loc in locations)
        and allauth_translates(key, plural)
    ):
        dropped.append(key)
    else:
        kept.append(block)

carried = []
for block in entries(previous_path.read_text(encoding="utf-8"))[1:]:
    key, plural, locations, comments = parse(block)
    if key not in seen and any(c.startswith(KEEP) for c in comments):
        carried.append(block)

text = "\n\n".join([header, *kept, *carried]) + "\n"
previous = previous_path.read_text(encoding="utf-8")


def without_date(po):
    return re.sub(r'^"POT-Creation-Date: .*$', "", po, flags=re.M)


# Nothing but the extraction time changed: keep the file as it was (no noise in the diff).
po_path.write_text(previous if without_date(text) == without_date(previous) else text,
                   encoding="utf-8")
print(f"{len(kept) + len(carried)} msgids in the catalogue ({len(carried)} kept from the previous "
      f"catalogue by '# keep:'), {len(dropped)} left to allauth's German catalogue.")
PYTHON

"$PY" "$ROOT/manage.py" compilemessages --locale=de --ignore=static --verbosity=0

count() { grep -c '^msgid "..*"$' || true; }
untranslated="$(msgattrib --untranslated --no-wrap "$PO" | count)"
fuzzy="$(msgattrib --only-fuzzy --no-wrap "$PO" | count)"
if [ "$untranslated" -gt 0 ] || [ "$fuzzy" -gt 0 ]; then
  echo "To translate in ${PO#"$ROOT"/} ($untranslated empty, $fuzzy fuzzy; then run scripts/i18n.sh again):"
  msgattrib --untranslated --no-wrap "$PO" | sed -n 's/^msgid "\(..*\)"$/  empty: \1/p'
  msgattrib --only-fuzzy --no-wrap "$PO" | sed -n 's/^msgid "\(..*\)"$/  fuzzy: \1/p'
fi
