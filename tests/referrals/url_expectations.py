"""Expected status per role for the URLs of the referrals app, merged into tests/test_url_matrix.py.

EXPECTED maps URL names to {role: status} tables built with tests.matrix (status, by_role,
case_content, case_edit). url_kwargs(world) creates the objects the URLs need and returns
{url name: kwargs for reverse()}; world holds "users" (role -> User; Alice owns the case),
"case" (Alice's open case), "session" and "consent".
"""

from __future__ import annotations

from tests.matrix import case_content, case_edit

EXPECTED: dict = {
    # The coordinator is sent to the case file to record a reason first.
    "referrals:referral_list": {**case_content(), "coordinator": 302},
    "referrals:referral_create": case_edit(),
    "referrals:referral_create_from_session": case_edit(),
    "referrals:referral_create_from_goal": case_edit(),
    "referrals:referral_update": case_edit(),
    "referrals:referral_close": case_edit(),
    "referrals:authority_contact_create": case_edit(),
    "referrals:authority_contact_update": case_edit(),
}


def url_kwargs(world: dict) -> dict:
    from tests.referrals.helpers import make_contact, make_goal, make_referral

    alice = world["users"]["alice"]
    case = world["case"]
    referral = make_referral(alice, case)
    goal = make_goal(case)
    contact = make_contact(alice, case)
    return {
        "referrals:referral_create_from_session": {"uuid": world["session"].uuid},
        "referrals:referral_create_from_goal": {"uuid": goal.uuid},
        "referrals:referral_update": {"uuid": referral.uuid},
        "referrals:referral_close": {"uuid": referral.uuid},
        "referrals:authority_contact_update": {"uuid": contact.uuid},
    }
