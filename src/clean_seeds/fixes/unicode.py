"""Stage `unicode`: repair what went wrong between the bytes and the characters.

Line endings, undecodable bytes, mojibake (ftfy for the Latin kinds, codec round trips for
Chinese that went through GBK, Big5 or Latin-1 the wrong way), BOMs, control and invisible
characters, soft hyphens and full-width letters and digits.  Correct Chinese passes through
untouched: full-width punctuation (，。；：（）！？“”) is never made ASCII and nothing is
NFKC-normalised.  Every rule first checks cheaply whether it has anything to do, so clean
text costs a few whole-text scans; ftfy and the round trips only see suspicious lines.
"""

from __future__ import annotations

import bisect
import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate, pairwise

import ftfy
import ftfy.bad_codecs  # registers the sloppy-windows-* codecs named in CHARMAP_ENCODINGS
import numpy as np
import numpy.typing as npt
from ftfy.badness import is_bad
from ftfy.chardata import CHARMAP_ENCODINGS

from ..edits import diff_spans, replace_spans, substitute
from ..encoding import COMMON_HANZI, char_class, code_points, plausibility, table_class
from ..memo import LastResult
from ..models import Cleaned, Edit

STAGE = "unicode"

# --- patterns ---------------------------------------------------------------------------------

#: CRLF, lone CR and the other characters Python treats as line breaks inside a text file
#: (VT, FF, LINE SEPARATOR, PARAGRAPH SEPARATOR).  NEL (U+0085) is left alone: it is more
#: often a Latin-1 mojibake byte than a line break, so fix_mojibake sees it first.
LINE_BREAK = re.compile("\r\n?|[\x0b\x0c\u2028\u2029]")
#: lone surrogates: bytes the decoder kept with ``surrogateescape``, or broken UTF-16
SURROGATE_RUN = re.compile("[\ud800-\udfff]+")
#: characters that stand for a UTF-8 lead byte (0xC2-0xF4) in one of the single-byte encodings
#: ftfy repairs, plus the C1 controls: UTF-8 mojibake always contains one.  MacRoman is left
#: out because its lead bytes include “”‘’—…·, which fill correct Chinese text.
_MOJIBAKE_CHARS = "\x80-\x9f" + char_class(
    "".join(
        bytes(range(0xC2, 0xF5)).decode(encoding, "ignore")
        for encoding in CHARMAP_ENCODINGS
        if encoding != "macroman"
    )
)
MOJIBAKE_HINT = re.compile(f"[{_MOJIBAKE_CHARS}]")
#: ftfy restricted to encoding repair: no width folding (，→,), no quote uncurling (“→"),
#: no normalisation, no HTML unescaping; those would damage correct Chinese.
FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=False,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)


def _uncommon_hanzi_table() -> npt.NDArray[np.bool_]:
    """Per BMP code point: a CJK ideograph (U+3400-U+9FFF) or private-use character
    (U+E000-U+F8FF) outside COMMON_HANZI."""
    table = np.zeros(0x10000, dtype=np.bool_)
    table[0x3400:0xA000] = True
    table[0xE000:0xF900] = True
    table[code_points(COMMON_HANZI)] = False
    return table


