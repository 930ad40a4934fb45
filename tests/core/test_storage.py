"""Static files in production (core.storage): the addresses of WhiteNoise's manifest storage,
kept once built; a file missing from the manifest is refused as before."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

from wegweiser.core.storage import KeptManifestStaticFilesStorage


@pytest.fixture
def manifest(tmp_path):
    paths = {
        "wegweiser/app.css": "wegweiser/app.0123456789ab.css",
        "vendor/htmx.min.js": "vendor/htmx.min.ba9876543210.js",
    }
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"paths": paths, "version": "1.1", "hash": "0"}), encoding="utf-8"
    )
    return tmp_path


@override_settings(DEBUG=False)
def test_addresses_are_the_manifest_storages_and_kept(manifest):
    kept = KeptManifestStaticFilesStorage(location=manifest, base_url="/static/")
    plain = CompressedManifestStaticFilesStorage(location=manifest, base_url="/static/")
    for name in ("wegweiser/app.css", "vendor/htmx.min.js", "wegweiser/app.css"):
        assert kept.url(name) == plain.url(name)
    assert kept.url("wegweiser/app.css") == "/static/wegweiser/app.0123456789ab.css"
    kept.hashed_files = {}  # the manifest is not asked again for an address already built
    assert kept.url("vendor/htmx.min.js") == "/static/vendor/htmx.min.ba9876543210.js"


@override_settings(DEBUG=False)
def test_a_file_missing_from_the_manifest_is_refused_every_time(manifest):
    kept = KeptManifestStaticFilesStorage(location=manifest, base_url="/static/")
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            kept.url("wegweiser/missing.css")
