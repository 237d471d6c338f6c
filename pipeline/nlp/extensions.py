"""Doc extensions shared by every pipeline component, and the record shapes they hold.

Every extension holds plain Python values (dicts, lists, str, int, float, None) so that docs
survive spaCy's multiprocessing (``nlp.pipe(n_process=N)``), which serialises ``doc.user_data``.
All character offsets are offsets into ``doc.text`` (the article text as analysed).

Article context, set by the caller on the Doc before ``nlp.pipe`` (see ``make_doc``):

- ``doc._.article_id``: the article's stable id (str).
- ``doc._.published``: publication date as ISO ``YYYY-MM-DD`` or None.
- ``doc._.source``: the publisher / wire service ("The Canadian Press") or None.
- ``doc._.country``: ISO 3166-1 alpha-2 country the article is about or from, or None.
  The places component fills it when the caller left it empty.

Results, one list of dicts per doc, each written by one component:

- ``doc._.claims`` (``claims_attribution`` + ``claims_speakers``): keys ``start``, ``end``,
  ``content``, ``content_spans`` (the content's ``[start, end]`` pieces), ``claim_type``
  ("direct"/"indirect"), ``cue`` (lemma), ``cue_class`` ("speech"/"thought"/"stance"/None),
  ``cue_start``, ``cue_end``, ``speaker_mention``, ``speaker_start``, ``speaker_end`` (None
  when unknown), ``speaker`` (canonical name), ``speaker_role``, ``speaker_type``
  ("person"/"organization"/"group"/None), ``origin`` ("rules"/"model"); see
  ``pipeline.nlp.attribution.records.Claim``.
- ``doc._.figures`` (``claims_figures``): ``start``, ``end``, ``surface``, ``value``,
  ``value_max``, ``unit``, ``unit_dimension``, ``currency``, ``approx`` ("=", "~", ">", "<"),
  ``change`` ("up"/"down"/None), ``per_unit``.
- ``doc._.dates`` (``claims_dates``): ``start``, ``end``, ``surface``, ``timex_type``
  ("date"/"time"/"duration"/"set"), ``value`` (TIMEX3-style value), ``date_start``,
  ``date_end`` (ISO dates or None), ``granularity``, ``duration`` (ISO 8601 or None).
- ``doc._.places`` (``claims_places``): ``start``, ``end``, ``surface``, ``label``, ``name``,
  ``feature`` ("country"/"subdivision"/"city"/"region"/...), ``country_code``,
  ``subdivision_code``, ``geonameid``, ``lat``, ``lon``.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

CONTEXT_EXTENSIONS: tuple[str, ...] = ("article_id", "published", "source", "country")
RESULT_EXTENSIONS: tuple[str, ...] = ("claims", "figures", "dates", "places")


def register_extensions() -> None:
    """Register the Doc extensions used by the pipeline (idempotent)."""
    for name in CONTEXT_EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
    for name in RESULT_EXTENSIONS:
        if not Doc.has_extension(name):
            # A getter-free default of None; components assign a fresh list per doc.
            Doc.set_extension(name, default=None)


def make_doc(
    nlp: Language,
    text: str,
    *,
    article_id: str | None = None,
    published: str | None = None,
    source: str | None = None,
    country: str | None = None,
) -> Doc:
    """Tokenise ``text`` into a Doc carrying the article context the components read."""
    register_extensions()
    doc = nlp.make_doc(text)
    doc._.article_id = article_id
    doc._.published = published
    doc._.source = source
    doc._.country = country
    return doc


register_extensions()
