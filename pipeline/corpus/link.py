"""Link a whole claims table: ``speaker_id`` and ``quote_id`` of every claim, and the rows of the
``speakers`` and ``quotes`` tables.

The rules are those of ``pipeline.corpus.speakers`` (merging speakers), ``pipeline.corpus.quotes``
(counting quotations once) and ``pipeline.corpus.gender``. They are applied with Arrow compute
over the columns, and Python only over what is distinct (speaker strings, roles, names) or rare
(wordings that may be copies), so that the tables of a thousand articles are rebuilt in a
fraction of a second at every publish. Pure: an Arrow table in, arrays and tables out.
"""
from __future__ import annotations

import zlib
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.corpus.evidence import is_surname_only
from pipeline.corpus.first_names import first_names
from pipeline.corpus.gender import GenderSettings, decide, gender_settings, load_corpus_config, name_reading
from pipeline.corpus.ids import stable_id
from pipeline.corpus.quotes import MAX_BUCKET, Wording, merge_wordings, near_identical, normalize_quote
from pipeline.corpus.speakers import (RoleFields, SpeakerName, classify, is_pronoun, load_role_fields,
                                      person_name, split_by_role)
from pipeline.schema import TABLES

# Columns of ``claims`` the linking reads (plus ``published`` and ``source`` of the article).
CLAIM_COLUMNS = ["claim_id", "article_id", "claim_index", "claim_type", "content", "speaker", "speaker_type",
                 "speaker_role", "speaker_mention", "speaker_full_name", "speaker_female_cues",
                 "speaker_male_cues", "quote_key", "quote_sketch"]
_SEP = "\x1f"


@dataclass
class Linked:
    """The links of every claim (in the table's row order) and the two corpus tables."""

    speaker_id: pa.Array
    quote_id: pa.Array
    speakers: pa.Table
    quotes: pa.Table


def _distinct(keys: pa.Array) -> tuple[list[Any], pa.Array]:
    """The distinct values of ``keys`` (as Python values) and each row's index among them."""
    uniq = pc.unique(keys)
    return uniq.to_pylist(), pc.index_in(keys, value_set=uniq)


def _per_row(values: list[Any], index: pa.Array, type_: pa.DataType) -> pa.Array:
    return pc.take(pa.array(values, type_), index)


@lru_cache(maxsize=65536)
def naming_mention(mention: str | None) -> str | None:
    """A mention that is a name ("Mr. Trump", "Trump's" -> "Trump"), not a pronoun or a role."""
    if not mention:
        return None
    m = mention.strip().removesuffix("'s").removesuffix("’s").strip()
    if is_pronoun(m):
        return None
    return m if (is_surname_only(m) or person_name(m) is not None) else None


def _classes(t: pa.Table | pa.RecordBatch) -> tuple[list[SpeakerName | None], pa.Array]:
    """The merge classes of the distinct (speaker, type, full name) of ``t`` and each row's index
    among them."""
    triple = pc.binary_join_element_wise(t["speaker"], t["speaker_type"], t["speaker_full_name"], _SEP,
                                         null_handling="replace", null_replacement="")
    triples, tidx = _distinct(triple)
    classes: list[SpeakerName | None] = []
    for value in triples:
        speaker, kind, full = value.split(_SEP)
        classes.append(classify(speaker, kind or None, full or None))
    return classes, tidx


def speaker_families(t: pa.Table | pa.RecordBatch) -> tuple[pa.Array, set[tuple[str, str]]]:
    """Each claim's speaker family ("" without a speaker) and the pairs of families that one
    speaker id can span.

    A quotation's wordings share a family, and a speaker id comes from one base (with the kind
    and, for a name kept to its article, the article). A person's base holds its family (its
    last name); any other class whose family is not its base ("Smith's": base "smith", family
    "smith's") can share an id with the classes whose family is that base, so its family and
    its base are returned as a pair. Claims of families that are not paired can be linked apart
    and give the same ids and rows (``pipeline.export.corpus_tables`` does so for corpora too
    large to link at once).
    """
    classes, tidx = _classes(t)
    pairs = {(c.family, c.base) for c in classes if c is not None and c.kind != "person" and c.family != c.base}
    return _per_row([c.family if c is not None else "" for c in classes], tidx, pa.string()), pairs


