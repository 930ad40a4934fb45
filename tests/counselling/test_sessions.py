"""Recording counselling sessions: what a manager sees, what is refused, what stays encrypted."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_client, make_session
from wegweiser.audit.models import AuditEntry
from wegweiser.counselling.models import CounsellingSession

TODAY = timezone.localdate


def _post(client, case, **overrides):
    data = {
        "held_on": TODAY().strftime("%d.%m.%Y"),
        "duration_minutes": "45",
        "channel": "phone",
        "fields_of_action": ["language", "work"],
        "summary": "Anmeldung Integrationskurs besprochen",
        "confidential_note": "",
    }
    data.update(overrides)
    return client.post(reverse("counselling:session_create", kwargs={"uuid": case.uuid}), data)


def test_manager_records_a_session_and_sees_it_on_the_case(client, alice, case):
    client.force_login(alice)
    response = _post(client, case)
    assert response.status_code == 302
    page = client.get(reverse("clients:case_detail", kwargs={"uuid": case.uuid})).content.decode()
    assert "Anmeldung Integrationskurs besprochen" in page
    case.refresh_from_db()
    assert case.last_session_on == TODAY()
    assert case.session_count == 1
    assert AuditEntry.objects.filter(
        action="counselling.session.recorded", case_uuid=case.uuid
    ).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("held_on", (dt.date.today() + dt.timedelta(days=2)).strftime("%d.%m.%Y"), "Zukunft"),
        ("duration_minutes", "0", "1"),
        ("duration_minutes", "601", "600"),
        ("summary", "Text mit \x07 Steuerzeichen", "Steuerzeichen"),
        ("summary", "x" * 2001, "2000"),
        ("held_on", "31.02.2026", "Datum"),
    ],
)
def test_bad_input_is_refused_in_german_beside_the_field_and_nothing_saved(
    client, alice, case, field, value, message
):
    client.force_login(alice)
    response = _post(client, case, **{field: value})
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    assert not CounsellingSession.objects.exists()
    # the user's other input stays on screen
    assert (
        "Anmeldung Integrationskurs besprochen" in response.content.decode() or field == "summary"
    )


def test_confidential_note_is_encrypted_at_rest_and_not_in_lists(client, alice, case):
    client.force_login(alice)
    _post(client, case, confidential_note="Traumatherapie vereinbart")
    session = CounsellingSession.objects.get()
    assert session.confidential_note == "Traumatherapie vereinbart"
    with connection.cursor() as cursor:
        cursor.execute("SELECT confidential_note FROM counselling_counsellingsession")
        stored = cursor.fetchone()[0]
    assert "Trauma" not in stored
    assert stored.startswith("1:")
    for url in (
        reverse("clients:case_detail", kwargs={"uuid": case.uuid}),
        reverse("clients:case_timeline", kwargs={"uuid": case.uuid}),
        reverse("clients:case_list"),
        reverse("core:desk"),
    ):
        assert "Traumatherapie" not in client.get(url).content.decode(), url


def test_concurrent_edit_of_a_session_is_refused_and_input_kept(client, alice, bob, case):
    session = make_session(alice, case, summary="Erste Fassung")
    url = reverse("counselling:session_update", kwargs={"uuid": session.uuid})
    client.force_login(alice)
    form_version = client.get(url).context["form"]["version"].value()
    # Bob saves first
    from wegweiser.counselling.services import session_update

    session_update(actor=bob, session=session, version=session.version, summary="Bobs Fassung")
    response = client.post(
        url,
        {
            "version": form_version,
            "held_on": session.held_on.strftime("%d.%m.%Y"),
            "duration_minutes": "45",
            "channel": "in_person",
            "summary": "Alices Fassung",
        },
    )
    assert response.status_code == 200
    assert "zwischenzeitlich" in response.content.decode()
    assert "Alices Fassung" in response.content.decode()
    session.refresh_from_db()
    assert session.summary == "Bobs Fassung"


def test_only_household_members_can_be_present(alice):
    from django.core.exceptions import ValidationError

    from wegweiser.counselling.services import session_record

    amina = make_client(alice, new_household_label="Familie Haddad")
    household = amina.household
    omar = make_client(alice, given_names="Omar", household=household, open_case=False)
    stranger = make_client(alice, given_names="Fremd", family_name="Person")
    case = amina.cases.get()
    session = session_record(
        actor=alice,
        case=case,
        held_on=TODAY(),
        duration_minutes=30,
        channel="outreach",
        members_present=[omar],
    )
    assert list(session.members_present.all()) == [omar]
    with pytest.raises(ValidationError):
        session_record(
            actor=alice,
            case=case,
            held_on=TODAY(),
            duration_minutes=30,
            channel="outreach",
            members_present=[stranger],
        )


def test_charlie_of_another_kreis_cannot_record_or_edit_sessions(client, charlie, case, session):
    from django.http import Http404

    from wegweiser.counselling.services import session_record, session_update

    client.force_login(charlie)
    assert _post(client, case).status_code == 404
    url = reverse("counselling:session_update", kwargs={"uuid": session.uuid})
    assert client.get(url).status_code == 404
    assert client.post(url, {"summary": "fremd"}).status_code == 404
    with pytest.raises(Http404):
        session_record(
            actor=charlie, case=case, held_on=TODAY(), duration_minutes=10, channel="phone"
        )
    with pytest.raises(Http404):
        session_update(actor=charlie, session=session, version=session.version, summary="fremd")
    assert CounsellingSession.objects.count() == 1
