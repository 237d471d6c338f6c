"""The output dataset's tables: one pyarrow schema per table, with a description on every column.

This module is the single source of truth for the dataset layout. The exporters write these
schemas, the tests check the written files against them, and the README's data dictionary is
generated from them (``python -m pipeline.schema --markdown``).
"""
from __future__ import annotations

import sys
from dataclasses import dataclass

import pyarrow as pa

SCHEMA_VERSION = "1"


@dataclass(frozen=True)
class Column:
    """One column: its name, arrow type, whether it may be null, and what it means."""

    name: str
    type: pa.DataType
    doc: str
    nullable: bool = True

    def field(self) -> pa.Field:
        return pa.field(self.name, self.type, nullable=self.nullable,
                        metadata={"description": self.doc})


def _schema(table_doc: str, columns: list[Column]) -> pa.Schema:
    return pa.schema([c.field() for c in columns], metadata={"description": table_doc,
                                                             "schema_version": SCHEMA_VERSION})


_SPAN = [
    Column("start", pa.int64(), "Start character offset into `articles.text`.", False),
    Column("end", pa.int64(), "End character offset (exclusive) into `articles.text`.", False),
]
_ARTICLE_REF = Column("article_id", pa.string(), "The article this row belongs to (`articles.article_id`).", False)
_CLAIM_REF = Column("claim_id", pa.string(),
                    "The claim whose content holds this span (`claims.claim_id`); null when outside every claim.")

ARTICLES = _schema("One row per article that was processed.", [
    Column("article_id", pa.string(), "Stable id of the article: a hash of `doc_id`, the same on every run.", False),
    Column("doc_id", pa.string(), "The input's own id: `id` of a JSONL/CSV/JSON/parquet record (or the field mapped to it), the `WARC-Record-ID` of a WARC record, else the file name without extension (and compression suffix).", False),
    Column("title", pa.string(), "Headline: metadata title, else the first non-empty line of a text file."),
    Column("published", pa.date32(), "Publication date, from metadata or from the text (e.g. \"was first published March 22, 2023\")."),
    Column("source", pa.string(), "Publisher or wire service, when known."),
    Column("url", pa.string(), "Address of the article, when given."),
    Column("author", pa.string(), "Byline, when known."),
    Column("country", pa.string(), "ISO 3166-1 alpha-2 code of the article's main country (from the source and the places it names)."),
    Column("text", pa.string(), "The article body as analysed; every offset in the dataset points into it. From txt and html, page boilerplate after the story is cut off; JSONL and CSV text is kept as given.", False),
    Column("n_words", pa.int64(), "Number of word tokens in `text`.", False),
    Column("input_path", pa.string(), "The input file the article came from.", False),
    Column("input_format", pa.string(), "Format of the input: txt, html, jsonl, csv, json, parquet or warc (compressed or not).", False),
    Column("record", pa.string(), "Line (JSONL), row (CSV, parquet), array item (JSON) or byte offset (WARC) of the record inside its file; null for whole files."),
    Column("content_hash", pa.string(), "SHA-256 of title, text and publication date: what changes when the article changes.", False),
    Column("extra", pa.string(), "Other fields of the input record, as a JSON object."),
    Column("ingest_notes", pa.string(), "What ingest changed so the record could be stored (lone surrogates replaced by U+FFFD, non-finite numbers in `extra` written as strings); null when it was stored as given."),
    Column("pipeline_version", pa.string(), "Version of this pipeline that produced the rows.", False),
    Column("model", pa.string(), "Name and version of the spaCy model used.", False),
    Column("fingerprint", pa.string(), "SHA-256 of what else decides the article's rows: its other fields (source, url, author, extra), the pipeline version, model and config; when it or `content_hash` changes, the next run processes the article again. (Where it was read from is not part of it: a moved file's articles keep their rows and get their new `input_path`.)"),
])

