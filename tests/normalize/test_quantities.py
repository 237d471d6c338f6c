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


def test_rate_words_after_a_number() -> None:
    fig = one("Vancouver hosts one 52,000 barrel-a-day refinery.",
              tokens=tok("Vancouver hosts one 52,000 barrel-a-day refinery.",
                         [("52,000", "52,000", "NUM"), ("barrel", "barrel", "NOUN"), ("-", "-", "PUNCT"),
                          ("a", "a", "DET"), ("-", "-", "PUNCT"), ("day", "day", "NOUN")]))
    assert (fig["value"], fig["unit"]) == (52000, "barrel per day")
    # "a year earlier" dates the figure; it is not a rate.
    figs = normalize_sentence("Revenue rose to $7.36 billion from $6.78 billion a year earlier.")
    assert [f["unit"] for f in figs] == ["dollar", "dollar"]
    assert one("Natural gas settled at US$2.24 per mmBTU.")["unit"] == "dollar per mega british thermal unit"


def test_change_idioms_and_fundraising() -> None:
    figs = normalize_sentence("Nintendo plunged 4.28 percent to 28,030 yen.")
    assert [(f["value"], f["change"]) for f in figs] == [(4.28, "down"), (28030, None)]
    assert one("The frigid atmosphere can dip down to minus 130 degrees.")["change"] == "down"
    assert one("It all boils down to $21.25 per square foot.")["change"] is None
    assert one("He has raised $280 million so far.")["change"] is None
    assert one("The firm raised prices by 5 per cent.")["change"] == "up"


def test_from_to_range_with_words_between() -> None:
    fig = one("Bitcoin plummeted from $36,040 at 10.45pm last night to $34,935 at 5am.")
    assert (fig["value"], fig["value_max"], fig["unit"]) == (36040, 34935, "dollar")
    fig = one("WTI has dropped from $75 U.S. per barrel to $45.88 on December 20.")
    assert (fig["value"], fig["value_max"], fig["unit"]) == (75, 45.88, "dollar per barrel")
    # Without "from" the two figures stay apart.
    assert len(normalize_sentence("It sold $75 in March and in April to $45 buyers.")) == 2


def test_bare_number_takes_a_neighbouring_unit() -> None:
    figs = normalize_sentence("Mileage went from about 14-18 mpg to 24 for SUVs.")
    assert [(f["value"], f["value_max"], f["unit"]) for f in figs] == [(14, 18, "mile per gallon"),
                                                                      (24, None, "mile per gallon")]
    figs = normalize_sentence("He has only raised 280 million of the 1.5 billion shekels he needs.")
    assert [(f["value"], f["unit"]) for f in figs] == [(280e6, "shekel"), (1.5e9, "shekel")]
    figs = normalize_sentence("Buyers get 7- or 8-inch touchscreens.")
    assert [(f["value"], f["unit"]) for f in figs] == [(7, "inch"), (8, "inch")]
    figs = normalize_sentence("The DAX increased by 2 percent but the Nasdaq decreased by 1.")
    assert [(f["value"], f["unit"], f["change"]) for f in figs] == [(2, "percentage", "up"), (1, "percentage", "down")]
    # A level reached is not a change amount and keeps no unit.
    figs = normalize_sentence("The index rose 0.65 per cent to 27,349.19 on Monday.")
    assert figs[1]["unit"] is None


def test_temperatures_class_labels_ranks_and_tied_scores() -> None:
    assert one("Ice has a 12 C melting point.")["unit"] == "celsius"
    assert one("Overnight it fell to minus 5 C.")["value"] == -5
    assert normalize_sentence("The category 4 hurricane made landfall.") == []
    assert normalize_sentence("Thompson's layup tied Game 7 at 89-89.") == []
    assert normalize_sentence("West Ham have slipped towards the bottom three.") == []