def _speaker_keys(t: pa.Table, fields: RoleFields) -> tuple[pa.Array, pa.Array]:
    """Each claim's final speaker key (null without a speaker) and its family."""
    classes, tidx = _classes(t)
    middles: dict[str, set[str]] = defaultdict(set)
    surnames = set()
    for c in classes:
        if c is not None and c.kind == "person":
            middles[c.base].add(c.middle)
            surnames.add(c.family)
    keyed: list[tuple[str | None, bool, str]] = []  # (key or its name part, kept to its article, family)
    for c in classes:
        if c is None:
            keyed.append((None, False, ""))
        elif c.kind == "person":
            # two different middle names: each its own person, the bare name apart from both
            split = len(middles[c.base] - {""}) > 1
            keyed.append(("p:" + c.base + ("#" + c.middle if split else ""), False, c.family))
        elif c.kind == "org" or (c.kind == "surname_org" and c.base not in surnames):
            keyed.append(("o:" + c.base, False, c.family))
        else:  # a surname alone, an unnamed role, a generic group: this article only
            keyed.append(("|" + c.base, True, c.family))
    part, per_article, family = (list(x) for x in zip(*keyed)) if keyed else ([], [], [])
    key = _per_row(part, tidx, pa.string())
    local = _per_row(per_article, tidx, pa.bool_())
    key = pc.if_else(local, pc.binary_join_element_wise("a:", t["article_id"], key, ""), key)
    key = _split_namesakes(t, key, fields)
    return key, _per_row(family, tidx, pa.string())


def _split_namesakes(t: pa.Table, key: pa.Array, fields: RoleFields) -> pa.Array:
    """Keys of persons whose articles' roles say they are different namesakes, told apart."""
    is_person = pc.fill_null(pc.starts_with(key, "p:"), False)
    has_role = pc.and_(is_person, pc.is_valid(t["speaker_role"]))
    roles = pa.table({"k": key, "a": t["article_id"], "r": t["speaker_role"]}).filter(has_role)
    by_key: dict[str, dict[str, frozenset[str]]] = defaultdict(dict)
    for k, a, r in zip(*(c.to_pylist() for c in roles.group_by(["k", "a", "r"], use_threads=False)
                         .aggregate([]).columns)):
        f = fields.of(r)
        if f:
            by_key[k][a] = by_key[k].get(a, frozenset()) | f
    moves = {}
    for k, arts in by_key.items():
        if len({f for fs in arts.values() for f in fs}) > 1:
            moved = split_by_role(arts, fields)
            if moved:
                moves[k] = moved
    moved = [(k, a, f"{k}~{suffix}") for k, arts in moves.items() for a, suffix in arts.items() if suffix]
    if not moved:
        return key
    at, to = (pa.array(x, pa.string()) for x in zip(*((f"{k}{_SEP}{a}", n) for k, a, n in moved)))
    row_at = pc.binary_join_element_wise(key, t["article_id"], _SEP)  # null where the claim has no speaker
    return _array(pc.coalesce(pc.take(to, pc.index_in(row_at, value_set=at)), key))


