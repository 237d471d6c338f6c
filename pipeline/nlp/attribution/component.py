"""spaCy component ``claims_attribution``: who said what, by trained model and by rule.

Writes ``doc._.claims`` (one dict per :class:`Claim`, see ``extensions.py``) with the content
and its pieces, the cue (lemma) and its class, and the speaker mention at the cue;
``claims_speakers`` later turns the mention into a full name.

Two sources of claims, each split by claim type (``direct`` / ``indirect``):

- ``model``: the tagger trained on PolNeAR (``models/attribution/model``, ``tagger.py``,
  ``model.py``), run on whole batches in :meth:`Attribution.pipe`;
- ``rules``: direct quotations (``direct.py``), reported speech (``reported.py``) and layout
  (``layout.py``), over the per-document context (``context.py``).

``order`` says which source is trusted first for each type (``"rules:direct"``,
``"model:indirect"``, ...): claims are taken in that order and one that overlaps a claim
already taken from the other source is dropped, so the boundaries of a source are never
rewritten by the other. A source/type left out of ``order`` is not used, and with no
``model:`` entry the tagger is never loaded. Finally no content keeps its own cue or speaker
mention: a rule content holding them is cut around them into pieces.
"""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from pipeline.nlp import MODELS_DIR
from pipeline.nlp.attribution.base import RuleOptions
from pipeline.nlp.attribution.context import DocContext
from pipeline.nlp.attribution.direct import DirectQuotes
from pipeline.nlp.attribution.layout import LayoutRules
from pipeline.nlp.attribution.lexicon import DEFAULT_LEXICON, Lexicon, load_lexicon
from pipeline.nlp.attribution.model import LinkOptions, model_claims, without_dateline
from pipeline.nlp.attribution.records import Claim
from pipeline.nlp.attribution.reported import ReportedSpeech
from pipeline.nlp.attribution.boundary import BoundaryModel, window_only
from pipeline.nlp.attribution.join import JoinModel
from pipeline.nlp.attribution.link import LinkModel
from pipeline.nlp.attribution.tagger import (
    BOUNDARY_DIR, JOIN_DIR, LINK_DIR, RoleSpan, load_boundary, load_join, load_link, load_tagger, role_spans,
)
from pipeline.nlp.docview import doc_text
from pipeline.nlp.extensions import register_extensions
from pipeline.nlp.quotes import ALL_MARKS

DEFAULT_MODEL = MODELS_DIR / "attribution" / "model"
SOURCES = ("rules", "model")
CLAIM_TYPES = ("direct", "indirect")
DEFAULT_ORDER = ("rules:direct", "model:direct", "model:indirect", "rules:indirect")
DEFAULT_JOINS = True  # the learned joining step (join.py)
DEFAULT_LINKS = True  # the learned linking step (link.py)
DEFAULT_BOUNDARY_CLAUSES = True  # the boundary step's grammar candidates (boundary.py)
PIECE_TRIM = " \n\t,;:.—–-"


def parse_order(order: Iterable[str]) -> list[tuple[str, str]]:
    """``["rules:direct", ...]`` as (source, claim type) pairs; a clear error for a bad entry."""
    out = []
    for entry in order:
        source, _, kind = str(entry).partition(":")
        if source not in SOURCES or kind not in CLAIM_TYPES:
            raise ValueError(f"claims_attribution: order entry {entry!r} is not <source>:<type> with source "
                             f"in {SOURCES} and type in {CLAIM_TYPES}; fix [components.claims_attribution] order")
        out.append((source, kind))
    return out


