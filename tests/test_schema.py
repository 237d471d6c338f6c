"""The schema module: every table documented, the contract columns present, the dictionary rendered."""
import pyarrow as pa

from pipeline.schema import TABLES, data_dictionary_markdown

# The columns ../shared/eval/score.py reads (the output contract).
CONTRACT = {
    "articles": ["article_id", "doc_id", "title", "published", "text"],
    "claims": ["article_id", "content", "speaker", "speaker_mention", "speaker_role", "cue", "claim_type"],
    "figures": ["article_id", "surface", "value", "value_max", "unit", "currency", "approx", "change"],
    "dates": ["article_id", "surface", "start", "end", "date_start", "date_end"],
    "places": ["article_id", "surface", "start", "end", "country_code", "subdivision_code", "geonameid", "lat", "lon"],
}


def test_contract_columns_present():
    for table, cols in CONTRACT.items():
        missing = [c for c in cols if c not in TABLES[table].names]
        assert not missing, f"{table} lacks {missing}"


def test_every_column_has_a_description():
    for name, schema in TABLES.items():
        assert schema.metadata[b"description"]
        for field in schema:
            assert (field.metadata or {}).get(b"description"), f"{name}.{field.name} has no description"


def test_offsets_and_values_types():
    assert TABLES["figures"].field("value").type == pa.float64()
    assert TABLES["dates"].field("date_start").type == pa.date32()
    assert TABLES["places"].field("geonameid").type == pa.int64()


def test_data_dictionary_lists_every_column():
    md = data_dictionary_markdown()
    for name, schema in TABLES.items():
        assert f"### `{name}`" in md
        for field in schema:
            assert f"| `{field.name}` |" in md


def test_readme_data_dictionary_is_current():
    from pathlib import Path

    from pipeline.schema import with_data_dictionary

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert readme == with_data_dictionary(readme), "run: python -m pipeline.schema --update-readme"


def test_readme_architecture_table_names_every_part_of_pipeline():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Architecture", 1)[1].split("\n## ", 1)[0]
    parts = [f"`pipeline/{p.name}/`" if p.is_dir() else f"`pipeline/{p.name}`"
             for p in sorted((root / "pipeline").iterdir())
             if p.name != "__init__.py" and not p.name.startswith((".", "__pycache__"))]
    missing = [p for p in parts if p not in table]
    assert not missing, f"add to the README's architecture table: {missing}"
