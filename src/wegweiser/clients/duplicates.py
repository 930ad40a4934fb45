"""Likely duplicates of persons within a Kreis (issue 8; docs/decisions/0009).

Blocking: candidates share a phonetic key (Kölner Phonetik, ``Client.name_phonetic``) with the
family name of the new person and were born in the same year (±1, for years that are only
estimated). Scoring: the names in Latin script are compared word by word with rapidfuzz (Indel
ratio), raised when the phonetic keys agree or, for names written in Arabic script (without
vowels), when the consonant skeletons agree; the order of given and family names may be swapped.
The name score is then weighted by the agreement of the birth data and of the gender.

Both lookups need a constant number of queries: the persons (of the block, or of the Kreis with a
year of birth), their case files, and the user's access to those files (``_access_map``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz

from wegweiser.clients import choices, rules
from wegweiser.clients.models import Case, Client
from wegweiser.clients.names import phonetic_key, phonetic_q, search_columns, tokens

LIKELY = 0.85
POSSIBLE = 0.70
# Keys of words of at most this many letters ("al", "el", "de", "li") block too much on their own.
SHORT_WORD = 2
# At most this many persons are scored per block (a very common name in a large Kreis).
BLOCK_LIMIT = 400

_ABJAD = re.compile(r"[\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_VOWELS = re.compile(r"[aeiouwy]")
_DOUBLES = re.compile(r"(.)\1+")
_WORD_SPLIT = re.compile(r"[^\w'’ʼ`´]+")
# German spellings of transliterated names against the English ones ("Schewtschenko" and
# "Shevchenko", "Juri" and "Yuri", "Mahmoud" and "Mahmud"): compared in a common form.
_GERMAN_LATIN = (("tsch", "ch"), ("sch", "sh"), ("w", "v"), ("ou", "u"), ("ph", "f"))
_J_BEFORE_VOWEL = re.compile(r"j(?=[aeiou])")


def _common_form(token: str) -> str:
    for german, common in _GERMAN_LATIN:
        token = token.replace(german, common)
    return _J_BEFORE_VOWEL.sub("y", token)


REASON_LABELS = {
    "same_date": _("same date of birth"),
    "same_year": _("same year of birth"),
    "near_year": _("year of birth differs by one"),
    "other_date": _("same year of birth, different date"),
    "no_birth": _("date of birth unknown"),
    "same_name": _("same name"),
    "similar_name": _("similar name"),
    "swapped": _("given and family name swapped"),
    "same_gender": _("same gender"),
    "other_gender": _("different gender"),
}


# --- comparing names -------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Word:
    variants: tuple[str, ...]  # lower-case Latin spellings (tokens of names.tokens)
    abjad: bool  # written in Arabic or Hebrew script: vowels are mostly not written
    keys: frozenset[str]
    # The consonant skeletons of the variants (``_skeleton``), computed once per word.
    skeletons: tuple[str, ...] = dataclasses.field(init=False, compare=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "skeletons", tuple(_skeleton(v) for v in self.variants))


def _words(text: str) -> list[Word]:
    words = []
    for raw in _WORD_SPLIT.split(text or ""):
        found = [t for t in tokens(raw) if not t.isdigit()]
        variants = tuple(dict.fromkeys([*found, *(_common_form(t) for t in found)]))
        if variants:
            words.append(
                Word(
                    variants=variants,
                    abjad=bool(_ABJAD.search(raw)),
                    keys=frozenset(phonetic_key(v) for v in variants),
                )
            )
    return words


def _skeleton(text: str) -> str:
    """Consonants only: Arabic script writes short vowels not at all ("mhmd")."""
    return _DOUBLES.sub(r"\1", _VOWELS.sub("", text or ""))


def word_similarity(a: Word, b: Word) -> float:
    best = 0.0
    phonetic = bool(a.keys & b.keys)
    abjad = a.abjad or b.abjad
    for x, sx in zip(a.variants, a.skeletons, strict=True):
        for y, sy in zip(b.variants, b.skeletons, strict=True):
            if x == y:
                return 1.0
            score = fuzz.ratio(x, y) / 100
            if phonetic:
                score = 0.6 + 0.4 * score
            if abjad:
                skeleton = 0.92 if sx == sy else 0.9 * fuzz.ratio(sx, sy) / 100
                score = max(score, skeleton)
            best = max(best, score)
    return best


def _joined(words: list[Word]) -> Word:
    """All words as one (``Abdul Rahman`` against ``Abdulrahman``, ``Al Hassan``/``الحسن``)."""
    joined = "".join(w.variants[0] for w in words)
    return Word(
        variants=(joined,),
        abjad=any(w.abjad for w in words),
        keys=frozenset({phonetic_key(joined)}),
    )


def part_similarity(a: list[Word], b: list[Word]) -> float:
    """Similarity of two name parts (several words each): each word of the shorter part with
    its best match in the longer one, a little less when words are missing."""
    if not a or not b:
        return 0.0
    cache = getattr(a, "similar", None)
    if cache is not None and isinstance(b, _Part):
        found = cache.get(id(b))
        if found is None:
            found = cache[id(b)] = _part_similarity(a, b)
        return found
    return _part_similarity(a, b)


def _part_similarity(a: list[Word], b: list[Word]) -> float:
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    matched = sum(max(word_similarity(w, v) for v in long_) for w in short) / len(short)
    matched *= 0.9 + 0.1 * len(short) / len(long_)
    if len(a) > 1 or len(b) > 1:
        matched = max(matched, word_similarity(_joined_of(a), _joined_of(b)))
    return matched


class _Part(list):
    """The words of a name part, with their joined form computed once and the similarity to
    other parts remembered (by ``id``: the parts of one check are all kept by ``_memo_words``
    until it ends)."""

    joined: Word
    similar: dict[int, float]


def _joined_of(words: list[Word]) -> Word:
    joined = getattr(words, "joined", None)
    return joined if joined is not None else _joined(words)


@dataclasses.dataclass(frozen=True)
class PersonName:
    """The spellings of a person's name: as written and in Latin script."""

    given: tuple[list[Word], ...]
    family: tuple[list[Word], ...]

    @classmethod
    def of(
        cls, given_names, family_name, given_latin="", family_latin="", *, words=None
    ) -> PersonName:
        words = words or _words
        given = [w for w in (words(given_names), words(given_latin)) if w]
        family = [w for w in (words(family_name), words(family_latin)) if w]
        return cls(given=tuple(given), family=tuple(family))


