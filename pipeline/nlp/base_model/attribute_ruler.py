"""``claims_attribute_ruler``: spaCy's attribute ruler with its rules matched by lookups and array tests.

The base model's ``attribute_ruler`` maps tags to parts of speech and morphology and fixes the
lemma, tag or part of speech of listed words (179 rules in ``en_core_web_sm``). spaCy's
``Matcher`` tries every rule at every token, and that costs more than the tagger that made the
tags (about 18 microseconds a token). Nearly all of those rules are a token or two, each token
asking for exact values of a few attributes (``{"TAG": "NN"}``, ``{"LOWER": "'s", "TAG":
"VBZ"}``): such rules (160 of ``en_core_web_sm``'s patterns) are matched here by one dictionary
lookup per token and group of attributes; rules with ``IN``, ``NOT_IN`` or ``REGEX`` values
(18) by numpy tests over the Doc's arrays; any other kind (operators, extension attributes) by a
Matcher of its own. The annotations are those of spaCy's ruler, applied the same way (its
``set_annotations``, in its order).
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy
from spacy.attrs import IDS
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

# Pattern keys a lookup can answer: token attributes that ``Doc.to_array`` reads as the very
# values spaCy's Matcher compares (string values by their hash, flags as 0/1).
_ARRAY_KEYS = {"ORTH": "ORTH", "TEXT": "ORTH", "LOWER": "LOWER", "NORM": "NORM", "TAG": "TAG",
               "DEP": "DEP", "LEMMA": "LEMMA", "SHAPE": "SHAPE", "ENT_TYPE": "ENT_TYPE",
               "IS_SPACE": "IS_SPACE", "IS_PUNCT": "IS_PUNCT", "IS_ALPHA": "IS_ALPHA",
               "IS_DIGIT": "IS_DIGIT", "IS_LOWER": "IS_LOWER", "IS_UPPER": "IS_UPPER",
               "IS_TITLE": "IS_TITLE", "LIKE_NUM": "LIKE_NUM"}
_FLAGS = {"IS_SPACE", "IS_PUNCT", "IS_ALPHA", "IS_DIGIT", "IS_LOWER", "IS_UPPER", "IS_TITLE", "LIKE_NUM"}

# One group of rules: their length, the attributes each of their tokens asks for, and, per
# tuple of wanted values, the rules (attribute-set ids) that want them.
_Group = tuple[int, tuple[tuple[str, ...], ...], dict[tuple[int, ...], list[int]]]
# A test of one token of a rule: its offset in the rule, the attribute, and what the value must
# be: "in" or "not_in" an array of values, or found by a regular expression ("regex").
_Test = tuple[int, str, str, Any]
_STRING_KEYS = {"ORTH", "LOWER", "NORM", "TAG", "DEP", "LEMMA", "SHAPE", "ENT_TYPE"}


@dataclass
class CompiledRules:
    """An attribute ruler's rules, by how they are matched: ``groups``, runs of exact-value
    tokens, by lookup tables; ``tested`` (attribute-set id, length, tests), rules with ``IN``,
    ``NOT_IN`` or ``REGEX`` values, by array tests; ``rest`` (attribute-set id, pattern), the
    others (operators, extension attributes...), by spaCy's Matcher."""

    groups: list[_Group] = field(default_factory=list)
    tested: list[tuple[int, int, list[_Test]]] = field(default_factory=list)
    rest: list[tuple[int, list[dict]]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # the attributes the groups and tests read


def _value(key: str, value: Any, strings: Any) -> int | None:
    """A pattern's exact value as ``Doc.to_array`` gives it, or None when it is not one."""
    if key in _FLAGS:
        return int(value) if isinstance(value, bool) else None
    if isinstance(value, str):
        return strings.add(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def _tests(offset: int, key: str, value: Any, strings: Any) -> list[_Test] | None:
    """The array tests a pattern token's ``value`` for ``key`` asks for, or None."""
    name = _ARRAY_KEYS[key]
    if not isinstance(value, dict):
        exact = _value(key, value, strings)
        return None if exact is None else [(offset, name, "in", numpy.array([exact], dtype="uint64"))]
    tests = []
    for op, arg in value.items():
        if op in ("IN", "NOT_IN") and isinstance(arg, list):
            values = [_value(key, v, strings) for v in arg]
            if any(v is None for v in values):
                return None
            tests.append((offset, name, op.lower(), numpy.array(values, dtype="uint64")))
        elif op == "REGEX" and isinstance(arg, str) and key in _STRING_KEYS:
            tests.append((offset, name, "regex", re.compile(arg)))
        else:
            return None
    return tests


def compile_patterns(ruler: AttributeRuler) -> CompiledRules:
    """The ruler's rules, each compiled for the cheapest way of matching it."""
    strings = ruler.vocab.strings
    groups: dict[tuple[int, tuple[tuple[str, ...], ...]], dict[tuple[int, ...], list[int]]] = {}
    rules = CompiledRules()
    for attr_id in range(len(ruler.attrs)):
        for pattern in ruler.matcher.get(str(attr_id))[1]:
            if not pattern or any(not token or any(k not in _ARRAY_KEYS for k in token) for token in pattern):
                rules.rest.append((attr_id, pattern))
                continue
            exact = [[_value(k, token[k], strings) for k in sorted(token)] for token in pattern]
            if all(v is not None for values in exact for v in values):
                shape = tuple(tuple(_ARRAY_KEYS[k] for k in sorted(token)) for token in pattern)
                table = groups.setdefault((len(pattern), shape), defaultdict(list))
                table[tuple(v for values in exact for v in values)].append(attr_id)
                continue
            tests = [_tests(i, k, token[k], strings)
                     for i, token in enumerate(pattern) for k in sorted(token)]
            if any(t is None for t in tests):
                rules.rest.append((attr_id, pattern))
            else:
                rules.tested.append((attr_id, len(pattern), [t for ts in tests for t in ts]))
    rules.groups = [(length, shape, dict(table)) for (length, shape), table in groups.items()]
    rules.names = sorted({name for _, shape, _ in rules.groups for token in shape for name in token}
                         | {test[1] for _, _, tests in rules.tested for test in tests})
    return rules


def array_matches(doc: Doc, rules: CompiledRules) -> set[tuple[int, int, int]]:
    """Every (attribute-set id, start, end) at which a rule of ``groups`` or ``tested`` matches."""
    n = len(doc)
    found: set[tuple[int, int, int]] = set()
    if not n:
        return found
    columns = dict(zip(rules.names, doc.to_array([IDS[name] for name in rules.names]).reshape(n, -1).T)) \
        if rules.names else {}
    lists = {name: column.tolist() for name, column in columns.items()}
    for length, shape, table in rules.groups:
        # the key of each start position: the wanted attributes of its `length` tokens, in order
        parts = [lists[name][offset:n - length + 1 + offset]
                 for offset, token in enumerate(shape) for name in token]
        for start, key in enumerate(zip(*parts)):
            hits = table.get(key)
            if hits:
                found.update((attr_id, start, start + length) for attr_id in hits)
    strings = doc.vocab.strings
    for attr_id, length, tests in rules.tested:
        if n < length:
            continue
        mask = numpy.ones(n - length + 1, dtype=bool)
        for offset, name, kind, arg in tests:
            column = columns[name][offset:n - length + 1 + offset]
            if kind == "regex":
                found_by = [h for h in numpy.unique(column).tolist() if arg.search(strings[h])]
                arg = numpy.array(found_by, dtype="uint64")
            inside = numpy.isin(column, arg)
            mask &= ~inside if kind == "not_in" else inside
        found.update((attr_id, int(start), int(start) + length) for start in numpy.flatnonzero(mask))
    return found


class CompiledAttributeRuler(AttributeRuler):
    """An ``AttributeRuler`` whose runs of exact-value tokens are matched by lookup tables, its
    rules with ``IN``, ``NOT_IN`` or ``REGEX`` values by array tests and any other by a Matcher
    of its own, all built on first use (and again after ``add``/``clear``). Patterns,
    serialization and annotations are the parent's."""

    def __init__(self, vocab: Any, name: str = "attribute_ruler", *, validate: bool = False,
                 scorer: Any = None) -> None:
        """``vocab``: the pipeline's; ``name``: the component's; ``validate``: check patterns
        against spaCy's pattern schema when added; ``scorer``: as spaCy's attribute ruler."""
        super().__init__(vocab, name, validate=validate, scorer=scorer)
        self._rules = CompiledRules()
        self._rest: Matcher | None = None
        self._compiled = False

    def clear(self) -> None:
        """Remove every rule (and the lookup tables built from them)."""
        super().clear()
        self._compiled = False

    def add(self, patterns: Iterable[Any], attrs: dict, index: int = 0) -> None:
        """Add a rule, as ``AttributeRuler.add``; the lookup tables are rebuilt on next use."""
        super().add(patterns, attrs, index)
        self._compiled = False

    def match(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        """The rules' matches in ``doc`` as the parent's ``match`` gives them: (attribute-set
        id, match id, start, end), sorted, so later rules are applied last."""
        if not self._compiled:
            self._compile()
        strings = self.vocab.strings
        found = array_matches(doc, self._rules)
        if self._rest is not None:
            found.update((int(strings[m_id]), start, end)
                         for m_id, start, end in self._rest(doc, allow_missing=True, as_spans=False))
        return sorted((attr_id, strings[str(attr_id)], start, end) for attr_id, start, end in found)

    def _compile(self) -> None:
        self._rules = compile_patterns(self)
        self._rest = None
        if self._rules.rest:
            self._rest = Matcher(self.vocab, validate=False)
            for attr_id, pattern in self._rules.rest:
                self._rest.add(str(attr_id), [pattern])
        self._compiled = True


@Language.factory("claims_attribute_ruler",
                  default_config={"validate": False, "scorer": {"@scorers": "spacy.attribute_ruler_scorer.v1"}})
def make_attribute_ruler(nlp: Language, name: str, validate: bool, scorer: Any) -> CompiledAttributeRuler:
    """The ``claims_attribute_ruler`` factory: an empty ruler; the pipeline loader fills it
    from the base model's ``attribute_ruler`` (see ``pipeline.nlp.base_model``)."""
    return CompiledAttributeRuler(nlp.vocab, name, validate=validate, scorer=scorer)
