"""Attribution (who said what): the ``claims_attribution`` component and its parts.

- ``component.py``: the spaCy component; merges the trained model's and the rules' claims by
  claim type.
- ``tagger.py``, ``features.py``, ``model.py``, ``train.py``: the trained SOURCE / CUE / CONTENT
  tagger, its network, the linking of its spans into claims, and its training on PolNeAR.
- ``context.py``: the per-document context the rules read, built once per Doc.
- ``direct.py``, ``reported.py``, ``layout.py``: the rule families (direct quotations,
  reported speech, transcripts and headlines), on the shared ``base.py``.
- ``syntax.py``: parse helpers (speaker mentions, subjects) shared with ``speakers.py``.
- ``lexicon.py``: the word lists of ``models/lexicon/attribution.toml`` and the cue classes.
- ``records.py``: :class:`Claim`, the one record type of rules and model.
"""
from pipeline.nlp.attribution.component import Attribution, make_attribution
from pipeline.nlp.attribution.layout import mark_paragraphs
from pipeline.nlp.attribution.lexicon import Lexicon, load_lexicon
from pipeline.nlp.attribution.records import Claim
from pipeline.nlp.attribution.syntax import entity_around, mention_bounds, subject_of

__all__ = ["Attribution", "Claim", "Lexicon", "entity_around", "load_lexicon", "make_attribution",
           "mark_paragraphs", "mention_bounds", "subject_of"]