def _best(parts_a: Iterable[list[Word]], parts_b: Iterable[list[Word]]) -> float:
    parts_b = list(parts_b)
    return max((part_similarity(a, b) for a in parts_a for b in parts_b), default=0.0)


def _combine(family: float, given: float) -> float:
    """Both parts count; the weaker one a little more (a matching family name alone is no
    duplicate, nor is a matching given name)."""
    return 0.6 * (family + given) / 2 + 0.4 * min(family, given)


def name_similarity(a: PersonName, b: PersonName) -> tuple[float, bool]:
    """The name score (0..1) and whether it came from swapped given and family names."""
    straight = _combine(_best(a.family, b.family), _best(a.given, b.given))
    swapped = _combine(_best(a.family, b.given), _best(a.given, b.family)) * 0.97
    if swapped > straight:
        return swapped, True
    return straight, False


# --- birth data and gender -------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Birth:
    date: dt.date | None
    year: int | None

    @property
    def exact(self) -> bool:
        """A full date that is not the 1 January offices write for an unknown day."""
        return self.date is not None and (self.date.month, self.date.day) != (1, 1)


def birth_factor(a: Birth, b: Birth) -> tuple[float, str]:
    if a.year is None or b.year is None:
        return 0.8, "no_birth"
    if a.date is not None and a.date == b.date:
        return 1.0, "same_date"
    difference = abs(a.year - b.year)
    if difference == 0:
        if a.exact and b.exact:
            return 0.8, "other_date"
        return 0.95, "same_year"
    if difference == 1 and not (a.exact and b.exact):
        return 0.8, "near_year"
    return 0.0, ""


