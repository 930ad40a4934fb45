"""Static files in production: WhiteNoise's compressed manifest storage, with each file's address
kept once it has been looked up.

Every page's frame links six static files; the manifest storage looks each one up in the
manifest and builds its address anew for every ``{% static %}`` (path splitting and joining,
quoting: 6 % of a page's template time). The manifest is read when the process starts and does
not change while it runs (``collectstatic`` is followed by a restart, docs/betrieb.md), so an
address once built is the address for the life of the process.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage

_LIMIT = 5_000  # distinct static files asked for; far more than the application has


class KeptManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._kept_urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force=True)
        address = self._kept_urls.get(name)
        if address is None:
            address = super().url(name)  # an unknown file raises as before, and is not kept
            if len(self._kept_urls) < _LIMIT:
                self._kept_urls[name] = address
        return address
