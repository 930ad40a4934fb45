"""The models and the migrations agree (a forgotten migration would break a fresh install)."""

from io import StringIO

from django.core.management import call_command


def test_no_missing_migrations(db):
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:  # makemigrations --check exits 1 when changes are missing
        raise AssertionError(f"Missing migrations:\n{out.getvalue()}") from exc
