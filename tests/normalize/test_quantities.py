"""The figures normalizer (pure functions; token dicts written by hand where a noun is counted)."""
import pytest

from pipeline.normalize.quantities import has_number, normalize_sentence, words_to_number
from pipeline.normalize.units import dollar_currency, lookup_unit


def tok(text: str, spec: list[tuple[str, str, str]]) -> list[dict]:
    """Token dicts for ``text`` from (word, lemma, pos) triples, offsets found left to right."""
    out, pos = [], 0
    for word, lemma, tag in spec:
        start = text.index(word, pos)
        out.append({"start": start, "end": start + len(word), "text": word, "lemma": lemma, "pos": tag})
        pos = start + len(word)
    return out


def one(text: str, **kw) -> dict:
    figs = normalize_sentence(text, **kw)
    assert len(figs) == 1, figs
    return figs[0]


def test_words_to_number() -> None:
    assert words_to_number("twenty-eight thousand six hundred forty-two") == 28642
    assert words_to_number("a dozen") == 12
    assert words_to_number("two billion") == 2e9
    assert words_to_number("a") is None


def test_sentence_without_numbers_is_skipped() -> None:
    assert not has_number("Nobody said anything at all.")
    assert normalize_sentence("Nobody said anything at all.") == []


def test_counted_noun_and_more_than() -> None:
    text = "More than 39,000 claims were filed in 2022 by people intercepted by the RCMP."
    tokens = tok(text, [("More", "more", "ADJ"), ("than", "than", "ADP"), ("39,000", "39,000", "NUM"),
                        ("claims", "claim", "NOUN"), ("were", "be", "AUX")])
    fig = one(text, tokens=tokens)  # the year 2022 is not a figure
    assert (fig["value"], fig["unit"], fig["approx"], fig["surface"]) == (39000, "claim", ">", "39,000 claims")


def test_scale_word_nearly_and_quoted_noun() -> None:
    text = 'Agents reported nearly 2.4 million "encounters" in fiscal 2022.'
    tokens = tok(text, [("2.4", "2.4", "NUM"), ("million", "million", "NUM"), ('"', '"', "PUNCT"),
                        ("encounters", "encounter", "NOUN")])
    fig = one(text, tokens=tokens)
    assert (fig["value"], fig["unit"], fig["approx"]) == (2_400_000, "encounter", "~")


def test_bare_dollar_follows_the_article_context() -> None:
    text = "Canada agreed to spend $26.9 million on the program."
    assert one(text, context={"source": "The Canadian Press"})["currency"] == "CAD"
    assert one(text, context={"country": "CA"})["currency"] == "CAD"
    fig = one(text, context={})
    assert (fig["value"], fig["unit"], fig["currency"]) == (26_900_000, "dollar", "USD")


@pytest.mark.parametrize("text, unit, currency", [
    ("The bill came to C$40 in the end.", "dollar", "CAD"),
    ("The bill came to A$40 in the end.", "australian dollar", "AUD"),
    ("The bill came to €40 in the end.", "euro", "EUR"),
    ("The bill came to £40 in the end.", "pound sterling", "GBP"),
    ("The bill came to 40 euros in the end.", "euro", "EUR"),
])
def test_currency_variants(text: str, unit: str, currency: str) -> None:
    fig = one(text)
    assert (fig["value"], fig["unit"], fig["currency"]) == (40, unit, currency)


def test_per_unit_rate() -> None:
    fig = one("Oil settled at US$58.24 per barrel on Friday.")
    assert (fig["value"], fig["unit"], fig["per_unit"], fig["currency"]) == (58.24, "dollar per barrel", "barrel", "USD")


def test_percent_change_and_level() -> None:
    figs = normalize_sentence("The index rose 0.65 per cent to 27,349.19 on Monday.")
    assert [(f["value"], f["unit"], f["change"]) for f in figs] == [(0.65, "percentage", "up"), (27349.19, None, None)]
    (fig,) = normalize_sentence("Rates fell 2 percentage points last year.")
    assert (fig["unit"], fig["change"]) == ("percentage point", "down")


def test_ranges() -> None:
    fig = one("The fine could reach $3 billion to $5 billion.")
    assert (fig["value"], fig["value_max"], fig["unit"]) == (3e9, 5e9, "dollar")
    fig = one("Wind gusts reached 15-22 miles per hour overnight.")
    assert (fig["value"], fig["value_max"], fig["unit"]) == (15, 22, "mile per hour")
    fig = one("There were four to five thousand fans outside.")
    assert (fig["value"], fig["value_max"]) == (4000, 5000)


def test_plural_scale_words_and_dozen() -> None:
    fig = one("Dozens of volunteers showed up.")
    assert (fig["value"], fig["value_max"]) == (12, 120)
    assert one("She bought a dozen eggs.")["value"] == 12


def test_not_figures_years_dates_times_ordinals_names() -> None:
    for text in ("The treaty was signed in 2002 and implemented in 2004.",
                 "The report was first published March 22, 2023.",
                 "The meeting starts at 10:30 and ends at 5 pm.",
                 "It was the 22nd amendment to the constitution.",
                 "They discussed the Safe Third Country Agreement.",
                 "Cases of COVID-19 went unreported."):
        assert normalize_sentence(text) == [], text


def test_approximation_cues() -> None:
    assert one("The grant is worth up to $8 million.")["approx"] == "<"
    assert one("Some 300 residents were evacuated.")["approx"] == "~"
    assert one("The bridge is at least 74 metres long.")["approx"] == ">"


def test_unit_vocabulary() -> None:
    assert lookup_unit("km") == ("kilometre", "length")
    assert lookup_unit("mph")[0] == "mile per hour"
    assert lookup_unit("%") == ("percentage", "percentage")
    assert lookup_unit("the") is None
    assert dollar_currency("AU", None) == "AUD"
    assert dollar_currency(None, None) == "USD"


def test_inflect_is_imported_without_typeguard_instrumentation() -> None:
    import subprocess
    import sys

    code = ("import sys, typeguard; from pipeline.normalize.units import import_inflect_unchecked, lookup_unit; "
            "original = typeguard.typechecked; import_inflect_unchecked(); "
            "import inflect; assert typeguard.typechecked is original; "
            "assert inflect.engine().plural('claim') == 'claims'; "
            "print(lookup_unit('kilometres'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "kilometre" in out
