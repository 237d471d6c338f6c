"""``claims_lemmatizer``: spaCy's English lemmatizer, applied to a Doc's arrays at once.

spaCy's lemmatizer costs twice over:

- It walks the Doc token by token in Python (a Token object, the cache key read off it, the
  lemma set through ``token.lemma_``), about 3 microseconds a token even when the lemma is
  cached. Its lemma depends on nothing but the token's text, part of speech and morphology
  (its own cache is keyed on them, in ``rule`` mode; on the text, in ``lookup`` mode), so here
  those are read as arrays, each distinct key is lemmatized once (by the parent's own
  ``lemmatize``, rules and tables unchanged) and the lemmas are written back in one
  ``Doc.from_array``.
- A word it has not seen is looked up in the ``lemma_index`` table, a list of every known
  form of its part of speech, once per suffix rule: about half a millisecond a word, most of
  the lemmatizer's time in a run of a few hundred articles. Here each list of that table is
  also indexed by a set (:class:`IndexedForms`: the same list, a faster ``in``).

Other modes run the parent's way.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy

from spacy.attrs import LEMMA, MORPH, ORTH, POS
from spacy.errors import Errors
from spacy.lang.en.lemmatizer import EnglishLemmatizer
from spacy.language import Language
from spacy.tokens import Doc

# What the lemma of a token depends on, per mode (the parent's cache key in ``rule`` mode).
_KEY_ATTRS = {"rule": [ORTH, POS, MORPH], "lookup": [ORTH]}


class IndexedForms(list):
    """A list of forms whose ``in`` looks the form up in a set of them (serialized as the list)."""

    def __init__(self, forms: Any = ()) -> None:
        super().__init__(forms)
        self._set = frozenset(self)

    def __contains__(self, form: object) -> bool:
        return form in self._set

    def __reduce__(self) -> tuple:
        return IndexedForms, (list(self),)


def index_forms(lookups: Any) -> None:
    """Make every list of the ``lemma_index`` table of ``lookups`` an :class:`IndexedForms`."""
    if "lemma_index" not in lookups:
        return
    table = lookups.get_table("lemma_index")
    for pos, forms in list(table.items()):
        if isinstance(forms, list) and not isinstance(forms, IndexedForms):
            table[pos] = IndexedForms(forms)


class ArrayLemmatizer(EnglishLemmatizer):
    """An ``EnglishLemmatizer`` that lemmatizes each distinct (text, part of speech,
    morphology) once per process and writes a Doc's lemmas as one array; lemmas, tables and
    serialization are the parent's."""

    def __init__(self, vocab: Any, model: Any, name: str = "lemmatizer", *, mode: str = "rule",
                 overwrite: bool = False, scorer: Callable | None = None) -> None:
        """``vocab``: the pipeline's; ``model``: unused (as spaCy's); ``mode``: ``rule`` or
        ``lookup`` (others run token by token); ``overwrite``: replace lemmas a previous
        component set; ``scorer``: as spaCy's lemmatizer."""
        super().__init__(vocab, model, name, mode=mode, overwrite=overwrite, scorer=scorer)
        self._lemmas: dict[tuple[int, ...], int] = {}

    def __call__(self, doc: Doc) -> Doc:
        """Set the lemma of every token of ``doc`` that has none (every token with ``overwrite``)."""
        key_attrs = _KEY_ATTRS.get(self.mode)
        if key_attrs is None or not len(doc):
            return super().__call__(doc)
        if not self._validated:
            self._validate_tables(Errors.E1004)
        try:
            keys = doc.to_array(key_attrs).reshape(len(doc), -1).tolist()
            lemmas = doc.to_array(LEMMA).tolist()
            known, strings = self._lemmas, self.vocab.strings
            for i, (key, lemma) in enumerate(zip(keys, lemmas)):
                if self.overwrite or lemma == 0:
                    key = tuple(key)
                    value = known.get(key)
                    if value is None:
                        value = known[key] = strings.add(self.lemmatize(doc[i])[0])
                    lemmas[i] = value
            doc.from_array([LEMMA], numpy.array(lemmas, dtype="uint64"))
            return doc
        except Exception as e:  # noqa: BLE001 - handed to the pipeline's error handler, as spaCy's
            self.get_error_handler()(self.name, self, [doc], e)
            return doc

    def initialize(self, *args: Any, **kwargs: Any) -> None:
        """As the parent's; lemmas known from earlier tables are forgotten."""
        super().initialize(*args, **kwargs)
        self._tables_loaded()

    def from_bytes(self, *args: Any, **kwargs: Any) -> "ArrayLemmatizer":
        """As the parent's; lemmas known from earlier tables are forgotten."""
        super().from_bytes(*args, **kwargs)
        self._tables_loaded()
        return self

    def from_disk(self, *args: Any, **kwargs: Any) -> "ArrayLemmatizer":
        """As the parent's; lemmas known from earlier tables are forgotten."""
        super().from_disk(*args, **kwargs)
        self._tables_loaded()
        return self

    def _tables_loaded(self) -> None:
        self._lemmas.clear()
        self.cache.clear()
        index_forms(self.lookups)


@Language.factory("claims_lemmatizer", assigns=["token.lemma"],
                  default_config={"model": None, "mode": "rule", "overwrite": False,
                                  "scorer": {"@scorers": "spacy.lemmatizer_scorer.v1"}})
def make_lemmatizer(nlp: Language, model: Any, name: str, mode: str, overwrite: bool,
                    scorer: Callable | None) -> ArrayLemmatizer:
    """The ``claims_lemmatizer`` factory: without tables; the pipeline loader gives it those of
    the base model's ``lemmatizer`` (see ``pipeline.nlp.base_model``)."""
    return ArrayLemmatizer(nlp.vocab, model, name, mode=mode, overwrite=overwrite, scorer=scorer)
