"""The attribution lexicon (``models/lexicon/attribution.toml``) as one typed record.

Every word list the attribution rules read lives in the TOML file; this module only reads it
into frozensets and derives the combined lists, and classifies a cue as speech, thought or
stance (``claims.cue_class``).
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from pipeline.nlp import MODELS_DIR

DEFAULT_LEXICON = MODELS_DIR / "lexicon" / "attribution.toml"
CUE_CLASSES: tuple[str, ...] = ("speech", "thought", "stance")


@dataclass(frozen=True)
class Lexicon:
    """The cue words of the rules, and the class of every listed cue."""

    speech_verbs: frozenset[str]
    thought_verbs: frozenset[str]
    object_verbs: frozenset[str]
    colon_verbs: frozenset[str]
    complement_verbs: frozenset[str]
    prep_cues: frozenset[tuple[str, ...]]
    not_speakers: frozenset[str]
    phrase_cues: tuple[tuple[tuple[str, ...], str], ...]
    short_quote_cues: frozenset[str]
    surface_pronouns: frozenset[str]
    nominal_cues: frozenset[str]
    nominal_preps: frozenset[str]
    target_verbs: frozenset[str]
    trailing_marks: frozenset[str]
    source_prefixes: tuple[str, ...]
    cue_classes: dict[str, str]

    @property
    def clause_verbs(self) -> frozenset[str]:
        """Verbs that cue a clausal complement: speech and thought verbs."""
        return self.speech_verbs | self.thought_verbs

    @property
    def phrase_starts(self) -> frozenset[str]:
        """First words of the phrase cues ("according" of "according to")."""
        return frozenset(words[0] for words, _ in self.phrase_cues)

    def cue_class(self, cue: str | None, found_as: str | None = None) -> str | None:
        """``speech``, ``thought`` or ``stance`` for a cue lemma; None when there is no cue.

        A cue the ``cue_classes`` table does not list takes the class of the list it was found
        through (``found_as``: "speech" for a speech verb, "thought" for a thought verb), else
        ``stance``.
        """
        if not cue:
            return None
        key = cue.lower().strip()
        if key in self.cue_classes:
            return self.cue_classes[key]
        if found_as in CUE_CLASSES:
            return found_as
        if key in self.speech_verbs:
            return "speech"
        if key in self.thought_verbs:
            return "thought"
        return "stance"


def _words(raw: dict, key: str) -> frozenset[str]:
    return frozenset(w.lower() for w in raw.get(key, ()))


def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """Read the attribution lexicon (TOML) at ``path`` (default: the shipped one)."""
    path = Path(path or DEFAULT_LEXICON)
    try:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"attribution lexicon {path}: cannot be read ({exc}); "
                         f"fix the file or pass another lexicon path") from exc
    weak = _words(raw, "weak_cues")
    stance_preps = frozenset(tuple(p.split()) for p in raw.get("stance_preps", ()))
    classes: dict[str, str] = {}
    for cls in CUE_CLASSES:
        for word in raw.get("cue_classes", {}).get(cls, ()):
            other = classes.setdefault(word.lower(), cls)
            if other != cls:
                raise ValueError(f"attribution lexicon {path}: cue {word!r} is listed as both "
                                 f"{other} and {cls} in [cue_classes]; keep it in one list")
    return Lexicon(
        speech_verbs=_words(raw, "speech_verbs"),
        thought_verbs=_words(raw, "thought_verbs") - weak,
        object_verbs=_words(raw, "object_verbs"),
        colon_verbs=_words(raw, "colon_verbs"),
        complement_verbs=(_words(raw, "complement_verbs") | _words(raw, "stance_verbs")
                          | frozenset(verb for verb, _ in stance_preps)) - weak,
        prep_cues=frozenset(tuple(p.split()) for p in raw.get("prep_cues", ())) | stance_preps,
        not_speakers=_words(raw, "not_speakers"),
        phrase_cues=tuple((tuple(w.lower() for w in p["words"]), p["cue"]) for p in raw.get("phrase_cues", ())),
        short_quote_cues=_words(raw, "short_quote_cues"),
        surface_pronouns=_words(raw, "surface_pronouns"),
        nominal_cues=_words(raw, "nominal_cues"),
        nominal_preps=_words(raw, "nominal_preps"),
        target_verbs=_words(raw, "target_verbs"),
        trailing_marks=_words(raw, "trailing_marks"),
        source_prefixes=tuple(w.lower() for w in raw.get("source_prefixes", ())),
        cue_classes=classes,
    )
