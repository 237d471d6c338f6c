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
    Column("doc_id", pa.string(), "The input's own id: `id` of a JSONL/CSV record, else the file name without extension.", False),
    Column("title", pa.string(), "Headline: metadata title, else the first non-empty line of a text file."),
    Column("published", pa.date32(), "Publication date, from metadata or from the text (e.g. \"was first published March 22, 2023\")."),
    Column("source", pa.string(), "Publisher or wire service, when known."),
    Column("url", pa.string(), "Address of the article, when given."),
    Column("author", pa.string(), "Byline, when known."),
    Column("country", pa.string(), "ISO 3166-1 alpha-2 code of the article's main country (from the source and the places it names)."),
    Column("text", pa.string(), "The article body as analysed; every offset in the dataset points into it. Page boilerplate after the story is cut off.", False),
    Column("n_words", pa.int64(), "Number of word tokens in `text`.", False),
    Column("input_path", pa.string(), "The input file the article came from.", False),
    Column("input_format", pa.string(), "Format of the input: txt, html, jsonl or csv.", False),
    Column("record", pa.string(), "Line (JSONL) or row (CSV) of the record inside its file; null for whole files."),
    Column("content_hash", pa.string(), "SHA-256 of title, text and publication date: what changes when the article changes.", False),
    Column("extra", pa.string(), "Other fields of the input record, as a JSON object."),
    Column("pipeline_version", pa.string(), "Version of this pipeline that produced the rows.", False),
    Column("model", pa.string(), "Name and version of the spaCy model used.", False),
])

CLAIMS = _schema("One row per statement attributed to a speaker (direct quote or reported speech).", [
    Column("claim_id", pa.string(), "Stable id of the claim: a hash of the article id and the content's offsets.", False),
    _ARTICLE_REF,
    Column("claim_index", pa.int32(), "Position of the claim in its article (0-based, in text order).", False),
    Column("claim_type", pa.string(), "`direct` for a quotation, `indirect` for reported speech.", False),
    Column("content", pa.string(), "What was said: the quotation or the reported clause.", False),
    *_SPAN,
    Column("speaker", pa.string(), "Canonical speaker: the full name met in the article (\"Kirsten Hillman\", not \"she\"), or the organization or group; the mention itself when it could not be resolved; empty when the claim names no speaker.", False),
    Column("speaker_mention", pa.string(), "The words naming the speaker at the cue (e.g. \"she\", \"Hillman\")."),
    Column("speaker_start", pa.int64(), "Start offset of `speaker_mention` in `articles.text`."),
    Column("speaker_end", pa.int64(), "End offset of `speaker_mention` in `articles.text`."),
    Column("speaker_role", pa.string(), "Role or title given to the speaker in the article (\"Canada's ambassador to the U.S.\")."),
    Column("speaker_type", pa.string(), "`person`, `organization` or `group`; null when unknown."),
    Column("cue", pa.string(), "Lemma of the reporting verb or phrase (\"say\", \"acknowledge\", \"according to\"); empty when none was found.", False),
    Column("cue_start", pa.int64(), "Start offset of the cue in `articles.text`."),
    Column("cue_end", pa.int64(), "End offset of the cue in `articles.text`."),
    Column("content_spans", pa.list_(pa.list_(pa.int64())), "The content's pieces as `[start, end]` offsets into `articles.text`, in text order: one piece, or several when a quotation is interrupted by its cue (`content` is then the pieces joined by one space, without the cue; `start`/`end` are the outer bounds).", False),
    Column("cue_class", pa.string(), "What kind of attribution the cue makes: `speech` (said, told, wrote, according to), `thought` (believes, expects, hopes) or `stance` (supports, criticized, blamed); from the `[cue_classes]` lexicon in `models/lexicon/attribution.toml` (a cue it does not list: `speech` for a verb of saying, `thought` for a verb of thinking, else `stance`); null when no cue was found."),
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
])

REJECTS = _schema("One row per input record that was not processed, with the reason.", [
    Column("input_path", pa.string(), "The input file.", False),
    Column("record", pa.string(), "Line or row inside the file; null for a whole file."),
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
    Column("removed", pa.int64(), "Articles dropped because they disappeared from the input.", False),
    Column("rows_written", pa.string(), "Rows written per table, as a JSON object.", False),
    Column("pipeline_version", pa.string(), "Version of this pipeline.", False),
    Column("model", pa.string(), "Name and version of the spaCy model.", False),
])

TABLES: dict[str, pa.Schema] = {
    "articles": ARTICLES,
    "claims": CLAIMS,
    "figures": FIGURES,
    "dates": DATES,
    "places": PLACES,
    "rejects": REJECTS,
    "runs": RUNS,
}

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