#: CJK ideographs and private-use characters outside the common set: rare in real prose, but
#: most of the characters UTF-8 bytes become when they are decoded as GBK or Big5.  As a table
#: of the BMP (`_hints` and `_unlikely_count` look code points up in it: regexes on a class of
#: ~25,000 characters took 25-35 ms each to compile, in every worker process, and only
#: suspicious texts need them; U+FFFF is False: code points above the BMP are looked up there),
#: and as a regex class body.
UNCOMMON_UNITS = _uncommon_hanzi_table()
UNCOMMON_HANZI = table_class(UNCOMMON_UNITS)
#: uncommon hanzi and Hangul syllables, which a repair must not introduce: what Chinese bytes
#: become under a wrong codec
UNLIKELY_UNITS = UNCOMMON_UNITS.copy()
UNLIKELY_UNITS[0xAC00:0xD7B0] = True
#: the characters a round-trip hint (see `_hints`) is made of: uncommon hanzi and Latin-1 letters
ROUND_TRIP_UNITS = UNCOMMON_UNITS.copy()
ROUND_TRIP_UNITS[0xA1:0x100] = True
#: a stretch of text a wrong round trip turns into one run: non-ASCII characters, each maybe
#: followed by one ASCII byte that can be the trail byte of a GBK or Big5 pair (0x40-0x7E);
#: no whitespace
ROUND_TRIP_RUN = re.compile(r"(?:[^\x00-\x7f\s][\x40-\x7e]?)+")
#: the pieces a run that does not round-trip as a whole is tried in: stretches of two or more
#: Latin-1 characters (GBK or Big5 read as Latin-1, next to correct Chinese) and the stretches
#: between them, split at Chinese punctuation and at U+FFFD (a lost byte, after which the bytes
#: no longer line up)
RUN_PIECE = re.compile(
    r"(?:[\x80-\xff][\x40-\x7e]?){2,}"
    r"|(?:(?:[^\x00-\xff\s，。、；：？！“”（）《》\ufffd]|[\x80-\xff](?![\x80-\xff]))[\x40-\x7e]?)+"
)
#: a round trip may leave one U+FFFD (lost byte) per this many characters
CHARS_PER_LOST_BYTE = 8
#: C0 and C1 controls except tab, LF and CR (line endings are normalize_line_endings' job),
#: and whole ANSI terminal escape sequences, whose ESC alone would leave "[31m" behind
CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: any such control character: the cheap test before CONTROL
_CONTROL_CHARS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
CONTROL_CHAR = re.compile(f"[{_CONTROL_CHARS}]")
#: the units fix_mojibake diffs ftfy's output in: runs of ASCII and runs of other characters
DIFF_TOKEN = re.compile(r"[\x00-\x7f]+|[^\x00-\x7f]+")
#: characters a joiner may sit between: neither ASCII, whitespace, CJK nor full-width forms
#: (emoji ZWJ sequences, ZWNJ in Persian or Indic words)
_JOINABLE = r"[^\x00-\x7f\s\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u200b-\u200f]"
#: invisible format characters: ZWSP, LRM, RLM, ALM, bidi embeddings and isolates, word
#: joiner and invisible operators, Mongolian vowel separator; ZWNJ and ZWJ unless both
#: neighbours are joinable (so 👨‍👩‍👧 keeps its joiners).  One character class first, so the
#: regex engine skips ahead fast; then: not a joiner, or no joinable character before, or after.
_ZERO_WIDTH_CHARS = "\u200b-\u200f\u061c\u202a-\u202e\u2060-\u2064\u2066-\u2069\u180e"
ZERO_WIDTH = re.compile(f"[{_ZERO_WIDTH_CHARS}](?:(?<![\u200c\u200d])|(?<!{_JOINABLE}.)|(?!{_JOINABLE}))")
#: any character ZERO_WIDTH may remove: the cheap test before it
ZERO_WIDTH_CHAR = re.compile(f"[{_ZERO_WIDTH_CHARS}]")
#: full-width ASCII letters and digits, and a full-width full stop between letters or digits
#: (ＰＭ２．５); other full-width punctuation is Chinese punctuation and stays
FULLWIDTH_ALNUM = re.compile(
    "(?:[０-９Ａ-Ｚａ-ｚ]|(?<=[0-9A-Za-z０-９Ａ-Ｚａ-ｚ])．(?=[0-9A-Za-z０-９Ａ-Ｚａ-ｚ]))+"
)
#: any full-width letter or digit: the cheap test before FULLWIDTH_ALNUM
_FULLWIDTH_ALNUM_CHARS = "０-９Ａ-Ｚａ-ｚ"
FULLWIDTH_ALNUM_CHAR = re.compile(f"[{_FULLWIDTH_ALNUM_CHARS}]")
#: full-width forms U+FF01-U+FF5E to their ASCII counterparts
FULLWIDTH_TO_ASCII = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
#: line breaks LINE_BREAK changes, BOM, soft hyphen, lone surrogates
_OTHER_RARE_CHARS = "\r\x0b\x0c\u2028\u2029\ufeff\xad\ud800-\udfff"
#: every character some rule's cheap test looks for, so that one scan serves them all (see `_rare_chars`)
RARE_CHAR = re.compile(
    f"[{_OTHER_RARE_CHARS}{_MOJIBAKE_CHARS}{UNCOMMON_HANZI}\xa1-\xff{_CONTROL_CHARS}"
    f"{_ZERO_WIDTH_CHARS}{_FULLWIDTH_ALNUM_CHARS}]"
)