def rule_claims(doc: Doc, lex: Lexicon, opts: RuleOptions, text: str | None = None) -> list[Claim]:
    """All rule claims of one document (the three rule families, deduplicated among them;
    ``text``: ``doc.text``, when the caller has it)."""
    ctx = DocContext.build(doc, text)
    direct = DirectQuotes(ctx, lex, opts)
    reported = ReportedSpeech(ctx, lex, opts)
    layout = LayoutRules(ctx, lex, opts)
    claims: list[Claim] = []
    transcript = layout.transcript_claims(doc, ctx.para_tok_bounds, ctx.used_cues)
    if ctx.para_tok_bounds:
        for claim in direct.direct_claims(doc, ctx.quotes, ctx.in_quote, ctx.para_of_tok, ctx.para_tok_bounds,
                                          ctx.used_cues):
            # a block excerpt that holds an interview transcript gives way to its turns
            if not any(claim.start <= t.start < claim.end for t in transcript):
                claims.append(claim)
    direct_spans = [(c.start, c.end) for c in claims]
    for claim in reported.reported_claims(doc, ctx.in_quote, ctx.used_cues, ctx.para_of_tok, ctx.para_tok_bounds):
        # A clause inside a quotation already extracted is part of that claim.
        if any(s <= claim.start and claim.end <= e for s, e in direct_spans) and not opts.nested_in_quotes:
            continue
        claims.append(claim)
    taken = [(c.start, c.end) for c in claims]
    for claim in transcript:
        if not any(s <= claim.start < e for s, e in taken):
            claims.append(claim)
    if opts.headline_claims:
        head = layout.headline_claim(doc, ctx.para_tok_bounds)
        if head is not None and not any(c.start < head.end and head.start < c.end for c in claims):
            claims.append(head)
    return claims


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in PIECE_TRIM:
        start += 1
    while end > start and text[end - 1] in PIECE_TRIM:
        end -= 1
    return start, end


def without_own_attribution(claim: Claim, text: str) -> Claim:
    """``claim`` with its cue and speaker mention (and the words between them) cut out of its
    content pieces: ``the plan "will work," officials added`` keeps ``the plan "will work"``."""
    marks = [(s, e) for s, e in ((claim.cue_start, claim.cue_end), (claim.speaker_start, claim.speaker_end))
             if s is not None and e is not None]
    if not marks:
        return claim
    lo, hi = min(s for s, _ in marks), max(e for _, e in marks)
    if not any(s < hi and lo < e for s, e in claim.content_spans):
        return claim
    pieces = []
    for s, e in claim.content_spans:
        if s < hi and lo < e:
            for a, b in ((s, min(e, lo)), (max(s, hi), e)):
                a, b = _trimmed(text, a, b)
                if b > a and any(ch.isalnum() for ch in text[a:b]):
                    pieces.append((a, b))
        else:
            pieces.append((s, e))
    if not pieces:
        return claim
    # an odd quotation mark left at a cut edge is no longer a quotation's
    out = []
    for s, e in pieces:
        inner = text[s:e]
        if sum(inner.count(m) for m in ALL_MARKS) % 2:
            if inner[0] in ALL_MARKS:
                s, e = _trimmed(text, s + 1, e)
            elif inner[-1] in ALL_MARKS:
                s, e = _trimmed(text, s, e - 1)
        if e > s:
            out.append((s, e))
    return claim.with_pieces(text, out) if out else claim


def source_chars(doc: Doc, spans: Iterable[RoleSpan]) -> list[tuple[int, int]]:
    """Character offsets of the tagger's SOURCE spans, a leading dateline left out."""
    out = []
    for label, s, e in spans:
        if label == "SOURCE":
            start, end = without_dateline(doc, s, e)
            out.append((doc[start].idx, doc[end - 1].idx + len(doc[end - 1])))
    return out


def with_model_source(claim: Claim, text: str, sources: list[tuple[int, int]]) -> Claim:
    """``claim`` (a rule's) with the tagger's SOURCE span (character offsets ``sources``, see
    :func:`source_chars`) that holds its speaker mention as the mention, when that span lies
    outside the claim's content and cue: the tagger learned where PolNeAR's sources end (``Ben
    Jealous, a former NAACP leader``), the rules stop at the name."""
    if claim.speaker_start is None or claim.speaker_end is None:
        return claim
    for a, b in sources:
        if a <= claim.speaker_start and claim.speaker_end <= b and (a, b) != (claim.speaker_start, claim.speaker_end) \
                and not any(ps < b and a < pe for ps, pe in claim.content_spans) \
                and not (claim.cue_start is not None and a < claim.cue_end and claim.cue_start < b):
            return replace(claim, speaker_mention=text[a:b], speaker_start=a, speaker_end=b)
    return claim


