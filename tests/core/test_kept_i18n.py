"""``{% load i18n %}`` is Django's library with literal translations kept per language
(core/templatetags/kept_i18n.py): every use of the tags renders what Django's own library
renders, in whichever language is active, render after render."""

from __future__ import annotations

import pytest
from django.template import Context, Engine, engines
from django.utils import translation

from wegweiser.core.templatetags.kept_i18n import KeptTranslateNode

SIMPLE = '{% load i18n %}{% translate "Cases" %}'
SOURCE = (
    "{% load i18n %}"
    '{% translate "Cases" %}|{% trans "Log out" %}|{% translate "Cases" as c %}{{ c }}|'
    '{% translate "Cases"|upper %}|{% translate "May" context "month name" %}|'
    '{% translate word %}|{% translate "a < b & 100%% sure" %}|'
    '{% autoescape off %}{% translate "a < b & 100%% sure" %}{% endautoescape %}|'
    '{% translate "Cases" noop %}|'
    "{% blocktranslate with n=word %}Cases {{ n }}{% endblocktranslate %}"
)


@pytest.fixture(scope="module")
def ours():
    return engines["django"].from_string(SOURCE)


@pytest.fixture(scope="module")
def djangos():
    engine = Engine(libraries={"i18n": "django.templatetags.i18n"})
    return engine.from_string(SOURCE)


def test_plain_literals_are_kept_the_rest_is_djangos(ours):
    kinds = [type(node).__name__ for node in ours.template.nodelist]
    # Cases, Log out, the escaped one, noop (the unescaped one sits in the autoescape block)
    assert kinds.count("KeptTranslateNode") == 4
    assert "TranslateNode" in kinds and "BlockTranslateNode" in kinds


@pytest.mark.parametrize("order", [("de", "en", "de", "en"), ("en", "de", "en")])
def test_every_render_equals_djangos_in_the_active_language(ours, djangos, order):
    rendered = set()
    for language in order:
        with translation.override(language):
            for word in ("Cases", "Services"):
                expected = djangos.render(Context({"word": word}))
                assert ours.template.render(Context({"word": word})) == expected, language
                rendered.add(expected.split("|")[0])
    assert rendered == {"Fälle", "Cases"}


LANGUAGE_BLOCKS = (
    '{% load i18n %}{% translate "Cases" %}|{% language "en" %}{% translate "Cases" %}|'
    '{% language "de" %}{% translate "Cases" %}{% endlanguage %}|{% translate "Cases" %}'
    '{% endlanguage %}|{% translate "Cases" %}|{% include "kept_inner.html" %}'
)


@pytest.mark.parametrize("active", ["de", "en"])
def test_language_blocks_switch_the_kept_translations_in_and_out(active):
    """The language is looked up once per template, and again inside ``{% language %}``: the
    nodes before, inside (also nested), after the block and in an included template say what
    Django's own library says."""
    from django.template.loaders.locmem import Loader

    inner = {"kept_inner.html": '{% load i18n %}{% translate "Cases" %}'}
    ours = Engine(
        libraries={"i18n": "wegweiser.core.templatetags.kept_i18n"},
        loaders=[(Loader.__module__ + ".Loader", inner)],
    ).from_string(LANGUAGE_BLOCKS)
    djangos = Engine(
        libraries={"i18n": "django.templatetags.i18n"},
        loaders=[(Loader.__module__ + ".Loader", inner)],
    ).from_string(LANGUAGE_BLOCKS)
    with translation.override(active):
        expected = djangos.render(Context())
        assert ours.render(Context()) == expected
    first = "Fälle" if active == "de" else "Cases"
    assert expected == f"{first}|Cases|Fälle|Cases|{first}|{first}"


def test_a_language_block_with_a_variable_language_translates_each_render_anew():
    """The same node inside ``{% language lang %}``, rendered for several languages while the
    page's own language stays the same: each render in the block's language."""
    source = (
        '{% load i18n %}{% translate "Cases" %}|'
        '{% language lang %}{% translate "Cases" %}{% endlanguage %}'
    )
    ours = engines["django"].from_string(source)
    with translation.override("de"):
        rendered = [ours.render({"lang": lang}) for lang in ("en", "de", "en", "de")]
    assert rendered == ["Fälle|Cases", "Fälle|Fälle", "Fälle|Cases", "Fälle|Fälle"]


def test_a_kept_translation_is_per_node_language_and_escaping():
    node = next(
        n
        for n in engines["django"].from_string(SIMPLE).template.nodelist
        if isinstance(n, KeptTranslateNode)
    )
    with translation.override("de"):
        node.render(Context())
    with translation.override("en"):
        node.render(Context(autoescape=False))
    assert node.kept == {("de", True): "Fälle", ("en", False): "Cases"}


def test_i18n_is_the_only_template_library_name_taken_twice():
    """The system check for names used by two template libraries is silenced for "i18n" (the
    override is intended): it must find nothing else."""
    warnings = engines["django"]._check_for_template_tags_with_the_same_name()
    assert [w.msg for w in warnings] == [
        "'i18n' is used for multiple template tag modules: 'django.templatetags.i18n', "
        "'wegweiser.core.templatetags.kept_i18n'"
    ]