@dataclass(frozen=True)
class UnicodeConfig:
    """Switches and knobs of the `unicode` stage."""

    #: run this stage at all
    enabled: bool = True
    #: CRLF, lone CR, VT, FF, U+2028 and U+2029 become LF
    normalize_line_endings: bool = True
    #: each run of undecodable bytes (lone surrogates) becomes one U+FFFD
    replace_undecodable: bool = True
    #: repair Chinese read with the wrong codec (UTF-8 as GBK, GBK or Big5 as Latin-1) by round trips
    fix_gbk_round_trip: bool = True
    #: repair UTF-8 read as Latin-1/cp1252 and similar (ftfy, encoding fixes only) on suspicious lines
    fix_mojibake: bool = True
    #: remove U+FEFF, the leading BOM and stray ones
    remove_bom: bool = True
    #: remove C0/C1 control characters (but tab, LF, CR) and ANSI escape sequences
    remove_control_chars: bool = True
    #: remove zero-width and bidi format characters (ZWJ/ZWNJ kept inside emoji and non-CJK words)
    remove_zero_width: bool = True
    #: remove soft hyphens (U+00AD)
    remove_soft_hyphens: bool = True
    #: full-width letters and digits (and ． between them) become ASCII: １９９８ -> 1998
    fullwidth_to_ascii: bool = True
    #: round trips fix_gbk_round_trip tries, as "encode>decode": "gb18030>utf-8" undoes UTF-8
    #: bytes read as GBK (涓枃 -> 中文), "cp1252>gb18030" GBK bytes read as cp1252 (ÖÐÎÄ -> 中文)
    round_trips: tuple[str, ...] = (
        "gb18030>utf-8",
        "big5>utf-8",
        "cp1252>gb18030",
        "latin-1>gb18030",
        "cp1252>big5",
        "latin-1>big5",
    )
    #: shortest run (in characters) fix_gbk_round_trip tries to repair
    min_round_trip_chars: int = 3
    #: a repaired run must reach this plausibility (share of common Chinese characters)
    min_plausibility: float = 0.9
    #: and be at least this much more plausible than the run it replaces
    min_plausibility_gain: float = 0.4

    def __post_init__(self) -> None:
        for trip in self.round_trips:
            encode, _, decode = trip.partition(">")
            try:
                codecs.lookup(encode)
                codecs.lookup(decode)
            except LookupError:
                raise ValueError(
                    f"unicode.round_trips: {trip!r} is not 'encode>decode' with two codec names "
                    "Python knows, e.g. 'gb18030>utf-8'"
                ) from None
        if not 0.0 <= self.min_plausibility <= 1.0:
            raise ValueError(f"unicode.min_plausibility must be between 0 and 1, got {self.min_plausibility}")


# --- rules, in the order they run ---------------------------------------------------------------


def normalize_line_endings(text: str, cfg: UnicodeConfig) -> Cleaned:
    r"""CRLF, lone CR, VT, FF and U+2028/U+2029 become LF.

    >>> normalize_line_endings("一\r\n二\r三\x0c四", UnicodeConfig()).text
    '一\n二\n三\n四'
    """
    rare = _rare_chars(text)
    if not LINE_BREAK.search(rare):
        return Cleaned(text)
    if not LINE_BREAK.search(rare.replace("\r", "")) and text.count("\r") == text.count("\r\n"):
        result = _crlf_to_lf(text)  # a Windows file, the common case
    else:  # spans built here: a literal replacement is cheapest
        spans = [(m.start(), m.end(), "\n") for m in LINE_BREAK.finditer(text)]
        result = replace_spans(text, "normalize_line_endings", spans)
    return _all_removed(result, rare, "\r\x0b\x0c\u2028\u2029")


def replace_undecodable(text: str, cfg: UnicodeConfig) -> Cleaned:
    r"""Each run of lone surrogates (bytes that did not decode) becomes one U+FFFD.

    >>> replace_undecodable("ab\udce4\udcb8c", UnicodeConfig()).text
    'ab\ufffdc'
    """
    if not SURROGATE_RUN.search(_rare_chars(text)):
        return Cleaned(text)
    return substitute(SURROGATE_RUN, "\ufffd", text, "replace_undecodable")


