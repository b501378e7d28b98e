"""The language of a document, as a base ISO 639-1 code, and where that answer came from.

Order (``document_language``): metadata supplied with the item (a sidecar, a feed's ``<language>``, a
Google News sitemap) wins; then what the page declares (``<html lang>``, Content-Language, ``og:locale``);
then py3langid on the cleaned text. A declaration is overruled only when the text is long and the
detector is near certain of another language (templates that say ``lang="en"`` on every page are
common). Codes are normalised: ``en-US`` → ``en``, ``deu``/``ger`` → ``de``, legacy ``iw`` → ``he``;
``und``, ``mul``, ``x-default`` and anything unrecognisable → none.

What it is not: it stores nothing and touches no network; the detector's model ships inside the
py3langid wheel and is loaded from it once per process, from memory when no temporary file can be
written (a full disk); if it cannot be loaded at all, cleaning the item fails with
``CleanError("language_model")``, is recorded as a failure, and a later run cleans it again.
"""

from __future__ import annotations

import functools
import lzma
import re
from typing import NamedTuple

from wiredesk.domain.errors import CleanError

#: The text must have this many characters before the detector may overrule a declared language, and
#: the detector must be this sure (normalised probability).
OVERRULE_MIN_CHARS = 400
OVERRULE_MIN_PROBABILITY = 0.999
#: Below this many letters the detector is not asked at all (a caption or a title alone says little).
DETECT_MIN_CHARS = 20
#: The detector reads at most this much text (its answer is stable long before; its cost grows with it).
DETECT_MAX_CHARS = 800

# ISO 639-2/3 codes (bibliographic and terminological) of the languages news is mostly written in,
# and the legacy 639-1 codes still seen in the wild, mapped to today's ISO 639-1.
_ALIASES = {
    "ara": "ar", "bul": "bg", "cat": "ca", "ces": "cs", "cze": "cs", "dan": "da", "deu": "de", "ger": "de",
    "ell": "el", "gre": "el", "eng": "en", "spa": "es", "est": "et", "eus": "eu", "baq": "eu", "fas": "fa",
    "per": "fa", "fin": "fi", "fra": "fr", "fre": "fr", "gle": "ga", "glg": "gl", "heb": "he", "hin": "hi",
    "hrv": "hr", "hun": "hu", "ind": "id", "isl": "is", "ice": "is", "ita": "it", "jpn": "ja", "kor": "ko",
    "lit": "lt", "lav": "lv", "msa": "ms", "may": "ms", "nld": "nl", "dut": "nl", "nor": "no", "nob": "nb",
    "nno": "nn", "pol": "pl", "por": "pt", "ron": "ro", "rum": "ro", "rus": "ru", "slk": "sk", "slo": "sk",
    "slv": "sl", "srp": "sr", "swe": "sv", "tha": "th", "tur": "tr", "ukr": "uk", "urd": "ur", "vie": "vi",
    "zho": "zh", "chi": "zh", "iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro",
}
_CODE = re.compile(r"^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*\s*$")
_NOT_A_LANGUAGE = {"und", "mul", "zxx", "mis", "xx"}


class Language(NamedTuple):
    """A language code and its source: ``supplied``, ``declared``, ``detected`` or ``None``."""

    code: str | None
    source: str | None


def normalize_language(value: str | None) -> str | None:
    """A base ISO 639-1 code from a language tag (``en-US``, ``de_DE``, ``deu``), or ``None``."""
    if not value:
        return None
    m = _CODE.match(value)
    if not m:
        return None
    code = m.group(1).lower()
    if code in _NOT_A_LANGUAGE:
        return None
    code = _ALIASES.get(code, code)
    return code if len(code) == 2 else None