def test_ages_without_an_age_word_after_them() -> None:
    assert one("The squad had no player over the age of 21.")["unit"] == "year of age"
    assert one("Life expectancy for men in Glasgow is around 73.")["unit"] == "year of age"
    assert one("She turns 35 next week.")["unit"] == "year of age"
    assert one("She shared a house with her now-18 month-old daughter.")["unit"] == "month of age"
    assert one("The page turned 200 times.")["unit"] == "count"


def test_proportions_read_as_fractions() -> None:
    assert one("One out of three Germans have housing problems.")["value"] == pytest.approx(1 / 3)
    assert one("Nearly one in five adults saves nothing.")["value"] == pytest.approx(0.2)
    # A unit after the second number makes it a count of that unit, not a proportion.
    assert [f["value"] for f in normalize_sentence("He scored 2 goals in 3 minutes.")] == [2, 3]


def test_gapped_verb_repeats_the_change() -> None:
    figs = normalize_sentence("Ross was down 2.3%, Burlington by 2.6% and Foot Locker was down 1.9%.")
    assert [f["change"] for f in figs] == ["down", "down", "down"]
    figs = normalize_sentence("Sales rose 5% in 2019, helped by 3 stores.")
    assert [f["change"] for f in figs] == ["up", None]


def test_compound_unit_symbols() -> None:
    assert lookup_unit("A/cm2") == ("ampere per square centimetre", "current per area")
    assert lookup_unit("mg/dL")[0] == "milligram per decilitre"
    assert lookup_unit("and/or") is None and lookup_unit("league") is None
    fig = one("The cell reached a current density of 1.3 A/cm2 to 0.03 A/cm2.")
    assert (fig["value"], fig["value_max"], fig["unit"]) == (1.3, 0.03, "ampere per square centimetre")