def fix_mojibake(text: str, cfg: UnicodeConfig) -> Cleaned:
    """ftfy's encoding repair on the lines that look like mojibake, logged as minimal edits.

    >>> fix_mojibake("他说 donâ€™t 走", UnicodeConfig()).text
    '他说 don’t 走'
    """
    if not MOJIBAKE_HINT.search(_rare_chars(text)):
        return Cleaned(text)
    spans: list[tuple[int, int, str]] = []
    for start, end in _lines_matching(MOJIBAKE_HINT, text):
        line = text[start:end]
        if is_bad(line):
            fixed = ftfy.fix_encoding(line, FTFY_CONFIG)
            if _no_worse(line, fixed):
                spans.extend(diff_spans(line, fixed, DIFF_TOKEN, start))
    return replace_spans(text, "fix_mojibake", spans)


def fix_gbk_round_trip(text: str, cfg: UnicodeConfig) -> Cleaned:
    """Chinese decoded with the wrong codec, repaired by the reverse round trip when the
    result is clearly more plausible (see :func:`clean_seeds.encoding.plausibility`).

    >>> fix_gbk_round_trip("标题：ÖÐÎÄ 和 娴嬭瘯鏂囦欢", UnicodeConfig()).text
    '标题：中文 和 测试文件'
    """
    chars = _rare_round_trip_chars(text)
    positions = _positions(text, chars) if chars else []
    if positions is None:  # many: the hints are found with numpy
        starts, ends = _hints(code_points(text))
    else:
        starts, ends = _hints_at(text, positions)
    if not starts:
        return Cleaned(text)
    spans: list[tuple[int, int, str]] = []
    for line_start, line_end in _lines_at(text, starts):
        for run in ROUND_TRIP_RUN.finditer(text, line_start, line_end):
            if len(run.group()) >= cfg.min_round_trip_chars and _hint_within(starts, ends, *run.span()):
                spans.extend(_repair_run(run.group(), run.start(), cfg))
    return replace_spans(text, "fix_gbk_round_trip", spans)


def remove_bom(text: str, cfg: UnicodeConfig) -> Cleaned:
    r"""U+FEFF (a byte order mark, or a stray zero-width no-break space) is removed anywhere.

    >>> remove_bom("\ufeff第一段\ufeff", UnicodeConfig()).text
    '第一段'
    """
    rare = _rare_chars(text)
    if "\ufeff" not in rare:
        return Cleaned(text)
    return _all_removed(substitute(re.compile("\ufeff"), "", text, "remove_bom"), rare, "\ufeff")


def remove_control_chars(text: str, cfg: UnicodeConfig) -> Cleaned:
    r"""C0 and C1 control characters (but tab, LF, CR) and ANSI escape sequences are removed.

    >>> remove_control_chars("a\x00b\x1b[31mc\x85d\te", UnicodeConfig()).text
    'abcd\te'
    """
    if not CONTROL_CHAR.search(_rare_chars(text)):
        return Cleaned(text)
    return substitute(CONTROL, "", text, "remove_control_chars")


def remove_zero_width(text: str, cfg: UnicodeConfig) -> Cleaned:
    r"""Invisible characters are removed; ZWJ/ZWNJ stay inside emoji sequences and non-CJK words.

    >>> remove_zero_width("中\u200b文\u200d字 👨\u200d👩", UnicodeConfig()).text
    '中文字 👨\u200d👩'
    """
    if not ZERO_WIDTH_CHAR.search(_rare_chars(text)):
        return Cleaned(text)
    return substitute(ZERO_WIDTH, "", text, "remove_zero_width")


def remove_soft_hyphens(text: str, cfg: UnicodeConfig) -> Cleaned:
    r"""Soft hyphens (U+00AD, invisible break hints) are removed.

    >>> remove_soft_hyphens("inter\xadnational", UnicodeConfig()).text
    'international'
    """
    rare = _rare_chars(text)
    if "\xad" not in rare:
        return Cleaned(text)
    return _all_removed(substitute(re.compile("\xad"), "", text, "remove_soft_hyphens"), rare, "\xad")


def fullwidth_to_ascii(text: str, cfg: UnicodeConfig) -> Cleaned:
    """Full-width letters and digits (and ． between them) become ASCII; punctuation stays.

    >>> fullwidth_to_ascii("１９９８年，ＰＭ２．５（ＡＢＣ）。", UnicodeConfig()).text
    '1998年，PM2.5（ABC）。'
    """
    if not FULLWIDTH_ALNUM_CHAR.search(_rare_chars(text)):
        return Cleaned(text)
    return substitute(
        FULLWIDTH_ALNUM, lambda m: m.group().translate(FULLWIDTH_TO_ASCII), text, "fullwidth_to_ascii"
    )