def merge_sources(found: dict[str, list[Claim]], order: list[tuple[str, str]]) -> list[Claim]:
    """Claims taken source by source and type by type in ``order``; a claim overlapping one
    already taken from another source is dropped, unless every claim it overlaps is an
    attribution it reports (:meth:`Claim.reports`): the outer attribution then takes their place."""
    taken: list[Claim] = []
    for source, kind in order:
        others = [c for c in taken if c.origin != source]
        for claim in found.get(source, ()):
            if claim.claim_type != kind:
                continue
            clashes = [o for o in others if claim.overlaps(o)]
            if clashes and all(claim.reports(o) for o in clashes):
                taken = [c for c in taken if not any(c is o for o in clashes)]
                others = [c for c in others if not any(c is o for o in clashes)]
                clashes = []
            if not clashes:
                taken.append(claim)
    return taken


class Attribution:
    """The attribution component: trained tagger and rules, merged by claim type."""

    def __init__(self, nlp: Language, name: str, lexicon: str = "", model: str = "",
                 order: Iterable[str] = DEFAULT_ORDER, rules: RuleOptions | None = None,
                 link: LinkOptions | None = None, batch_size: int = 32, boundaries: bool = True,
                 model_sources: bool = True, joins: bool = DEFAULT_JOINS, links: bool = DEFAULT_LINKS,
                 boundary_clauses: bool = DEFAULT_BOUNDARY_CLAUSES) -> None:
        """``lexicon``/``model``: paths ("" = the shipped ``models/lexicon/attribution.toml``
        and ``models/attribution/model``; a relative ``model`` lies under ``models/``); ``order``: the source/type priority (see the module
        docstring); ``rules``/``link``: options of the rules and of the model's linking;
        ``boundaries``: run the learned boundary step saved with the tagger (``boundary.py``),
        when it has one; ``boundary_clauses``: let that step move an edge to the grammar's
        candidates (clause, sentence, quotation and paragraph edges up to its reach; off: only
        within its window); ``joins``: run the learned joining step saved with it (``join.py``:
        which CONTENT pieces the tagger split are one), when it has one; ``links``: run the
        learned linking step saved with it (``link.py``: a content's cue where two or more are
        near), when it has one; ``model_sources``: a rule's claim takes as speaker mention the
        tagger's SOURCE span that holds its own (:func:`with_model_source`)."""
        self.name = name
        self.lexicon_path = Path(lexicon) if lexicon else DEFAULT_LEXICON
        self.model_path = (Path(model) if Path(model).is_absolute() else MODELS_DIR / model) if model else DEFAULT_MODEL
        self.order = parse_order(order)
        self.rule_options = rules or RuleOptions()
        self.link_options = link or LinkOptions()
        self.batch_size = batch_size
        self.boundaries = boundaries
        self.boundary_clauses = boundary_clauses
        self.joins = joins
        self.links = links
        self.model_sources = model_sources
        self.vocab = nlp.vocab
        self.lex: Lexicon | None = None
        self.initialize()

    @property
    def uses_model(self) -> bool:
        """True when ``order`` takes any claim from the trained model."""
        return any(source == "model" for source, _ in self.order)

    @property
    def tagger(self) -> Language:
        """The trained tagger, sharing the pipeline's vocab (loaded once per process)."""
        return load_tagger(str(self.model_path), self.vocab)

    @property
    def boundary(self) -> BoundaryModel | None:
        """The learned boundary step saved with the tagger, when it has one and it is used."""
        model = load_boundary(str(self.model_path)) if self.boundaries else None
        if model is not None and not self.boundary_clauses:
            return window_only(model)
        return model

    @property
    def join(self) -> JoinModel | None:
        """The learned joining step saved with the tagger, when it has one and it is used."""
        return load_join(str(self.model_path)) if self.joins else None

    @property
    def link(self) -> LinkModel | None:
        """The learned linking step saved with the tagger, when it has one and it is used."""
        return load_link(str(self.model_path)) if self.links else None

    @property
    def uses_rules(self) -> bool:
        """True when ``order`` takes any claim from the rules."""
        return any(source == "rules" for source, _ in self.order)

    def initialize(self, get_examples=None, nlp: Language | None = None) -> None:  # noqa: ANN001
        """Load the lexicon and, when the model is used, the tagger (once per process)."""
        self.lex = load_lexicon(self.lexicon_path)
        if self.uses_model:
            if not (self.model_path / "config.cfg").exists():
                raise FileNotFoundError(
                    f"claims_attribution: no trained model at {self.model_path}; retrain it with "
                    f"`python -m pipeline.nlp.attribution.train` or drop the model: entries of `order`")
            self.tagger  # noqa: B018 - loads it
            self.boundary  # noqa: B018
            self.join  # noqa: B018
            self.link  # noqa: B018

    def claims(self, doc: Doc, spans: list[RoleSpan] | None = None, text: str | None = None) -> list[Claim]:
        """All claims of one parsed doc (``spans``: the tagger's output, when the model is used;
        ``text``: ``doc.text``, when the caller has it)."""
        assert self.lex is not None
        text = doc_text(doc) if text is None else text
        found: dict[str, list[Claim]] = {}
        if self.uses_model and spans is None:
            spans = role_spans(self.tagger, [doc], texts=[text], boundary=self.boundary, join=self.join)[0]
        if self.uses_rules:
            found["rules"] = [without_own_attribution(c, text) for c in rule_claims(doc, self.lex, self.rule_options, text)]
            if self.uses_model and self.model_sources:
                sources = source_chars(doc, spans or ())
                found["rules"] = [with_model_source(c, text, sources) for c in found["rules"]]
        if self.uses_model:
            found["model"] = model_claims(doc, text, spans, self.lex, self.link_options, self.link)
        claims = merge_sources(found, self.order)
        claims.sort(key=lambda c: (c.start, c.claim_type != "direct"))
        return claims

    def __call__(self, doc: Doc) -> Doc:
        doc._.claims = [c.as_dict() for c in self.claims(doc)]
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        """Process a stream of docs, running the tagger a batch at a time."""
        size = batch_size or self.batch_size
        for batch in minibatch(docs, size=size):
            texts = [doc_text(doc) for doc in batch]
            spans: list[list[RoleSpan] | None] = [None] * len(batch)
            if self.uses_model:
                spans = list(role_spans(self.tagger, batch, size, texts, self.boundary, self.join))
            for doc, doc_spans, text in zip(batch, spans, texts):
                doc._.claims = [c.as_dict() for c in self.claims(doc, doc_spans, text)]
                yield doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Write the settings, the lexicon and (when used) the tagger under ``path``."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "lexicon.toml").write_bytes(self.lexicon_path.read_bytes())
        settings = {"order": [f"{s}:{k}" for s, k in self.order], "batch_size": self.batch_size,
                    "boundaries": self.boundaries, "boundary_clauses": self.boundary_clauses, "joins": self.joins, "links": self.links, "model_sources": self.model_sources,
                    "rules": self.rule_options.__dict__, "link": self.link_options.__dict__}
        (path / "settings.json").write_text(json.dumps(settings, indent=2), encoding="utf-8")
        if self.uses_model:
            self.tagger.to_disk(path / "model")
            if self.boundary is not None:
                self.boundary.to_disk(path / "model" / BOUNDARY_DIR)
            if self.join is not None:
                self.join.to_disk(path / "model" / JOIN_DIR)
            if self.link is not None:
                self.link.to_disk(path / "model" / LINK_DIR)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "Attribution":
        """Read what :meth:`to_disk` wrote."""
        path = Path(path)
        settings = json.loads((path / "settings.json").read_text(encoding="utf-8"))
        self.order = parse_order(settings["order"])
        self.batch_size = settings["batch_size"]
        self.boundaries = settings.get("boundaries", True)
        self.boundary_clauses = settings.get("boundary_clauses", DEFAULT_BOUNDARY_CLAUSES)
        self.joins = settings.get("joins", DEFAULT_JOINS)
        self.links = settings.get("links", DEFAULT_LINKS)
        self.model_sources = settings.get("model_sources", True)
        self.rule_options = RuleOptions(**settings["rules"])
        self.link_options = LinkOptions(**settings["link"])
        self.lexicon_path = path / "lexicon.toml"
        if (path / "model").exists():
            self.model_path = path / "model"
        self.initialize()
        return self


