"""Gender: text cues first, the first-name resource second, unknown when weak or conflicting."""
from pipeline.corpus.first_names import FirstNames
from pipeline.corpus.gender import GenderSettings, decide, name_reading

S = GenderSettings(text_share=0.75, first_name_weight=2, first_name_probability=0.9, first_name_min_count=50)


def test_text_cues_decide():
    assert decide(3, 0, None, S) == ("female", "text")
    assert decide(0, 5, None, S) == ("male", "text")


def test_conflicting_or_missing_evidence_is_unknown():
    assert decide(2, 2, None, S) == ("unknown", None)
    assert decide(0, 0, None, S) == ("unknown", None)
    assert decide(1, 2, "female", S) == ("unknown", None)  # 3 against 2


def test_the_first_name_breaks_a_tie_of_the_text():
    assert decide(1, 1, "female", S) == ("female", "first_name")  # 3 against 1

def test_the_first_name_decides_without_text_and_cannot_outvote_clear_text():
    assert decide(0, 0, "female", S) == ("female", "first_name")
    assert decide(0, 4, "female", S) == ("unknown", None)      # 4 against 2: conflicting
    assert decide(0, 9, "female", S) == ("male", "text")       # the text outweighs the name


def test_name_reading_needs_a_confident_and_frequent_name():
    assert name_reading((0.99, 5000), S) == "female"
    assert name_reading((0.01, 5000), S) == "male"
    assert name_reading((0.6, 5000), S) is None      # Leslie, Jordan: shared
    assert name_reading((0.99, 3), S) is None        # too rare to trust
    assert name_reading(None, S) is None


def test_the_offline_resource_reads_common_first_names(tmp_path):
    names = FirstNames(tmp_path)
    found = names.lookup(["Hillary", "donald", "Zzyzxq", ""])
    assert name_reading(found["hillary"], S) == "female"
    assert name_reading(found["donald"], S) == "male"
    assert "zzyzxq" not in found
    assert list(tmp_path.glob("first-names-*.sqlite"))  # cached for the next run
    assert FirstNames(tmp_path).lookup(["Mary"])["mary"][0] > 0.9


def test_the_resource_answers_from_any_thread(tmp_path):
    import threading

    names = FirstNames(tmp_path)
    assert "hillary" in names.lookup(["Hillary"])  # opened in this thread
    found = {}
    worker = threading.Thread(target=lambda: found.update(names.lookup(["Donald", "Hillary"])))
    worker.start()
    worker.join()
    assert set(found) == {"donald", "hillary"}