RULES = (
    normalize_line_endings,
    replace_undecodable,
    fix_gbk_round_trip,
    fix_mojibake,
    remove_bom,
    remove_control_chars,
    remove_zero_width,
    remove_soft_hyphens,
    fullwidth_to_ascii,
)


# --- helpers --------------------------------------------------------------------------------------


@LastResult
def _rare_chars(text: str) -> str:
    """The distinct characters of ``text`` that match RARE_CHAR, for the rules' cheap tests.

    One scan serves every rule: a clean text passes unchanged (the same object) from rule to
    rule, so the rules after the first find it here (a text a rule changed is scanned again).
    """
    return "".join(sorted(set(RARE_CHAR.findall(text))))


def _all_removed(result: Cleaned, rare: str, removed: str) -> Cleaned:
    """``result`` of a rule that replaced every one of the ``removed`` characters of its input
    (whose :func:`_rare_chars` were ``rare``) by characters that are not rare: its text's rare
    characters are known without a scan, and remembered for the next rule."""
    if result.edits:
        _rare_chars.remember(result.text, "".join(char for char in rare if char not in removed))
    return result


def _rare_round_trip_chars(text: str) -> list[str]:
    """The distinct characters of ``text`` that a round-trip hint is made of (see `_hints`)."""
    # (every rare character is in the BMP)
    return [char for char in _rare_chars(text) if ROUND_TRIP_UNITS[ord(char)]]


def _hints(codes: npt.NDArray[np.uint32]) -> tuple[list[int], list[int]]:
    """Where round-trip hints start in a text (its code points), in order, and where each
    ends at the earliest.

    A hint is where a Chinese round-trip repair is worth trying: two uncommon hanzi at most
    three apart with only non-ASCII characters between them (UTF-8 read as GBK/Big5), or two
    Latin-1 letters in a row (GBK/Big5 read as Latin-1/cp1252).
    """
    size = len(codes)
    uncommon = np.zeros(size + 3, dtype=np.bool_)  # (padded: the tests below look 3 ahead)
    uncommon[:size] = UNCOMMON_UNITS[np.minimum(codes, 0xFFFF)]
    non_ascii = np.zeros(size + 3, dtype=np.bool_)
    np.greater_equal(codes, 0x80, out=non_ascii[:size])
    latin = np.zeros(size + 1, dtype=np.bool_)
    np.less_equal(codes - 0xA1, 0xFF - 0xA1, out=latin[:size])  # (below 0xA1 wraps around)
    first = uncommon[:size]
    two = first & uncommon[1 : size + 1] | latin[:size] & latin[1:]
    three = first & non_ascii[1 : size + 1] & uncommon[2 : size + 2]
    four = first & non_ascii[1 : size + 1] & non_ascii[2 : size + 2] & uncommon[3:]
    starts = np.flatnonzero(two | three | four)
    lengths = np.where(two[starts], 2, np.where(three[starts], 3, 4))
    return starts.tolist(), (starts + lengths).tolist()


def _hint_within(starts: list[int], ends: list[int], start: int, end: int) -> bool:
    """Whether one of the hints (see `_hints`) lies within ``start:end``."""
    for i in range(bisect.bisect_left(starts, start), len(starts)):
        if starts[i] >= end:
            return False
        if ends[i] <= end:
            return True
    return False


def _lines_at(text: str, offsets: list[int]) -> Iterator[tuple[int, int]]:
    """(start, end) of each line (without its LF) holding one of the sorted ``offsets``, once."""
    line_end = -1
    for offset in offsets:
        if offset > line_end:
            line_end = text.find("\n", offset)
            if line_end < 0:
                line_end = len(text)
            yield text.rfind("\n", 0, offset) + 1, line_end


def _unlikely_count(text: str) -> int:
    """How many of the characters of ``text`` are in UNLIKELY_UNITS."""
    return int(np.count_nonzero(UNLIKELY_UNITS[np.minimum(code_points(text), 0xFFFF)]))


def _crlf_to_lf(text: str) -> Cleaned:
    """``text`` with each CRLF (its only line breaks to change) made LF, one edit per line.

    The same result as :func:`replace_spans`, built directly at half the cost: a Windows file
    has an edit on every line, which made this rule the slowest of the stage.
    """
    lines = text.split("\r\n")
    ends = accumulate(len(line) + 2 for line in lines[:-1])  # where each CRLF ends
    edits = tuple(Edit("normalize_line_endings", end - 2, end, "\r\n", "\n") for end in ends)
    return Cleaned("\n".join(lines), edits)


