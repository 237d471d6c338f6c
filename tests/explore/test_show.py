"""`claims show`: finding an article by any id, and printing it with its claims marked."""
import pytest
from rich.console import Console

from pipeline.cli import main
from pipeline.explore.show import ArticleNotFound, find_article, marked_text, show_article
from pipeline.explore.sql import connect


def test_find_by_article_id_doc_id_or_prefix(dataset):
    con = connect(dataset)
    assert find_article(con, "a-seed")["doc_id"] == "000_seed"
    assert find_article(con, "000_seed")["article_id"] == "a-seed"
    assert find_article(con, "evil")["article_id"] == "b-evil"


def test_ambiguous_and_unknown_ids_are_explained(dataset):
    con = connect(dataset)
    with pytest.raises(ArticleNotFound, match="2 articles start with 'a'|give more"):
        find_article(con, "")
    with pytest.raises(ArticleNotFound, match="did you mean: 000_seed"):
        find_article(con, "000_sed")


def _styled(text, needle):
    """Styles applied to the first occurrence of ``needle`` in a rich Text."""
    start = text.plain.index(needle)
    return {str(s.style) for s in text.spans if s.start <= start and s.end >= start + len(needle)}


def test_marked_text_numbers_claims_and_styles_spans():
    text = "Ann said taxes rose 5%. \"No,\" Bob said."
    claims = [
        dict(start=9, end=22, speaker_start=0, speaker_end=3, cue_start=4, cue_end=8),
        dict(start=24, end=29, speaker_start=30, speaker_end=33, cue_start=34, cue_end=38),
        dict(start=15, end=22, speaker_start=None, speaker_end=None, cue_start=None, cue_end=None),
    ]
    out = marked_text(text, claims, [("figure", 20, 22)])
    assert out.plain == "Ann said [1]taxes [3]rose 5%. [2]\"No,\" Bob said."
    assert any("magenta" in s for s in _styled(out, "Ann"))
    assert any("cyan" in s for s in _styled(out, "said"))
    assert any("green" in s for s in _styled(out, "5%"))


def test_show_prints_text_literally_and_lists_spans(dataset):
    console = Console(record=True, width=120, force_terminal=False)
    show_article(connect(dataset), "evil<1>", console=console)
    out = console.export_text()
    assert "[bold]taxes[/bold]" in out  # not taken for rich markup
    assert "<script>alert('s')</script>" in out
    assert "Figures" in out and "percentage" in out and "Paris" in out
    console = Console(record=True, width=120)
    show_article(connect(dataset), "a-seed", console=console, show_text=False)
    out = console.export_text()
    assert "[1]" not in out and "$26.9 million" in out and "CA-ON" in out and "Thursday" in out


def test_show_command_exit_codes(dataset, tmp_path, capsys):
    assert main(["show", str(dataset), "000_seed", "--color", "never", "--width", "100"]) == 0
    assert "Kirsten Hillman" in capsys.readouterr().out
    assert main(["show", str(dataset), "nothing-like-it"]) == 2
    err = capsys.readouterr().err
    assert "claims sql" in err and str(dataset) in err
    assert main(["show", str(tmp_path / "none"), "x"]) == 2
    assert "claims run" in capsys.readouterr().err