def gender_factor(a: str, b: str) -> tuple[float, str]:
    unknown = choices.Gender.UNKNOWN
    if not a or not b or a == unknown or b == unknown:
        return 1.0, ""
    if a == b:
        return 1.0, "same_gender"
    return 0.85, "other_gender"


@dataclasses.dataclass(frozen=True)
class Person:
    """What the scoring needs of a person (a stored ``Client`` or the data of a new one)."""

    name: PersonName
    birth: Birth
    gender: str
    pk: int | None = None

    @classmethod
    def of_client(cls, client: Client, *, words=None) -> Person:
        return cls(
            name=PersonName.of(
                client.given_names,
                client.family_name,
                client.given_names_latin,
                client.family_name_latin,
                words=words,
            ),
            birth=Birth(client.birth_date, client.birth_year),
            gender=client.gender,
            pk=client.pk,
        )


def score(a: Person, b: Person) -> tuple[float, list[str]]:
    """The duplicate score of two persons (0..1) and the reason codes (``REASON_LABELS``)."""
    birth, birth_reason = birth_factor(a.birth, b.birth)
    if not birth:
        return 0.0, []
    names, swapped = name_similarity(a.name, b.name)
    gender, gender_reason = gender_factor(a.gender, b.gender)
    reasons = ["same_name" if names >= 0.999 else "similar_name"]
    if swapped:
        reasons.append("swapped")
    reasons.append(birth_reason)
    if gender_reason:
        reasons.append(gender_reason)
    return round(names * birth * gender, 3), reasons


def level(value: float) -> str:
    if value >= LIKELY:
        return "likely"
    if value >= POSSIBLE:
        return "possible"
    return ""


# --- candidates for a new person -------------------------------------------------------------


def _blocking_keys(*names: str) -> list[str]:
    toks, _keys = search_columns(*names)
    long_words = [t for t in toks.split() if len(t) > SHORT_WORD and not t.isdigit()]
    words = long_words or [t for t in toks.split() if not t.isdigit()]
    return list(dict.fromkeys(phonetic_key(t) for t in words))


def _memo_words():
    """``_words`` remembered for the names of one check (many persons of a block share a
    given or family name); nothing is kept beyond it."""
    memo: dict[str, list[Word]] = {}

    def words(text: str) -> list[Word]:
        found = memo.get(text)
        if found is None:
            found = memo[text] = _Part(_words(text))
            found.similar = {}
            if found:
                found.joined = _joined(found)
        return found

    return words


@dataclasses.dataclass
class Candidate:
    client: Client
    score: float
    level: str
    reasons: list[str]
    case: Case | None  # the person's open case, else the latest one
    visible: bool  # the user may read that case file (or the household's)
    editable: bool  # the user may edit that case file

    @property
    def reason_labels(self) -> list[str]:
        return [str(REASON_LABELS[r]) for r in self.reasons]