def _quote_groups(t: pa.Table, speaker_id: pa.Array, scope_corpus: pa.Array, family: pa.Array,
                  threshold: float, min_words: int) -> tuple[pa.Array, pa.Array]:
    """Each claim's quotation group key and the speaker id that owns its group (or null)."""
    owner = pc.if_else(scope_corpus, speaker_id, pa.scalar(None, pa.string()))
    skey = pc.coalesce(owner, pc.binary_join_element_wise("name:", family, ""))
    qkey = t["quote_key"]
    exact = pc.binary_join_element_wise(family, qkey, skey, _SEP)
    n = t.num_rows
    row = pa.array(range(n), pa.int64())
    groups = pa.table({"e": exact, "fq": pc.binary_join_element_wise(family, qkey, _SEP), "s": skey,
                       "o": owner, "row": row, "sketch": t["quote_sketch"]})
    reps = groups.group_by("e", use_threads=False).aggregate([("row", "min"), ("fq", "first"), ("s", "first"),
                                                               ("o", "first")])
    # Wordings that may merge: the same words under several speaker keys (a surname and the full
    # name), and near-identical words sharing a sketch band in one family.
    multi = reps.group_by("fq_first", use_threads=False).aggregate([("s_first", "count_distinct")])
    multi = set(multi.filter(pc.greater(multi["s_first_count_distinct"], 1))["fq_first"].to_pylist())
    rep_rows = reps["row_min"]
    sketches = pc.take(t["quote_sketch"], rep_rows)
    has = pc.is_valid(sketches)
    fam_rep = pc.filter(pc.take(family, rep_rows), has)
    sk = pc.filter(sketches, has)
    parent = pc.list_parent_indices(sk)
    band_table = pa.table({"f": pc.take(fam_rep, parent), "v": pc.list_flatten(sk),
                           "g": pc.take(pc.filter(pa.array(range(reps.num_rows), pa.int64()), has), parent)})
    buckets = band_table.group_by(["f", "v"], use_threads=False).aggregate([("g", "list"), ("g", "count")])
    buckets = buckets.filter(pc.and_(pc.greater(buckets["g_count"], 1),
                                     pc.less_equal(buckets["g_count"], MAX_BUCKET)))
    candidates: list[tuple[int, int]] = []
    for members in buckets["g_list"].to_pylist():
        members = sorted(set(members))
        candidates.extend((a, b) for x, a in enumerate(members) for b in members[x + 1:])
    involved = {g for pair in candidates for g in pair}
    if multi:
        in_multi = pc.is_in(reps["fq_first"], value_set=pa.array(sorted(multi), pa.string()))
        involved |= set(pc.indices_nonzero(pc.fill_null(in_multi, False)).to_pylist())
    if not involved:
        return exact, owner
    # Python values of the groups that may merge only (not one per claim)
    order = sorted(involved)
    local = {g: i for i, g in enumerate(order)}
    sub = reps.take(pa.array(order, pa.int64()))
    owners, names, rows = sub["o_first"].to_pylist(), sub["s_first"].to_pylist(), sub["row_min"].to_pylist()
    wordings = [Wording(o, s) for o, s in zip(owners, names)]
    pairs: list[tuple[int, int]] = []
    if multi:
        by_fq: dict[str, list[int]] = defaultdict(list)
        for i, fq in enumerate(sub["fq_first"].to_pylist()):
            if fq in multi:
                by_fq[fq].append(i)
        for members in by_fq.values():
            members.sort(key=lambda i: (wordings[i].owner is None, i))  # the corpus speaker first
            pairs.extend((members[0], j) for j in members[1:])
    content = t["content"]
    chars = pc.utf8_length(content)
    seen: set[tuple[int, int]] = set()
    for a, b in candidates:
        if (a, b) in seen:
            continue
        seen.add((a, b))
        ia, ib = local[a], local[b]
        la, lb = chars[rows[ia]].as_py(), chars[rows[ib]].as_py()
        if 2 * min(la, lb) < (threshold - 0.1) * (la + lb):
            continue  # lengths too far apart for the words to be near-identical
        wa, wb = wordings[ia], wordings[ib]
        if wa.words is None:
            wa.words = normalize_quote(content[rows[ia]].as_py()).split()
        if wb.words is None:
            wb.words = normalize_quote(content[rows[ib]].as_py()).split()
        if wa.words != wb.words and near_identical(wa.words, wb.words, threshold, min_words):
            pairs.append((ia, ib))
    roots = merge_wordings(wordings, pairs)
    exact_keys = sub["e"].to_pylist()
    remap = [(exact_keys[i], exact_keys[r]) for i, r in enumerate(roots) if r != i]
    if not remap:
        return exact, owner
    src, dst = (pa.array(x, pa.string()) for x in zip(*remap))
    return _array(pc.coalesce(pc.take(dst, pc.index_in(exact, value_set=src)), exact)), owner