def _positions(text: str, chars: list[str], most: int = 64) -> list[int] | None:
    """The sorted offsets of ``chars`` in ``text``, or None if there are more than ``most``."""
    positions: list[int] = []
    for char in chars:
        pos = text.find(char)
        while pos >= 0:
            if len(positions) == most:
                return None
            positions.append(pos)
            pos = text.find(char, pos + 1)
    positions.sort()
    return positions


def _hints_at(text: str, positions: list[int]) -> tuple[list[int], list[int]]:
    """What :func:`_hints` finds, given the sorted offsets of every character a hint is made of:
    a hint starts at one of them, another at most three further on."""
    starts, ends = [], []
    for start, following in pairwise(positions):
        if following - start <= 3 and (end := _hint_end(text, start)):
            starts.append(start)
            ends.append(end)
    return starts, ends


def _hint_end(text: str, start: int) -> int:
    """Where the shortest hint starting at ``start`` (a hint character) ends, or 0 if none does."""
    if text[start] <= "\xff":  # a Latin-1 letter: another must follow
        return start + 2 if "\xa1" <= text[start + 1 : start + 2] <= "\xff" else 0
    for end in range(start + 2, min(start + 5, len(text) + 1)):  # an uncommon hanzi
        char = text[end - 1]
        if UNCOMMON_UNITS[min(ord(char), 0xFFFF)]:
            return end
        if char < "\x80":
            return 0
    return 0


def _lines_matching(pattern: re.Pattern[str], text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each line (without its LF) in which ``pattern`` finds a match."""
    pos = 0
    while (match := pattern.search(text, pos)) is not None:
        start = text.rfind("\n", 0, match.start()) + 1
        end = text.find("\n", match.end())
        if end < 0:
            end = len(text)
        yield start, end
        pos = end + 1


def _no_worse(line: str, fixed: str) -> bool:
    """Whether ftfy's fix keeps Chinese as plausible and adds no rare hanzi or Hangul
    (ftfy reads GBK mojibake as UTF-8 mojibake and would turn it into Hangul)."""
    if fixed == line or plausibility(fixed) < plausibility(line):
        return False
    return _unlikely_count(fixed) <= _unlikely_count(line)


def _repair_run(run: str, offset: int, cfg: UnicodeConfig) -> list[tuple[int, int, str]]:
    """Spans repairing ``run`` as a whole or, failing that, piece by piece (see RUN_PIECE)."""
    repaired = _round_trip(run, cfg)
    if repaired is not None:
        return [(offset, offset + len(run), repaired)]
    spans = []
    for piece in RUN_PIECE.finditer(run):
        if cfg.min_round_trip_chars <= len(piece.group()) < len(run):
            repaired = _round_trip(piece.group(), cfg)
            if repaired is not None:
                spans.append((offset + piece.start(), offset + piece.end(), repaired))
    return spans


def _round_trip(run: str, cfg: UnicodeConfig) -> str | None:
    """The most plausible round trip of ``run``, if clearly better than ``run``.

    UTF-8 characters whose bytes the wrong decode lost (cut at a run's edges) come back as U+FFFD:
    two, plus one per :data:`CHARS_PER_LOST_BYTE` characters; at least two real characters
    must remain.
    """
    if "\ufffd" in run:  # a lost byte: the bytes around it no longer line up
        return None
    floor = max(cfg.min_plausibility, plausibility(run) + cfg.min_plausibility_gain)
    if floor > 1.0:  # already plausible: no candidate can be clearly better
        return None
    best: tuple[float, str] | None = None
    for trip in cfg.round_trips:
        encode, _, decode = trip.partition(">")
        try:
            # only UTF-8 loses bytes at a run's edges (3-byte characters read 2 bytes at a time)
            candidate = run.encode(encode).decode(decode, "replace" if decode == "utf-8" else "strict")
        except UnicodeError:
            continue
        lost = candidate.count("\ufffd")
        if lost > 2 + len(candidate) // CHARS_PER_LOST_BYTE or len(candidate) - lost < 2:
            continue
        score = plausibility(candidate.replace("\ufffd", ""))
        if score >= floor and not candidate.isascii() and (best is None or score > best[0]):
            best = (score, candidate)
            if score == 1.0:  # no later round trip can do better
                break
    return None if best is None else best[1]