def _person_cases(client_ids: Iterable[int], household_ids: Iterable[int], *, user=None) -> dict:
    """Per person its cases, newest open first; per household the cases of its members. With
    ``user``: also the user's access to each of these cases (as ``_access_map`` gives it),
    read in the same query."""
    by_client: dict[int, list[Case]] = defaultdict(list)
    by_household: dict[int, list[Case]] = defaultdict(list)
    access: dict[int, rules.Access] = {}
    # The persons first (by primary key or household, both indexed), then their cases by
    # ``client_id``: an OR across the two tables would make PostgreSQL read every case.
    persons = Client.objects.filter(
        Q(pk__in=list(client_ids)) | Q(household_id__in=list(household_ids))
    ).values("pk")
    # The person's household from its column, not the whole person (``case.client`` loads it
    # when needed).
    cases = (
        Case.objects.filter(client_id__in=persons)
        .select_related("responsible", "team")
        .annotate(client_household_id=F("client__household_id"))
    )
    with_access = user is not None and user.does_casework
    if with_access:
        # Whether the person's processing is restricted, read with the case; the rest of the
        # access rule is the rules module's own (case_access), on the columns read here.
        cases = cases.annotate(**{rules.RESTRICTED_AT_READ: rules.restricted_exists()})
    for case in sorted(cases, key=lambda c: (c.closed_on is not None, -c.opened_on.toordinal())):
        by_client[case.client_id].append(case)
        if case.client_household_id:
            by_household[case.client_household_id].append(case)
        if with_access:
            found = rules.case_access(user, case)
            if found in (rules.Access.CONTENT, rules.Access.EDIT):
                access[case.pk] = found
    return {"client": by_client, "household": by_household, "access": access}


def _is_merged_away(cases: list[Case]) -> bool:
    return bool(cases) and all(c.close_reason == choices.CloseReason.MERGED for c in cases)


def _access_map(user, cases: Iterable[Case | None]) -> dict[int, rules.Access]:
    """The user's access to many case files in at most two queries: the scope comes from
    ``rules.casework_q`` (the one place of the object rules); a file whose processing is
    restricted (Art. 18 GDPR, if the dataprotection app provides ``rules.restricted_q``) is
    read-only. County coordination sees no names here: nothing is "visible" to it."""
    ids = [c.pk for c in cases if c is not None]
    if not ids or not user.does_casework:
        return {}
    visible = set(
        Case.objects.filter(rules.casework_q(user), pk__in=ids).values_list("pk", flat=True)
    )
    restricted: set[int] = set()
    restricted_q = getattr(rules, "restricted_q", None)
    if restricted_q is not None and visible:
        restricted = set(
            Case.objects.filter(restricted_q(), pk__in=visible).values_list("pk", flat=True)
        )
    return {pk: rules.Access.CONTENT if pk in restricted else rules.Access.EDIT for pk in visible}


def _access(access: dict[int, rules.Access], case: Case | None) -> rules.Access:
    return rules.Access.NONE if case is None else access.get(case.pk, rules.Access.NONE)