def _quote_ids(t: pa.RecordBatch, group: pa.Array, owner: pa.Array, family: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Quote id of every claim and the row of its quotation's earliest copy (by publication date,
    article id and position).

    The id does not depend on which copy came first, so a copy published later (or earlier)
    leaves the quotation's id as it was: 10 hex digits of the smallest ``quote_key`` among its
    wordings, then 6 of its speaker's id (or of the name of a speaker kept to its article).
    """
    n = len(group)
    if n == 0:
        return pa.array([], pa.string()), pa.array([], pa.int64())
    g = pa.table({"g": group, "k": t["quote_key"], "o": owner, "f": family}).group_by("g", use_threads=False) \
        .aggregate([("k", "min"), ("o", "max"), ("f", "first")])
    fams, fidx = _distinct(g["f_first"])
    who = pc.coalesce(g["o_max"], _per_row([f"{zlib.crc32(f.encode('utf-8')):08x}" for f in fams], fidx,
                                           pa.string()))
    ids = pc.binary_join_element_wise(pc.utf8_slice_codeunits(g["k_min"], 0, 10),
                                      pc.utf8_slice_codeunits(who, 0, 6), "")
    quote_id = pc.take(ids, pc.index_in(group, value_set=g["g"]))
    tmp = pa.table({"g": group, "p": t["published"], "a": t["article_id"], "i": t["claim_index"]})
    order = pc.sort_indices(tmp, sort_keys=[("g", "ascending", "at_end"), ("p", "ascending", "at_end"),
                                            ("a", "ascending", "at_end"), ("i", "ascending", "at_end")])
    g_sorted = pc.take(group, order)
    starts = pa.concat_arrays([pa.array([True]), pc.fill_null(pc.not_equal(g_sorted[1:], g_sorted[:-1]), True)])
    heads = pc.indices_nonzero(starts)
    first_rows = pc.take(order, heads)
    first_row = pc.take(first_rows, pc.index_in(group, value_set=pc.take(g_sorted, heads)))
    return quote_id, first_row


def _ranked(sid: pa.Array, values: pa.Array) -> pa.Table:
    """Per speaker id, its distinct values with their numbers of claims, most frequent first
    (then shortest, then alphabetical): columns ``s``, ``v_list``, ``n_list``, ``v_first``."""
    t = pa.table({"s": sid, "v": values}).filter(pc.and_(pc.is_valid(sid), pc.is_valid(values)))
    g = t.group_by(["s", "v"], use_threads=False).aggregate([("s", "count")])
    g = g.append_column("len", pc.utf8_length(g["v"]))
    g = g.sort_by([("s", "ascending"), ("s_count", "descending"), ("len", "ascending"), ("v", "ascending")])
    return g.group_by("s", use_threads=False).aggregate([("v", "list"), ("s_count", "list"), ("v", "first")])


def _counted(ranked: pa.Table, at: pa.Array, field: str) -> pa.Array:
    """The ranked values as ``list<struct<field, count>>`` for each speaker id of ``at``."""
    values = ranked["v_list"].combine_chunks()
    counts = ranked["s_count_list"].combine_chunks()
    struct = pa.StructArray.from_arrays([pc.list_flatten(values), pc.list_flatten(counts)],
                                        fields=[pa.field(field, pa.string()), pa.field("count", pa.int64())])
    lists = pa.ListArray.from_arrays(values.offsets, struct)
    out = pc.take(lists, pc.index_in(at, value_set=ranked["s"]))
    return pc.fill_null(out, pa.scalar([], out.type))


def _speakers_table(t: pa.RecordBatch, sid: pa.Array, key: pa.Array, quote_id: pa.Array,
                    settings: GenderSettings) -> tuple[pa.Table, pa.Table]:
    display = pc.coalesce(t["speaker_full_name"], t["speaker"])
    mentions, midx = _distinct(t["speaker_mention"])
    named = _per_row([naming_mention(m) for m in mentions], midx, pa.string())
    named = pc.if_else(pc.fill_null(pc.equal(named, display), False), pa.scalar(None, pa.string()), named)
    base = pa.table({"sid": sid, "key": key, "article": t["article_id"], "published": t["published"],
                     "quote": quote_id, "f": pc.fill_null(t["speaker_female_cues"], 0),
                     "m": pc.fill_null(t["speaker_male_cues"], 0)}).filter(pc.is_valid(sid))
    agg = base.group_by("sid", use_threads=False).aggregate([
        ("sid", "count"), ("article", "count_distinct"), ("quote", "count_distinct"), ("published", "min"),
        ("published", "max"), ("key", "first")])
    # each article votes once, for the side that holds three quarters of its cues (an article
    # about another person with the same surname cannot outweigh the others)
    per_article = base.group_by(["sid", "article"], use_threads=False).aggregate([("f", "max"), ("m", "max")])
    f_art, m_art = per_article["f_max"], per_article["m_max"]
    share = settings.text_share / (1 - settings.text_share) if settings.text_share < 1 else float("inf")
    per_article = per_article.append_column(
        "fv", pc.cast(pc.and_(pc.greater(f_art, 0), pc.greater_equal(f_art, pc.multiply(m_art, share))), pa.int64()))
    per_article = per_article.append_column(
        "mv", pc.cast(pc.and_(pc.greater(m_art, 0), pc.greater_equal(m_art, pc.multiply(f_art, share))), pa.int64()))
    cues = per_article.group_by("sid", use_threads=False).aggregate([("fv", "sum"), ("mv", "sum")])
    at = agg["sid"]
    cue_at = pc.index_in(at, value_set=cues["sid"])
    female = pc.fill_null(pc.take(cues["fv_sum"], cue_at), 0)
    male = pc.fill_null(pc.take(cues["mv_sum"], cue_at), 0)
    shown = _ranked(sid, display)
    names = _ranked(pa.concat_arrays([sid, sid]), pa.concat_arrays([display, named]))
    roles = _ranked(sid, t["speaker_role"])
    types = _ranked(sid, t["speaker_type"])
    canonical = pc.take(shown["v_first"], pc.index_in(at, value_set=shown["s"]))
    kinds = pc.take(types["v_first"], pc.index_in(at, value_set=types["s"]))
    keys = agg["key_first"]
    is_person = pc.starts_with(keys, "p:")
    kinds = pc.if_else(is_person, "person", kinds)
    local = pc.starts_with(keys, "a:")

    # gender of persons: Python over the persons only
    ids, key_list, kind_list = at.to_pylist(), keys.to_pylist(), kinds.to_pylist()
    f_list, m_list = female.to_pylist(), male.to_pylist()
    firsts = {i: k[2:].split("|", 1)[0] for i, k in zip(ids, key_list) if k.startswith("p:")}
    readings = first_names().lookup(firsts.values()) if firsts else {}
    genders, sources = [], []
    for i, kind, f, m in zip(ids, kind_list, f_list, m_list):
        if kind != "person":
            genders.append(None), sources.append(None)
            continue
        by_name = name_reading(readings.get(firsts[i]), settings) if i in firsts else None
        g, src = decide(f, m, by_name, settings)
        genders.append(g), sources.append(src)
    # an article-scoped key is "a:" + the article id + "|" + the name
    article = pc.list_element(pc.split_pattern(pc.utf8_slice_codeunits(keys, 2), "|", max_splits=1), 0)
    article = pc.if_else(local, article, pa.scalar(None, pa.string()))
    table = pa.table({
        "speaker_id": at, "name": canonical, "speaker_type": kinds,
        "scope": pc.if_else(local, "article", "corpus"), "article_id": article,
        "names": _counted(names, at, "name"), "roles": _counted(roles, at, "role"),
        "gender": pa.array(genders, pa.string()), "gender_source": pa.array(sources, pa.string()),
        "articles_female": female, "articles_male": male, "n_claims": agg["sid_count"],
        "n_articles": agg["article_count_distinct"], "n_quotes": agg["quote_count_distinct"],
        "first_published": agg["published_min"], "last_published": agg["published_max"],
    }).cast(TABLES["speakers"])
    table = table.sort_by([("n_claims", "descending"), ("speaker_id", "ascending")])
    return table, table.select(["speaker_id", "name"])


def _quotes_table(t: pa.RecordBatch, quote_id: pa.Array, first_row: pa.Array, sid: pa.Array, owner: pa.Array,
                  names: pa.Table) -> pa.Table:
    base = pa.table({"q": quote_id, "article": t["article_id"], "source": t["source"], "published": t["published"],
                     "key": t["quote_key"], "owner": owner, "first": first_row})
    agg = base.group_by("q", use_threads=False).aggregate([
        ("q", "count"), ("article", "count_distinct"),
        ("source", "count_distinct", pc.CountOptions(mode="all")), ("published", "max"),
        ("key", "count_distinct"), ("owner", "max"), ("first", "min")])
    first_rows = agg["first_min"]
    speaker = pc.coalesce(agg["owner_max"], pc.take(sid, first_rows))
    speaker_names = pc.fill_null(pc.take(names["name"], pc.index_in(speaker, value_set=names["speaker_id"])), "")
    table = pa.table({
        "quote_id": agg["q"], "speaker_id": speaker, "speaker": speaker_names,
        "text": pc.take(t["content"], first_rows), "claim_type": pc.take(t["claim_type"], first_rows),
        "first_claim_id": pc.take(t["claim_id"], first_rows), "first_article_id": pc.take(t["article_id"], first_rows),
        "first_published": pc.take(t["published"], first_rows), "last_published": agg["published_max"],
        "n_claims": agg["q_count"], "n_articles": agg["article_count_distinct"],
        "n_sources": agg["source_count_distinct"], "n_wordings": agg["key_count_distinct"],
    }).cast(TABLES["quotes"])
    order = pc.sort_indices(table, sort_keys=[("first_published", "ascending", "at_end"),
                                              ("quote_id", "ascending", "at_end")])
    return pc.take(table, order)


def link_table(t: pa.Table, fields: RoleFields | None = None, settings: GenderSettings | None = None,
               quotes: dict | None = None) -> Linked:
    """Link the claims of ``t`` (``CLAIM_COLUMNS`` plus the article's ``published`` and ``source``);
    ``fields``, ``settings`` and ``quotes`` (the ``[quotes]`` settings) are read from ``models/``
    when not given."""
    t = pa.RecordBatch.from_arrays([t.column(n).combine_chunks() for n in t.column_names], names=t.column_names) \
        if isinstance(t, pa.Table) else t
    fields = fields or load_role_fields()
    settings = settings or gender_settings()
    cfg = quotes if quotes is not None else load_corpus_config().get("quotes", {})
    key, family = _speaker_keys(t, fields)
    keys, kidx = _distinct(key)
    sid = _per_row([stable_id("speaker", k) if k else None for k in keys], kidx, pa.string())
    corpus = pc.fill_null(pc.invert(pc.starts_with(key, "a:")), False)
    group, owner = _quote_groups(t, sid, corpus, family, cfg.get("similarity", 0.8), cfg.get("min_words", 6))
    quote_id, first_row = _quote_ids(t, group, owner, family)
    speakers, names = _speakers_table(t, sid, key, quote_id, settings)
    quotes = _quotes_table(t, quote_id, first_row, sid, owner, names)
    return Linked(_array(sid), _array(quote_id), speakers, quotes)


def _array(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def records_table(records: list[dict[str, Any]]) -> pa.Table:
    """An Arrow table of claim records (dicts with the claims columns and the article's
    ``published`` and ``source``) as ``link_table`` reads it; missing signatures are computed."""
    from pipeline.corpus.quotes import quote_signature

    schema = TABLES["claims"]
    fields = [schema.field(c) for c in CLAIM_COLUMNS] + [pa.field("published", pa.date32()),
                                                          pa.field("source", pa.string())]
    rows = []
    for r in records:
        r = dict(r)
        if r.get("quote_key") is None:
            r["quote_key"], r["quote_sketch"] = quote_signature(r.get("content") or "")
        rows.append({f.name: r.get(f.name) for f in fields})
    return pa.Table.from_pylist(rows, schema=pa.schema(fields))


__all__ = ["CLAIM_COLUMNS", "Linked", "link_table", "records_table", "naming_mention", "speaker_families"]