def test_the_figure_words_come_from_the_lexicon_and_a_broken_one_is_named(edited_copy):
    from pipeline.normalize.quantities import LEXICON_FILE, figure_words

    words = figure_words()
    assert words.ones["seventeen"] == 17 and words.tens["ninety"] == 90 and words.scales["crore"] == 1e7
    assert {"sub", "minus", "mid"} <= words.hyphen_prefixes and "share" in words.per_words
    assert words.months[:2] == ("jan", "january") and "sept" in words.months
    assert "tall" in words.measure_adjectives and "celsius" in words.temperature_words
    assert words.minor_units["euro"] == ("cent", 100.0)
    assert words_to_number("twenty-eight thousand six hundred") == 28600
    bad = edited_copy(LEXICON_FILE, "per_words =", "per =")
    with pytest.raises(RuntimeError, match=r"the figures lexicon in .*figures.toml.*'per_words'"):
        figure_words(str(bad))
    bad.write_text("[numbers.ones]\none = \n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="figures.toml"):
        figure_words(bad)


def test_scales_fractions_comparators_and_change_words_come_from_the_lexicon():
    from pipeline.normalize.quantities import figure_words

    words = figure_words()
    assert words.scales["hundred"] == 100 and words.scales["dozen"] == 12
    assert words.scale_abbreviations["bn"] == 1e9 and words.scale_abbreviations["k"] == 1e3
    assert words.plural_scales["dozens"] == (12, 120) and words.fractions["thirds"] == 2 / 3
    assert "upwards of" in words.more_than and "shy of" in words.less_than and "approx." in words.approximately
    assert "rose" in words.up and "slumped" in words.down and "gave" in words.not_up_after
    assert "category" in words.class_nouns and "nearly" in words.half_cues and "people" in words.invariant_plurals
    assert "including" in words.ellipsis_links and "The" in words.not_name_words
    # What the lexicon holds is what the normalizer reads.
    assert one("Sales were 4.5 crore rupees.")["value"] == 4.5e7
    assert one("It cost 25K to build.")["value"] == 25e3
    assert one("Tens of thousands of people came.")["value"] == 1e4
    assert one("Shares are upwards of 40 dollars.")["approx"] == ">"
    assert one("It sells for shy of 40 dollars.")["approx"] == "<"
    assert one("Prices slumped 4% last week.")["change"] == "down"
    assert normalize_sentence("The team gave up 5 goals.")[0]["change"] is None
    assert one("Almost half of them left.")["value"] == 0.5 and has_number("half of them")


@pytest.mark.parametrize("section, key", [("scale_abbreviations", None), ("plural_scales", None),
                                          ("fractions", None), ("comparators", "more_than"),
                                          ("comparators", "approximately"), ("change", "not_up_after"),
                                          ("words", "compound_scales"), ("words", "fraction_cues"),
                                          ("words", "half_cues"), ("words", "ellipsis_links"),
                                          ("words", "not_counted_after"), ("change", "links"),
                                          ("change", "down_idioms"), ("currency_marks", None),
                                          ("currency_marks", "dollar_before"), ("currency_marks", "dotted"),
                                          ("currency_marks", "dollar_qualifiers"), ("code_scales", None),
                                          ("prime_marks", None), ("not_figures", None),
                                          ("not_figures", "name_labels"), ("not_figures", "clock_words"),
                                          ("not_figures", "street_words"), ("not_figures", "street_saints"),
                                          ("not_figures", "eras"), ("not_figures", "year_prepositions"),
                                          ("not_figures", "rank_words"), ("ranges", "separators"),
                                          ("ranges", "openers"), ("age", "units"), ("age", "before"),
                                          ("age", "a_few_words_before"), ("age", "hedges"),
                                          ("ranges", "point_links"), ("ranges", "point_closes"),
                                          ("ranges", "ratio_words"), ("of_phrases", None),
                                          ("of_phrases", "unit_qualifiers"), ("of_phrases", "fraction_determiners"),
                                          ("of_phrases", "one_of_determiners"), ("of_phrases", "one_of_intensifiers"),
                                          ("of_phrases", "part_of_determiners"), ("percent", None),
                                          ("percent", "words"), ("percent", "abbreviations"), ("percent", "points"),
                                          ("rates", None),
                                          ("rates", "explicit"), ("rates", "implicit"), ("rates", "hyphened")])
def test_a_figures_lexicon_lacking_a_word_list_is_named(section, key, edited_copy):
    from pipeline.normalize.quantities import LEXICON_FILE, figure_words

    old, new = (f"[{section}]\n", f"[{section}_gone]\n") if key is None else (f"\n{key} =", f"\n{key}_gone =")
    bad = edited_copy(LEXICON_FILE, old, new)
    with pytest.raises(RuntimeError, match=rf"the figures lexicon in .*figures.toml.*'{key or section}'"):
        figure_words(str(bad))


def test_percent_and_rate_words_come_from_the_lexicon():
    from pipeline.normalize.quantities import figure_words

    words = figure_words()
    assert "per cent" in words.percent_words and words.percent_abbreviations == ("pct",)
    assert words.rate_explicit == ("per",) and "each" in words.rate_implicit and "a" in words.rate_hyphened
    # What the lexicon holds is what the normalizer reads.
    assert [one(f"Sales rose 5 {w}.")["unit"] for w in ("pct", "per cent", "per\ncent", "percent")] == \
        ["percentage"] * 4
    assert one("One in five adults saves nothing.")["value"] == pytest.approx(0.2)
    assert words.percent_points == ("percentage point",)
    assert [one(f"Rates fell 2 {w} in May.")["unit"] for w in ("percentage points", "percentage-point", "percentage\npoints")] \
        == ["percentage point"] * 3
    assert one("One in five per cent of them.")["unit"] == "percentage"
    assert one("It costs $5 each day.")["per_unit"] == "day" and one("It earned $2-a-share.")["per_unit"] == "share"
    # after "per" any word is the unit, after "a" only a unit or a per-unit word
    assert one("It sold 3 tons per gizmo.")["unit"] == "ton per gizmo" and one("It sold 3 tons a gizmo.")["unit"] == "ton"


def test_currency_marks_street_clock_range_and_age_words_come_from_the_lexicon():
    from pipeline.normalize.quantities import NAME_LABELS, figure_words

    words = figure_words()
    assert "NZ" in words.currency_dollar_before and "Rs" in words.currency_dotted
    assert "PS" in words.currency_before_digit
    assert words.code_scales["MM"] == 1e6 and words.prime_marks["′"] == ("foot", "length")
    assert "ORG" in NAME_LABELS and "GMT" in words.clock_words and "Terrace" in words.street_words
    assert "BCE" in words.eras and "through" in words.range_separators and "turning" in words.age_before
    # What the lexicon holds is what the normalizer reads.
    assert one("It cost NZ$ 40 to build.")["currency"] == "NZD"
    assert one("It cost Rs. 400 to build.")["currency"] == "INR"
    assert one("It cost $40 U.S. to build.")["surface"] == "$40 U.S."
    assert one("Profit was 30 MUSD last year.")["value"] == 30e6
    assert one('The board is 10" wide.')["unit"] == "inch"
    assert normalize_sentence("They met at 9 GMT on Friday.") == []
    assert normalize_sentence("The office is at 22 Ave Foch in Paris.") == []
    assert normalize_sentence("The wall was built in 300 BCE by them.") == []
    fig = one("Prices ranged from 5 through 10 dollars.")
    assert (fig["value"], fig["value_max"]) == (5, 10)
    assert one("The man, who turns 40 next week, came.")["unit"] == "year of age"
    assert one("Stocks rose an average of 5% in May.")["change"] == "up"
    assert one("It all boils down to 5 votes.")["change"] is None
    assert one("Nine out of 10 dentists agree.")["value"] == 0.9
    fig = one("Add 1/16 of a US pint of milk.")
    assert (fig["surface"], fig["unit"]) == ("1/16 of a US pint", "pint")
    assert [f["unit"] for f in normalize_sentence("The index fell 200 points to close at 5,000.")] == ["point", "point"]


def test_the_unit_vocabulary_comes_from_the_lexicon_and_a_broken_one_is_named(tmp_path):
    from pipeline.normalize.units import UNITS_LEXICON, currency_prefix, currency_word, unit_words

    words = unit_words()
    assert words.currency_prefixes["us$"] == ("dollar", "USD") and words.currency_prefixes["$"] == ("dollar", None)
    assert words.currency_words["shekels"] == ("shekel", "ILS") and words.dollar_units["AUD"] == "australian dollar"
    assert words.dollar_by_country["CA"] == "CAD" and words.dollar_by_source["the canadian press"] == "CAD"
    assert {"league", "am", "K"} <= words.symbol_blocklist and words.cased_units["HP"] == "horsepower"
    assert words.extra_units["km/h"] == "kilometre per hour" and words.extra_dimensions["celsius"] == "temperature"
    assert currency_prefix("C$") == ("dollar", "CAD") and currency_word("Euros") == ("euro", "EUR")
    assert dollar_currency("AU", None) == "AUD" and lookup_unit("bps") == ("basis point", "percentage")
    bad = tmp_path / "units.toml"
    shipped = UNITS_LEXICON.read_text(encoding="utf-8")
    bad.write_text(shipped.replace("[dollar.by_country]", "[dollar.countries]"), encoding="utf-8")
    with pytest.raises(RuntimeError, match=r"the unit vocabulary in .*units.toml.*'by_country'"):
        unit_words(str(bad))
    bad.write_text(shipped.replace('"chf" = ["swiss franc", "CHF"]', '"chf" = []'), encoding="utf-8")
    with pytest.raises(RuntimeError, match=r"units.toml.*a currency is \[unit name\]"):
        unit_words(str(bad))