def candidates(
    *,
    user,
    given_names: str,
    family_name: str,
    given_names_latin: str = "",
    family_name_latin: str = "",
    birth_date: dt.date | None = None,
    birth_year: int | None = None,
    gender: str = "",
    exclude_client_ids: Iterable[int] = (),
    threshold: float = POSSIBLE,
) -> list[Candidate]:
    """Persons of the user's Kreis who are likely or possibly the person described, best first.
    Two queries whatever the size of the Kreis. Which of them the user may see is marked on each
    candidate; what to show of the others is the caller's decision (0009)."""
    if not user.is_authenticated or not user.kreis_id:
        return []
    if birth_date is not None:
        birth_year = birth_date.year
    family_keys = _blocking_keys(family_name, family_name_latin)
    given_keys = _blocking_keys(given_names, given_names_latin)
    if not family_keys:
        return []
    # Blocking: a phonetic key of a family or given name (the column holds the keys of every
    # name word, so swapped names meet too) and the year of birth (±1); persons without a year
    # of birth must share keys of both parts. On PostgreSQL one lookup in the index of keys
    # by county and year (names.phonetic_q), whatever the size of the county.
    kreis_id = user.kreis_id
    if birth_year:
        keys = [*family_keys, *given_keys]
        near = [birth_year - 1, birth_year + 1]
        if Birth(birth_date, birth_year).exact:
            # Two exact dates in neighbouring years are no match (birth_factor): of those
            # years only persons without a day of birth (none, or 1 January) are read.
            unsure_day = Q(birth_date__isnull=True) | Q(
                birth_date__in=[dt.date(year, 1, 1) for year in near]
            )
            dated = phonetic_q(keys, kreis_id=kreis_id, years=[birth_year]) | (
                phonetic_q(keys, kreis_id=kreis_id, years=near) & unsure_day
            )
        else:
            dated = phonetic_q(keys, kreis_id=kreis_id, years=[near[0], birth_year, near[1]])
        block = dated | (
            phonetic_q(family_keys, kreis_id=kreis_id, years=[None])
            & phonetic_q(given_keys, kreis_id=kreis_id, years=[None])
        )
    else:
        block = phonetic_q(family_keys, kreis_id=kreis_id) & phonetic_q(
            given_keys, kreis_id=kreis_id
        )
    # Rows, not model instances: most persons of a block are no candidates; those who are become
    # ``Client`` instances with the columns loaded (Client.from_db).
    names = _block_columns()
    # (The block holds the Kreis: see names.phonetic_q.)
    block_qs = Client.objects.filter(block).exclude(pk__in=list(exclude_client_ids)).order_by("pk")
    rows = list(block_qs.values_list(*names)[:BLOCK_LIMIT])
    at = {name: i for i, name in enumerate(names)}
    words = _memo_words()
    new = Person(
        name=PersonName.of(
            given_names, family_name, given_names_latin, family_name_latin, words=words
        ),
        birth=Birth(birth_date, birth_year),
        gender=gender or "",
    )
    scored = []
    for row in rows:
        birth = Birth(row[at["birth_date"]], row[at["birth_year"]])
        # The birth data first: a person born in another year needs no comparison of names.
        if not birth_factor(new.birth, birth)[0]:
            continue
        other = Person(
            name=PersonName.of(
                row[at["given_names"]],
                row[at["family_name"]],
                row[at["given_names_latin"]],
                row[at["family_name_latin"]],
                words=words,
            ),
            birth=birth,
            gender=row[at["gender"]],
            pk=row[at["id"]],
        )
        value, reasons = score(new, other)
        if value >= threshold:
            scored.append((value, reasons, Client.from_db(block_qs.db, names, row)))
    if not scored:
        return []
    cases = _person_cases(
        [c.pk for _v, _r, c in scored],
        {c.household_id for _v, _r, c in scored if c.household_id},
        user=user,
    )
    access_map = cases["access"]
    found = []
    for value, reasons, client in sorted(scored, key=lambda s: (-s[0], s[2].pk)):
        own = cases["client"].get(client.pk, [])
        if _is_merged_away(own):
            continue
        case = own[0] if own else None
        access = _access(access_map, case)
        if case is None and client.household_id:
            household_access = [
                _access(access_map, c) for c in cases["household"].get(client.household_id, [])
            ]
            visible = any(a in (rules.Access.CONTENT, rules.Access.EDIT) for a in household_access)
        else:
            visible = access in (rules.Access.CONTENT, rules.Access.EDIT)
        found.append(
            Candidate(
                client=client,
                score=value,
                level=level(value),
                reasons=reasons,
                case=case,
                visible=visible,
                editable=access is rules.Access.EDIT,
            )
        )
    return found


def candidates_for_client(*, user, client: Client, threshold: float = POSSIBLE) -> list[Candidate]:
    """The likely duplicates of a stored person (the merge page)."""
    return candidates(
        user=user,
        given_names=client.given_names,
        family_name=client.family_name,
        given_names_latin=client.given_names_latin,
        family_name_latin=client.family_name_latin,
        birth_date=client.birth_date,
        birth_year=client.birth_year,
        gender=client.gender,
        exclude_client_ids=[client.pk],
        threshold=threshold,
    )


# --- the county-wide report ------------------------------------------------------------------


@dataclasses.dataclass
class Side:
    client: Client
    case: Case | None
    visible: bool
    editable: bool


@dataclasses.dataclass
class Pair:
    first: Side
    second: Side
    score: float
    level: str
    reasons: list[str]

    @property
    def reason_labels(self) -> list[str]:
        return [str(REASON_LABELS[r]) for r in self.reasons]

    @property
    def sides(self) -> tuple[Side, Side]:
        return (self.first, self.second)

    @property
    def mergeable(self) -> bool:
        return (
            self.first.editable
            and self.second.editable
            and self.first.case is not None
            and self.second.case is not None
        )