@Language.factory(
    "claims_attribution",
    assigns=["doc._.claims"],
    # token.pos comes from the base model's attribute_ruler, which declares nothing; it maps token.tag.
    requires=["token.dep", "token.lemma", "token.tag", "token.ent_type"],
    default_config={"lexicon": "", "model": "", "order": list(DEFAULT_ORDER), "batch_size": 32, "boundaries": True,
                    "boundary_clauses": DEFAULT_BOUNDARY_CLAUSES, "joins": DEFAULT_JOINS, "links": DEFAULT_LINKS,
                    "model_sources": True,
                    "min_quote_words": 4, "merge_continuations": True, "merge_paragraphs": False,
                    "max_merge_gap": 25, "strict_merge": True, "nested_in_quotes": False,
                    "object_claims": True, "headline_claims": True, "content_first_sentence": True,
                    "trailing_clauses": True,
                    "max_cue_gap": 12, "max_source_gap": 8, "min_content_tokens": 2, "require_source": True,
                    "agentless_claims": True,
                    "syntax_source": True, "max_piece_gap": 2, "fronted_pieces": True,
                    "split_contents": True},
)
def make_attribution(nlp: Language, name: str, lexicon: str, model: str, order: list[str], batch_size: int,
                     boundaries: bool, boundary_clauses: bool, joins: bool, links: bool, model_sources: bool,
                     min_quote_words: int, merge_continuations: bool,
                     merge_paragraphs: bool, max_merge_gap: int, strict_merge: bool, nested_in_quotes: bool,
                     object_claims: bool, headline_claims: bool, content_first_sentence: bool,
                     trailing_clauses: bool, max_cue_gap: int, max_source_gap: int, min_content_tokens: int,
                     require_source: bool, agentless_claims: bool, syntax_source: bool, max_piece_gap: int,
                     fronted_pieces: bool, split_contents: bool) -> Attribution:
    """Build the attribution component (paths "" = the shipped lexicon and model).

    The rules read the parse: put ``claims_paragraphs`` before the parser (as
    ``models/pipeline.toml`` does) so that it does not join a headline or a paragraph to the
    next one."""
    register_extensions()
    rules = RuleOptions(min_quote_words=min_quote_words, merge_continuations=merge_continuations,
                        merge_paragraphs=merge_paragraphs, max_merge_gap=max_merge_gap, strict_merge=strict_merge,
                        nested_in_quotes=nested_in_quotes, object_claims=object_claims,
                        headline_claims=headline_claims, content_first_sentence=content_first_sentence,
                        trailing_clauses=trailing_clauses)
    link = LinkOptions(max_cue_gap=max_cue_gap, max_source_gap=max_source_gap,
                       min_content_tokens=min_content_tokens, require_source=require_source,
                       agentless_claims=agentless_claims,
                       syntax_source=syntax_source, max_piece_gap=max_piece_gap, fronted_pieces=fronted_pieces,
                       split_contents=split_contents)
    return Attribution(nlp, name, lexicon=lexicon, model=model, order=order, rules=rules, link=link,
                       batch_size=batch_size, boundaries=boundaries, joins=joins, links=links, model_sources=model_sources,
                       boundary_clauses=boundary_clauses)
