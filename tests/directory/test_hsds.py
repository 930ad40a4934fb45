"""Open Referral HSDS 3.0 import and export: the round trip keeps every field, a bad file is
refused as a whole with the rows named."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import login
from tests.directory.conftest import german
from wegweiser.directory import hsds, selectors
from wegweiser.directory.models import Service, ServiceProvider


def _export(user, kind="json") -> bytes:
    providers, services = selectors.export_scope(user=user)
    tables = hsds.export_tables(providers, services)
    if kind == "csv":
        return hsds.to_csv_zip(tables, name="test", title="Test")
    return hsds.to_json(tables, name="test", title="Test")


def _tables(data: bytes) -> dict:
    return hsds.parse_upload(data).rows


def _snapshot(service: Service) -> dict:
    fields = {
        f.name: getattr(service, f.name)
        for f in Service._meta.concrete_fields
        if f.name not in ("id", "created_at", "updated_at", "version", "created_by", "provider")
    }
    fields["counties_served"] = sorted(k.ags for k in service.counties_served.all())
    provider = service.provider
    fields["provider"] = {
        f.name: getattr(provider, f.name)
        for f in ServiceProvider._meta.concrete_fields
        if f.name not in ("id", "created_at", "updated_at", "version")
    }
    return fields


def _wipe():
    for service in Service.objects.all():
        service.counties_served.clear()
    Service.objects.all().delete()
    ServiceProvider.objects.all().delete()


@pytest.mark.parametrize("kind", ["json", "csv"])
def test_round_trip_keeps_every_field(coordinator, service, kind):
    second = service.provider.services.create(
        kreis=service.kreis, land=service.land, name="Leeres Angebot", is_active=False
    )
    before = {s.uuid: _snapshot(s) for s in (service, second)}
    exported = _export(coordinator, kind)
    _wipe()
    result = hsds.import_upload(actor=coordinator, data=exported)
    assert result.services_created == 2
    after = {s.uuid: _snapshot(s) for s in Service.objects.all()}
    assert after == before
    # and the export of the imported data is the same file content
    again = _export(coordinator, kind)
    assert _tables(again) == _tables(exported)


def test_import_twice_updates_instead_of_duplicating(coordinator, service):
    exported = _export(coordinator)
    result = hsds.import_upload(actor=coordinator, data=exported)
    assert result.services_updated == 1 and result.services_created == 0
    assert Service.objects.count() == 1
    assert ServiceProvider.objects.count() == 1


def test_export_of_alices_kreis_has_hsds_tables(coordinator, service, state_service):
    package = json.loads(_export(coordinator))
    names = [r["name"] for r in package["resources"]]
    for table in ("organization", "service", "location", "address", "phone", "language"):
        assert table in names
    services = next(r for r in package["resources"] if r["name"] == "service")["data"]
    assert {s["name"] for s in services} == {service.name, state_service.name}


def test_csv_zip_has_datapackage_and_tables(coordinator, service):
    archive = zipfile.ZipFile(io.BytesIO(_export(coordinator, "csv")))
    assert "datapackage.json" in archive.namelist()
    rows = list(csv.DictReader(io.StringIO(archive.read("service.csv").decode("utf-8"))))
    assert rows[0]["name"] == "Trauma-Sprechstunde"
    assert rows[0]["fees_description"] == "kostenlos"


def _package(**tables) -> bytes:
    resources = [{"name": name, "data": rows} for name, rows in tables.items()]
    return json.dumps({"resources": resources}).encode()


ORG = {"id": "1b4e28ba-2fa1-11d2-883f-0016d3cca427", "name": "AWO"}


def _svc(**extra):
    row = {
        "id": "2b4e28ba-2fa1-11d2-883f-0016d3cca427",
        "organization_id": ORG["id"],
        "name": "Sprachcafé",
    }
    row.update(extra)
    return row


def _refused(user, data) -> list[str]:
    with pytest.raises(ValidationError) as exc:
        hsds.import_upload(actor=user, data=data)
    assert not Service.objects.exists()
    assert not ServiceProvider.objects.exists()
    return exc.value.messages


def test_minimal_foreign_file_imports(coordinator):
    result = hsds.import_upload(
        actor=coordinator, data=_package(organization=[ORG], service=[_svc()])
    )
    assert result.services_created == 1
    assert Service.objects.get().name == "Sprachcafé"


def test_formula_in_a_cell_refuses_the_whole_file(coordinator):
    data = _package(
        organization=[ORG],
        service=[
            _svc(),
            _svc(id="3b4e28ba-2fa1-11d2-883f-0016d3cca427", name='=HYPERLINK("x")'),
            _svc(id="4b4e28ba-2fa1-11d2-883f-0016d3cca427", description="@SUM(A1)"),
        ],
    )
    messages = _refused(coordinator, data)
    where2 = german("table %(table)s, entry %(row)s", table="service", row=2)
    where3 = german("table %(table)s, entry %(row)s", table="service", row=3)
    assert any(m.startswith(where2) and "name" in m for m in messages)
    assert any(m.startswith(where3) and "description" in m for m in messages)


def test_phone_numbers_with_plus_are_no_formula(coordinator):
    data = _package(
        organization=[ORG],
        service=[_svc()],
        phone=[{"id": "p1", "service_id": _svc()["id"], "number": "+49 7571 102-0"}],
    )
    hsds.import_upload(actor=coordinator, data=data)
    assert Service.objects.get().phone == "+49 7571 102-0"


@pytest.mark.parametrize("cell", ["+SUM(A1)", "-2+3*cmd|' /C calc'!A0", "=1+1", "@A1"])
def test_formula_starts_are_refused(coordinator, cell):
    _refused(coordinator, _package(organization=[ORG], service=[_svc(description=cell)]))


def test_unknown_reference_names_the_row(coordinator):
    data = _package(
        organization=[ORG],
        service=[_svc(organization_id="9b4e28ba-2fa1-11d2-883f-0016d3cca427")],
        language=[{"id": "l1", "service_id": "nope", "code": "ar"}],
    )
    messages = _refused(coordinator, data)
    assert any("organization_id" in m for m in messages)
    assert any(
        m.startswith(german("table %(table)s, entry %(row)s", table="language", row=1))
        for m in messages
    )


def test_wrong_schema_is_refused(coordinator):
    messages = _refused(
        coordinator, _package(organization=[{**ORG, "lieblingsfarbe": "blau"}], service=[])
    )
    assert any("lieblingsfarbe" in m for m in messages)
    messages = _refused(coordinator, _package(service=[_svc()]))
    assert german("The table %(table)s is missing.", table="organization") in messages
    _refused(coordinator, b'{"kein": "paket"}')
    _refused(coordinator, _package(kaffee=[{"id": "1"}], organization=[ORG], service=[]))


def test_unknown_codes_and_counties_are_refused(coordinator):
    sid = _svc()["id"]
    data = _package(
        organization=[ORG],
        service=[_svc()],
        language=[{"id": "l1", "service_id": sid, "code": "xx"}],
        service_area=[{"id": "a1", "service_id": sid, "name": "Atlantis", "extent": "99999"}],
    )
    messages = _refused(coordinator, data)
    assert any("xx" in m for m in messages)
    assert any("99999" in m for m in messages)


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_broken_encoding_is_refused(coordinator):
    latin1 = "id,name\n1b4e28ba-2fa1-11d2-883f-0016d3cca427,Bürgerbüro\n".encode("latin-1")
    messages = _refused(
        coordinator, _zip({"organization.csv": latin1, "service.csv": b"id,organization_id,name\n"})
    )
    assert messages == [
        german(
            "The file %(name)s is not encoded in UTF-8. Please save it as UTF-8.",
            name="organization.csv",
        )
    ]


def test_csv_rows_are_numbered_like_in_a_spreadsheet(coordinator):
    org = "id,name\r\n1b4e28ba-2fa1-11d2-883f-0016d3cca427,AWO\r\n"
    service = (
        "id,organization_id,name\r\n"
        "2b4e28ba-2fa1-11d2-883f-0016d3cca427,1b4e28ba-2fa1-11d2-883f-0016d3cca427,Gut\r\n"
        "3b4e28ba-2fa1-11d2-883f-0016d3cca427,1b4e28ba-2fa1-11d2-883f-0016d3cca427,=cmd\r\n"
    )
    messages = _refused(
        coordinator, _zip({"organization.csv": org.encode(), "service.csv": service.encode()})
    )
    assert messages[0].startswith(german("file %(table)s.csv, row %(row)s", table="service", row=3))


def test_damaged_zip_and_foreign_files(coordinator):
    _refused(coordinator, b"PK\x03\x04kaputt")
    _refused(coordinator, _zip({"organization.csv": b"id,name\n", "evil.exe": b"MZ"}))


def test_only_coordination_and_admin_import(alice, lead):
    for user in (alice, lead):
        with pytest.raises(PermissionDenied):
            hsds.import_upload(actor=user, data=_package(organization=[ORG], service=[]))


def test_import_page(client, county_admin):
    login(client, county_admin)
    upload = SimpleUploadedFile(
        "angebote.json", _package(organization=[ORG], service=[_svc()]), "application/json"
    )
    response = client.post(reverse("directory:import"), {"file": upload})
    assert response.status_code == 302
    assert Service.objects.filter(kreis=county_admin.kreis).count() == 1


def test_import_page_lists_errors(client, county_admin):
    login(client, county_admin)
    upload = SimpleUploadedFile(
        "angebote.json",
        _package(organization=[ORG], service=[_svc(name="=HYPERLINK(1)")]),
        "application/json",
    )
    response = client.post(reverse("directory:import"), {"file": upload})
    assert response.status_code == 200
    assert german("table %(table)s, entry %(row)s", table="service", row=1) in (
        response.content.decode()
    )
    assert not Service.objects.exists()


def test_export_download(client, alice, service):
    login(client, alice)
    response = client.get(reverse("directory:export"), {"format": "csv"})
    assert response["Content-Type"] == "application/zip"
    assert "service.csv" in zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    response = client.get(reverse("directory:export"))
    assert json.loads(response.content)["hsds_version"] == "3.0"


def test_charlie_export_does_not_contain_alices_entries(client, charlie, service):
    login(client, charlie)
    response = client.get(reverse("directory:export"))
    assert str(service.uuid) not in response.content.decode()
    assert "Caritas" not in response.content.decode()
    url = reverse("directory:service_detail", kwargs={"uuid": service.uuid})
    assert client.get(url).status_code == 404


def test_control_characters_are_refused(coordinator):
    messages = _refused(
        coordinator, _package(organization=[{**ORG, "name": "A\x00B"}], service=[_svc()])
    )
    assert messages[0].startswith(
        german("table %(table)s, entry %(row)s", table="organization", row=1)
    )