CLAIMS = _schema("One row per statement attributed to a speaker (direct quote or reported speech).", [
    Column("claim_id", pa.string(), "Stable id of the claim: a hash of the article id and the content's offsets.", False),
    _ARTICLE_REF,
    Column("claim_index", pa.int32(), "Position of the claim in its article (0-based, in text order).", False),
    Column("claim_type", pa.string(), "`direct` for a quotation, `indirect` for reported speech.", False),
    Column("content", pa.string(), "What was said: the quotation or the reported clause.", False),
    Column("quote_id", pa.string(), "The quotation across the corpus (`quotes.quote_id`): the same for the same words by the same speaker in every article that carries them (syndicated and wire copies), exact after normalizing quote marks, case and spacing, or near-identical wording; set when the dataset is published."),
    *_SPAN,
    Column("speaker", pa.string(), "Canonical speaker: the full name met in the article (\"Kirsten Hillman\", not \"she\"), or the organization or group; the mention itself when it could not be resolved; empty when the claim names no speaker.", False),
    Column("speaker_mention", pa.string(), "The words naming the speaker at the cue (e.g. \"she\", \"Hillman\")."),
    Column("speaker_start", pa.int64(), "Start offset of `speaker_mention` in `articles.text`."),
    Column("speaker_end", pa.int64(), "End offset of `speaker_mention` in `articles.text`."),
    Column("speaker_role", pa.string(), "Role or title given to the speaker in the article (\"Canada's ambassador to the U.S.\")."),
    Column("speaker_type", pa.string(), "`person`, `organization` or `group`; null when unknown."),
    Column("speaker_id", pa.string(), "The speaker across the corpus (`speakers.speaker_id`); null when the claim names no speaker; set when the dataset is published."),
    Column("speaker_full_name", pa.string(), "The full name the article gives elsewhere to a speaker named by surname alone (\"Trump\" -> \"Donald Trump\"); null otherwise. Links the claim to its speaker inside the article only."),
    Column("speaker_female_cues", pa.int32(), "Words in the article that refer to this claim's speaker and mark them female (she/her resolved to them, Mrs./Ms. before their name, a female role noun); the same on every claim of the speaker in the article."),
    Column("speaker_male_cues", pa.int32(), "Words in the article that refer to this claim's speaker and mark them male (he/his, Mr., a male role noun)."),
    Column("quote_key", pa.string(), "Hash of the content's words after normalizing quote marks, punctuation, case and spacing: equal keys, same words."),
    Column("quote_sketch", pa.list_(pa.int64()), "MinHash sketch of the content's word 3-grams (6 bands): claims sharing a band are compared for near-identical wording; null under three words."),
    Column("cue", pa.string(), "Lemma of the reporting verb or phrase (\"say\", \"acknowledge\", \"according to\"); empty when none was found.", False),
    Column("cue_start", pa.int64(), "Start offset of the cue in `articles.text`."),
    Column("cue_end", pa.int64(), "End offset of the cue in `articles.text`."),
])

FIGURES = _schema("One row per figure (quantity, amount of money, percentage, count) in an article.", [
    Column("figure_id", pa.string(), "Stable id of the figure: a hash of the article id and its offsets.", False),
    _ARTICLE_REF,
    _CLAIM_REF,
    Column("surface", pa.string(), "The figure as written, e.g. \"More than 39,000 claims\".", False),
    *_SPAN,
    Column("value", pa.float64(), "Numeric value, scale words applied (\"2.4 million\" -> 2400000).", False),
    Column("value_max", pa.float64(), "Upper end of a range (\"10 to 12\"); null for a single value."),
    Column("unit", pa.string(), "Normalized unit name: a unit of measure (\"percentage\", \"dollar\", \"kilometre\"), the counted noun, lemmatized (\"encounter\"), or \"dimensionless\" for a bare number.", False),
    Column("unit_dimension", pa.string(), "Dimension of the unit (currency, percentage, length, count, ...)."),
    Column("currency", pa.string(), "ISO 4217 code for money (\"CAD\", \"USD\", \"EUR\"); a bare \"$\" is read from the article's country."),
    Column("per_unit", pa.string(), "Denominator of a rate (\"US$58.24 per barrel\" -> \"barrel\")."),
    Column("approx", pa.string(), "`=` exact, `~` approximate, `>` more than / at least, `<` less than / up to.", False),
    Column("change", pa.string(), "`up` or `down` when the figure is a change (\"rose 5%\"); else null."),
])

DATES = _schema("One row per time expression in an article, with the interval it means.", [
    Column("date_id", pa.string(), "Stable id of the time expression: a hash of the article id and its offsets.", False),
    _ARTICLE_REF,
    _CLAIM_REF,
    Column("surface", pa.string(), "The expression as written, e.g. \"fiscal 2022\".", False),
    *_SPAN,
    Column("timex_type", pa.string(), "TimeML type: `date`, `time`, `duration` or `set`.", False),
    Column("value", pa.string(), "TIMEX3-style normalized value (\"2022\", \"2023-02\", \"P5M\", \"PRESENT_REF\")."),
    Column("date_start", pa.date32(), "First day of the interval meant, resolved against the publication date; null when unknown or for a duration."),
    Column("date_end", pa.date32(), "Last day of the interval meant (inclusive)."),
    Column("granularity", pa.string(), "day, week, month, quarter, season, year, decade, ... of the interval."),
    Column("duration", pa.string(), "ISO 8601 duration for durations (\"P5M\" for \"five months\")."),
])