@functools.cache
def _identifier():
    """py3langid's identifier with normalised probabilities, from the model inside its wheel. Cached
    because it is read-only once made.

    The model is unpacked once (its ``.npz`` inside LZMA, 68 MB, about half a second) in memory, never
    through a temporary file, so the language never depends on free disk space; the unpacked tables are
    kept in the per-user cache (``wiredesk.domain.datacache``), from which each later process reads them in
    a few hundredths of a second (a run's pool workers each need them). A load that fails raises and is
    not cached.
    """
    # late: the model and its library load only when a document needs detection (and once per process)
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    from wiredesk.domain.datacache import cached  # late with the model: reads and writes the user's cache

    path = MODEL_DIR / MODEL_FILE
    ptc, pc, classes, nextmove, row, output = cached("langid", (__file__, str(path)), (),
                                                     lambda: _model_tables(path))
    return LanguageIdentifier(_array(ptc), _array(pc), classes, _ints(nextmove), output, norm_probs=True,
                              tk_row=_ints(row))


def _model_tables(path) -> tuple:
    """py3langid's model as plain values (what ``cached`` keeps): numpy arrays as (dtype, shape, bytes),
    the automaton's integer arrays as (type code, bytes)."""
    ptc, pc, classes, nextmove, row, output = _load_model_in_memory(path)
    return ((str(ptc.dtype), ptc.shape, ptc.tobytes()), (str(pc.dtype), pc.shape, pc.tobytes()), classes,
            (nextmove.typecode, nextmove.tobytes()), (row.typecode, row.tobytes()), output)


def _array(value):
    import numpy as np  # late: loaded with the model

    dtype, shape, data = value
    return np.frombuffer(data, dtype=dtype).reshape(shape)  # read-only, like the identifier's use of it


def _ints(value):
    from array import array  # late: loaded with the model

    typecode, data = value
    out = array(typecode)
    out.frombytes(data)
    return out


_TYPECODES = {2: "H", 4: "I", 8: "L"}


def _load_model_in_memory(path):
    """py3langid 0.4's model file (an ``.npz`` inside LZMA) read without writing a file."""
    # late: only the full-disk fallback needs these
    import io
    from array import array
    import numpy as np

    def as_array(values):
        out = array(_TYPECODES[values.dtype.itemsize])
        out.frombytes(memoryview(np.ascontiguousarray(values)).cast("B"))
        return out

    with np.load(io.BytesIO(lzma.decompress(path.read_bytes())), allow_pickle=False) as data:
        return (np.asarray(data["ptc"]), np.asarray(data["pc"]), data["classes"].tolist(),
                as_array(data["nextmove"]), as_array(data["nextmove_row"]), data["out_feat"].tolist())


def detect_language(text: str) -> tuple[str | None, float]:
    """py3langid's best language for ``text`` and its probability; ``(None, 0.0)`` for too little text."""
    sample = text[:DETECT_MAX_CHARS]
    if sum(c.isalpha() for c in sample[:200]) < DETECT_MIN_CHARS:
        return None, 0.0
    try:
        identifier = _identifier()
    except (OSError, ValueError, lzma.LZMAError) as exc:
        # the model could not be loaded at all (not even in memory): the item fails as a whole (and a
        # rerun cleans it again) rather than being stored without its language for good, since an
        # unchanged item is never cleaned again
        raise CleanError("language_model", f"the language model could not be loaded: {exc}") from exc
    code, probability = identifier.classify(sample)
    return normalize_language(code), float(probability)


def document_language(text: str, *, supplied: str | None = None, declared: str | None = None) -> Language:
    """The document's language: supplied metadata, else the page's declaration, else detection on ``text``.

    A declaration loses to the detector only on a long text the detector is near certain about. Raises
    ``CleanError("language_model")`` when the detector's model cannot be loaded.
    """
    if code := normalize_language(supplied):
        return Language(code, "supplied")
    declared_code = normalize_language(declared)
    detected, probability = detect_language(text)
    if declared_code:
        if (detected and detected != declared_code and len(text) >= OVERRULE_MIN_CHARS
                and probability >= OVERRULE_MIN_PROBABILITY):
            return Language(detected, "detected")
        return Language(declared_code, "declared")
    return Language(detected, "detected" if detected else None)
