"""Expected status per role for the URLs of the directory app, merged into tests/test_url_matrix.py.

EXPECTED maps URL names to {role: status} tables built with tests.matrix (status, by_role,
case_content, case_edit). url_kwargs(world) creates the objects the URLs need and returns
{url name: kwargs for reverse()}; world holds "users" (role -> User; Alice owns the case),
"case" (Alice's open case), "session" and "consent".
"""

from __future__ import annotations

EXPECTED: dict = {}


def url_kwargs(world: dict) -> dict:
    return {}