PLACES = _schema("One row per place mention, resolved against the offline gazetteer.", [
    Column("place_id", pa.string(), "Stable id of the mention: a hash of the article id and its offsets.", False),
    _ARTICLE_REF,
    _CLAIM_REF,
    Column("surface", pa.string(), "The mention as written (\"Ottawa\", \"Quebec's\", \"Canadian\").", False),
    *_SPAN,
    Column("label", pa.string(), "Entity label that found it (GPE, LOC, FAC, NORP)."),
    Column("name", pa.string(), "Canonical name of the resolved place."),
    Column("feature", pa.string(), "Kind of place: country, subdivision, city, region, ..."),
    Column("country_code", pa.string(), "ISO 3166-1 alpha-2 country code."),
    Column("subdivision_code", pa.string(), "ISO 3166-2 first-level subdivision code (\"CA-QC\")."),
    Column("geonameid", pa.int64(), "GeoNames id of the resolved place."),
    Column("lat", pa.float64(), "Latitude of the resolved place (WGS84)."),
    Column("lon", pa.float64(), "Longitude of the resolved place (WGS84)."),
    Column("mention_kind", pa.string(), "What the words are: `name` (a place name, \"Ottawa\"), `demonym` "
           "(\"Canadian\") or `in_name` (a place word inside another name: \"Seattle\" of \"Seattle "
           "Seahawks\", \"US\" of \"US dollars\"; a demonym there is left unresolved, \"French\" of "
           "\"French Quarter\"). Filter on `name` for places the text speaks of."),
])

REJECTS = _schema("One row per input record that a run did not process, with the reason; the rejects of every run are kept (`run_id`).", [
    Column("input_path", pa.string(), "The input file.", False),
    Column("record", pa.string(), "Line, row, array item or WARC byte offset inside the file; null for a whole file."),
    Column("doc_id", pa.string(), "The record's id, when one could be read."),
    Column("reason", pa.string(), "Why it was rejected, in words.", False),
    Column("run_id", pa.string(), "The run that rejected it (`runs.run_id`).", False),
])

RUNS = _schema("One row per pipeline run over a corpus.", [
    Column("run_id", pa.string(), "Id of the run.", False),
    Column("started", pa.timestamp("us", tz="UTC"), "When the run started.", False),
    Column("finished", pa.timestamp("us", tz="UTC"), "When the run finished.", False),
    Column("input", pa.string(), "The input path given to the run.", False),
    Column("seen", pa.int64(), "Input records seen.", False),
    Column("processed", pa.int64(), "Articles processed (new or changed).", False),
    Column("unchanged", pa.int64(), "Articles skipped because their content hash had not changed.", False),
    Column("rejected", pa.int64(), "Input records rejected (see `rejects`).", False),
    Column("skipped", pa.string(), "Input files and records rightly not read as articles (hidden files, other file "
                                   "types, a web archive's requests...), as a JSON object of counts by reason."),
    Column("removed", pa.int64(), "Articles dropped because they disappeared from the input.", False),
    Column("rows_written", pa.string(), "Rows written per table, as a JSON object.", False),
    Column("pipeline_version", pa.string(), "Version of this pipeline.", False),
    Column("model", pa.string(), "Name and version of the spaCy model.", False),
])



def _counted(key: str) -> pa.DataType:
    """A list of (value, count) pairs, e.g. the names a speaker was given with their counts."""
    return pa.list_(pa.struct([pa.field(key, pa.string()), pa.field("count", pa.int64())]))


SPEAKERS = _schema("One row per speaker across the whole dataset: the claims of every article linked to one identity (rebuilt from `claims` and `articles` each time the dataset is published).", [
    Column("speaker_id", pa.string(), "Stable id of the speaker: a hash of its merge key, its normalized name (with the article for a name kept to one article, the fields of its roles for a namesake told apart by role).", False),
    Column("name", pa.string(), "Canonical name: the full name used most often (\"Donald Trump\"), or the organization's or group's most common spelling.", False),
    Column("speaker_type", pa.string(), "`person`, `organization` or `group`: the type most of its claims give it."),
    Column("scope", pa.string(), "`corpus` when claims of any article merge into it (a full name, a named organization or group); `article` when its name is too weak to merge across articles (a surname alone, an unnamed role, a generic group like \"officials\").", False),
    Column("article_id", pa.string(), "The article of a speaker whose `scope` is `article`; null otherwise."),
    Column("names", _counted("name"), "The names it was given (`claims.speaker` and the naming mentions, e.g. \"Mr. Trump\"), with the number of claims for each, most frequent first.", False),
    Column("roles", _counted("role"), "The roles it was given (`claims.speaker_role`), with the number of claims for each, most frequent first.", False),
    Column("gender", pa.string(), "`female`, `male` or `unknown` for a person (see the README: pronouns and titles in the text first, then the first name); null for organizations and groups."),
    Column("gender_source", pa.string(), "What decided `gender`: `text` (pronouns, titles, role nouns referring to the speaker), `first_name` (the offline first-name resource), or null when unknown."),
    Column("articles_female", pa.int64(), "Articles whose words referring to the speaker mark them female: at least three times as many female cues as male ones (`claims.speaker_female_cues`, `speaker_male_cues`). Each article is one vote for `gender`.", False),
    Column("articles_male", pa.int64(), "Articles whose words referring to the speaker mark them male (three to one).", False),
    Column("n_claims", pa.int64(), "Claims attributed to the speaker.", False),
    Column("n_articles", pa.int64(), "Articles with at least one of its claims.", False),
    Column("n_quotes", pa.int64(), "Distinct quotations (`quotes`) among its claims: syndicated copies counted once.", False),
    Column("first_published", pa.date32(), "Publication date of its earliest article; null when no article has a date."),
    Column("last_published", pa.date32(), "Publication date of its latest article."),
])

