"""{% url %} answers addresses without or with UUID arguments without a full reverse(): the
same address as Django's tag for every such URL of the project."""

from __future__ import annotations

import uuid

import pytest
from django.template import engines
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import UUIDConverter
from django.urls.resolvers import RoutePattern

from wegweiser.core.addresses import fast_reverse, uuid_address


def _named_routes(resolver=None, namespace="", converters=()):
    """(view name, converters of its parameters) of every named route, through the includes."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        own = (
            tuple(entry.pattern.converters.values())
            if isinstance(entry.pattern, RoutePattern)
            else None
        )
        if own is None:
            continue  # a regular expression: not this tag's business
        if isinstance(entry, URLResolver):
            prefix = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_routes(entry, prefix, converters + own)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", converters + own


ROUTES = sorted(
    {
        (name, len(convs))
        for name, convs in _named_routes()
        if len(convs) <= 4 and all(isinstance(c, UUIDConverter) for c in convs)
    }
)


def test_the_project_has_such_routes():
    counts = [n for _name, n in ROUTES]
    assert len(ROUTES) > 100 and counts.count(0) > 20 and counts.count(1) > 50


@pytest.mark.parametrize(("name", "count"), ROUTES, ids=[f"{n}/{c}" for n, c in ROUTES])
def test_fast_reverse_gives_djangos_address(name, count):
    args = [uuid.uuid4() for _ in range(count)]
    try:
        expected = reverse(name, args=args)
    except NoReverseMatch:
        pytest.skip("a name reused with other parameters")
    assert fast_reverse(name, args, None) == expected
    again = [uuid.uuid4() for _ in range(count)]
    assert fast_reverse(name, again, None) == reverse(name, args=again)
    if count == 1:
        assert uuid_address(name)(again[0]) == reverse(name, args=again)


def test_the_tag_in_templates():
    case = uuid.uuid4()
    html = (
        engines["django"]
        .from_string(
            "{% url 'core:desk' %}|{% url 'clients:case_detail' case %}|"
            "{% url 'clients:case_detail' uuid=case %}|"
            "{% url 'nothing:here' as gone %}[{{ gone }}]|"
            "{% url 'clients:case_detail' text %}"
        )
        .render({"case": case, "text": str(case)})
    )
    detail = reverse("clients:case_detail", args=[case])
    assert html == f"{reverse('core:desk')}|{detail}|{detail}|[]|{detail}"
    with pytest.raises(NoReverseMatch):
        engines["django"].from_string("{% url 'nothing:here' %}").render({})