REPORT_FIELDS = (
    "pk",
    "uuid",
    "given_names",
    "family_name",
    "given_names_latin",
    "family_name_latin",
    "name_phonetic",
    "birth_date",
    "birth_year",
    "gender",
    "household_id",
    "kreis_id",
)


def _block_columns() -> list[str]:
    """The columns of ``REPORT_FIELDS`` in the order of the model's fields (Client.from_db)."""
    wanted = {"id" if name == "pk" else name for name in REPORT_FIELDS}
    return [f.attname for f in Client._meta.concrete_fields if f.attname in wanted]


def report_pairs(*, user, threshold: float = POSSIBLE) -> list[Pair]:
    """Pairs of likely duplicates among the persons of the user's Kreis (with a year of birth).
    Team leads get the pairs with at least one case of their scope; county coordination every
    pair (shown without names by the view). Two queries; blocking by phonetic key and birth
    year over the precomputed columns, scoring in Python."""
    if not user.is_authenticated or not user.kreis_id:
        return []
    clients = {
        c.pk: c
        for c in Client.objects.filter(kreis_id=user.kreis_id, birth_year__isnull=False).only(
            *REPORT_FIELDS
        )
    }
    blocks: dict[tuple[int, str], list[int]] = defaultdict(list)
    for client in clients.values():
        for key in _stored_keys(client.name_phonetic):
            blocks[(client.birth_year, key)].append(client.pk)
    seen: set[tuple[int, int]] = set()
    persons: dict[int, Person] = {}

    def person(pk: int) -> Person:
        if pk not in persons:
            persons[pk] = Person.of_client(clients[pk])
        return persons[pk]

    scored: list[tuple[float, list[str], int, int]] = []
    for (year, key), members in blocks.items():
        neighbours = blocks.get((year + 1, key), [])
        pairs = [(a, b) for i, a in enumerate(members) for b in members[i + 1 :]]
        pairs += [(a, b) for a in members for b in neighbours]
        for a, b in pairs:
            pair = (min(a, b), max(a, b))
            if a == b or pair in seen:
                continue
            seen.add(pair)
            value, reasons = score(person(pair[0]), person(pair[1]))
            if value >= threshold:
                scored.append((value, reasons, *pair))
    if not scored:
        return []
    ids = {pk for _v, _r, a, b in scored for pk in (a, b)}
    cases = _person_cases(ids, ())["client"]
    overview = user.has_county_overview
    access_map = _access_map(user, [own[0] for own in cases.values() if own])
    result = []
    for value, reasons, a, b in sorted(scored, key=lambda s: (-s[0], s[2], s[3])):
        if _is_merged_away(cases.get(a, [])) or _is_merged_away(cases.get(b, [])):
            continue
        sides = []
        for pk in (a, b):
            case = cases.get(pk, [None])[0]
            access = _access(access_map, case)
            sides.append(
                Side(
                    client=clients[pk],
                    case=case,
                    visible=access in (rules.Access.CONTENT, rules.Access.EDIT),
                    editable=access is rules.Access.EDIT,
                )
            )
        if not overview and not any(s.visible for s in sides):
            continue
        if overview and any(s.case is None for s in sides):
            continue  # a person without a case: nothing county coordination could act on
        result.append(Pair(sides[0], sides[1], value, level(value), reasons))
    return result


def _stored_keys(name_phonetic: str) -> list[str]:
    keys = [k for k in name_phonetic.split() if k]
    long_keys = [k for k in keys if len(k) > 1]
    return long_keys or keys


def can_view_report(user) -> bool:
    from wegweiser.accounts.roles import Role

    return (
        user.is_authenticated
        and bool(user.kreis_id)
        and (user.role == Role.TEAM_LEAD or user.has_county_overview)
    )
