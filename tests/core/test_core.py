"""Health check, deny-by-default, security headers, settings from files."""

from django.urls import reverse


def test_healthz_answers_200_without_login(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_unreachable(client, db, monkeypatch):
    class Unreachable:
        def cursor(self):
            raise OSError("database down")

    monkeypatch.setattr("wegweiser.core.views.connection", Unreachable())
    assert client.get("/healthz").status_code == 503


def test_everything_else_requires_login(client, db):
    response = client.get(reverse("core:desk"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_strict_content_security_policy(client, alice):
    client.force_login(alice)
    response = client.get(reverse("core:desk"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert "cdn" not in response.content.decode().lower()


def test_secret_from_file(tmp_path, monkeypatch):
    from wegweiser.core.env import secret

    path = tmp_path / "secret"
    path.write_text("aus-der-datei\n")
    monkeypatch.setenv("WEGWEISER_TEST_SECRET_FILE", str(path))
    monkeypatch.setenv("WEGWEISER_TEST_SECRET", "aus-der-umgebung")
    assert secret("WEGWEISER_TEST_SECRET") == "aus-der-datei"
    monkeypatch.delenv("WEGWEISER_TEST_SECRET_FILE")
    assert secret("WEGWEISER_TEST_SECRET") == "aus-der-umgebung"


def test_pages_are_german_by_default(client, alice):
    client.force_login(alice)
    page = client.get(reverse("core:desk")).content.decode()
    assert 'lang="de"' in page


def test_client_address_behind_a_trusted_proxy(client, alice, case, settings):
    from wegweiser.audit.models import AuditEntry

    settings.WEGWEISER_TRUSTED_PROXIES = frozenset({"10.0.0.1"})
    client.force_login(alice)
    url = reverse("clients:case_detail", kwargs={"uuid": case.uuid})
    client.get(url, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.1")
    # a client that is not a trusted proxy cannot choose its logged address
    client.get(url, REMOTE_ADDR="198.51.100.4", HTTP_X_FORWARDED_FOR="1.2.3.4")
    ips = list(
        AuditEntry.objects.filter(action="clients.case.viewed")
        .order_by("pk")
        .values_list("ip", flat=True)
    )
    assert ips == ["203.0.113.9", "198.51.100.4"]


def test_unknown_api_path_answers_json_404(client, db):
    response = client.get("/api/v1/gibt-es-nicht")
    assert response.status_code == 404
    assert response.json() == {"detail": "Nicht gefunden."}
