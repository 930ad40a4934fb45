import pytest

import tests.test_url_matrix as m
from tests.matrix import ROLES
from tests.test_url_matrix import world  # noqa: F401
from tests.volunteers import url_expectations_training as mine

m.APP_EXPECTATIONS.append(mine)


@pytest.mark.parametrize("role", ROLES)
def test_mine(client, world, role):  # noqa: F811
    users, kwargs, per_name = world
    if role != "anonymous":
        client.force_login(users[role])
    failures = []
    for name, pattern in m.ALL_URLS:
        if name not in mine.EXPECTED:
            continue
        url = m._url(name, pattern, kwargs, per_name)
        response = client.get(url)
        if response.status_code != mine.EXPECTED[name][role]:
            failures.append(f"{name} {url}: expected {mine.EXPECTED[name][role]}, got {response.status_code}")
    assert not failures, "\n".join(failures)
    names = {n for n, _p in m.ALL_URLS if n.startswith("volunteers:")}
    assert set(mine.EXPECTED) <= names