QUOTES = _schema("One row per quotation across the dataset (`claims.quote_id`): the same words by the same speaker counted once however many articles carry them.", [
    Column("quote_id", pa.string(), "Stable id of the quotation: from its words (the smallest `claims.quote_key` among its wordings) and its speaker, so a copy printed later or earlier leaves it unchanged.", False),
    Column("speaker_id", pa.string(), "Who said it (`speakers.speaker_id`); null when no speaker was named."),
    Column("speaker", pa.string(), "The speaker's canonical name (`speakers.name`); empty when none was named.", False),
    Column("text", pa.string(), "The words as the earliest article printed them (`claims.content`).", False),
    Column("claim_type", pa.string(), "`direct` or `indirect`, as in its earliest article.", False),
    Column("first_claim_id", pa.string(), "The claim in the earliest article that carries it (`claims.claim_id`).", False),
    Column("first_article_id", pa.string(), "The earliest article that carries it (by publication date, then article id).", False),
    Column("first_published", pa.date32(), "Publication date of that article."),
    Column("last_published", pa.date32(), "Publication date of the latest article that carries it."),
    Column("n_claims", pa.int64(), "Claims with this `quote_id`.", False),
    Column("n_articles", pa.int64(), "Articles that carry it.", False),
    Column("n_sources", pa.int64(), "Distinct sources (`articles.source`) that carry it; articles without a source count as one unknown source.", False),
    Column("n_wordings", pa.int64(), "Distinct wordings after normalization (more than 1 when copies edited it).", False),
])

TABLES: dict[str, pa.Schema] = {
    "articles": ARTICLES,
    "claims": CLAIMS,
    "figures": FIGURES,
    "dates": DATES,
    "places": PLACES,
    "rejects": REJECTS,
    "runs": RUNS,
    "speakers": SPEAKERS,
    "quotes": QUOTES,
}

# Tables computed over the whole dataset when it is published (pipeline.export.corpus_tables).
CORPUS_TABLES: tuple[str, ...] = ("speakers", "quotes")

# Tables whose rows belong to one article (replaced together when an article is reprocessed).
ARTICLE_TABLES: tuple[str, ...] = ("articles", "claims", "figures", "dates", "places")


def data_dictionary_markdown() -> str:
    """The data dictionary as Markdown: one section and one table of columns per table."""
    out: list[str] = []
    for name, schema in TABLES.items():
        out.append(f"### `{name}`\n")
        out.append(schema.metadata[b"description"].decode() + "\n")
        out.append("| column | type | null | description |")
        out.append("|---|---|---|---|")
        for f in schema:
            desc = (f.metadata or {}).get(b"description", b"").decode().replace("|", "\\|")
            out.append(f"| `{f.name}` | {f.type} | {'yes' if f.nullable else 'no'} | {desc} |")
        out.append("")
    return "\n".join(out)


README_START = "<!-- data-dictionary:start -->"
README_END = "<!-- data-dictionary:end -->"


def with_data_dictionary(readme: str) -> str:
    """``readme`` with the text between the data-dictionary markers replaced by the current one."""
    head, _, rest = readme.partition(README_START)
    _, _, tail = rest.partition(README_END)
    return f"{head}{README_START}\n{data_dictionary_markdown().strip()}\n{README_END}{tail}"


if __name__ == "__main__":
    if "--markdown" in sys.argv[1:]:
        print(data_dictionary_markdown())
    elif "--update-readme" in sys.argv[1:]:
        from pathlib import Path

        readme = Path(__file__).resolve().parents[1] / "README.md"
        readme.write_text(with_data_dictionary(readme.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        for name, schema in TABLES.items():
            print(name, schema, sep="\n", end="\n\n")
