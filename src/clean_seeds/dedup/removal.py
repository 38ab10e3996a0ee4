"""Which characters a paragraph's removal takes, from the layout of the document's lines alone.

Pure functions over line bounds (line k runs from ``bounds[k]`` to ``bounds[k + 1] - 1``, its
line break or the end of the text): the :class:`~clean_seeds.dedup.Deduplicator` decides which
paragraphs go; these say what text goes with them (line breaks, a blank line between
removed paragraphs) so that the rest reads as before and a second run changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence


def removal_spans(
    bounds: Sequence[int],
    blank: Sequence[bool],
    para_line: Sequence[int],
    size: int,
    removed: Sequence[bool],
) -> tuple[list[tuple[int, int, int]], list[int]]:
    """The (start, end, paragraph) spans that remove the ``removed`` paragraphs, in order, and
    the 1-based line every paragraph is on once they are gone (that of a removed one is 0).

    A removed paragraph takes its line break along, and one of the blank lines around it when
    it sits between two; the last line of the text (no break after it) takes the break before.

    >>> bounds = [0, 2, 3, 5, 6, 8]  # "a\\n\\nb\\n\\nc": b between blanks
    >>> removal_spans(bounds, [False, True, False, True, False], [0, 2, 4], 7, [False, True, False])
    ([(3, 6, 1)], [1, 0, 3])
    >>> removal_spans([0, 2, 4], [False, False], [0, 1], 3, [False, True])  # "a\\nb"
    ([(1, 3, 1)], [1, 0])
    """
    if not any(removed):
        return [], [line + 1 for line in para_line]
    spans: list[tuple[int, int, int]] = []
    finals = [0] * len(para_line)
    removed_newlines = 0
    consumed = -1  # last line index a span has covered
    for i, line in enumerate(para_line):
        if not removed[i]:
            finals[i] = line + 1 - removed_newlines
            continue
        start, end = bounds[line], bounds[line + 1] - 1
        if end < size:  # the line has a line break
            last = line
            if 0 < line < len(blank) - 1 and blank[line - 1] and blank[line + 1]:
                last = line + 1  # between blank lines: take one of them along
            span_end = min(bounds[last + 1], size)
            removed_newlines += last - line + (span_end > bounds[last + 1] - 1)
            consumed = last
        else:
            span_end = end
            if start > 0 and consumed != line - 1:
                start -= 1
                removed_newlines += 1
            consumed = line
        spans.append((start, span_end, i))
    _trim_trailing_blank(spans, bounds, blank, para_line, size)
    return spans, finals


def _trim_trailing_blank(
    spans: list[tuple[int, int, int]],
    bounds: Sequence[int],
    blank: Sequence[bool],
    para_line: Sequence[int],
    size: int,
) -> None:
    """When the removals run to the end of the text, take the blank lines before them too.

    >>> bounds = [0, 2, 3, 5, 6, 7, 8, 10]  # "a\\n\\nb\\n\\n\\n\\nc"
    >>> spans = [(3, 6, 1), (7, 9, 2)]  # b with the blank line after it; c with the break before
    >>> _trim_trailing_blank(spans, bounds, [False, True, False, True, True, True, False], [0, 2, 6], 9)
    >>> spans  # all after "a\\n" goes (not "a\\n\\n", nor overlapping spans)
    [(2, 6, 1), (6, 9, 2)]

    Otherwise the text would end in a blank line, which the whitespace stage would remove on
    the next run (and a run on its own output must change nothing).
    """
    if not spans or spans[-1][1] < size:
        return
    j = len(spans) - 1
    while True:
        while j > 0 and spans[j - 1][1] == spans[j][0]:
            j -= 1
        start, end, i = spans[j]
        floor = spans[j - 1][1] if j else 0  # where the span before ends
        k = para_line[i] - 1
        while k >= 0 and blank[k] and bounds[k] >= floor:
            start = bounds[k]
            k -= 1
        spans[j] = (start, end, i)
        if k < 0 or not blank[k]:
            return
        # the span before took blank line k along: the two now meet, and the blank lines
        # before that span go too


def repeated_runs(twin: list[int]) -> Iterator[list[int]]:
    """Maximal runs of paragraphs whose kept twins are consecutive paragraphs (a repeated block).

    ``twin[i]`` is the global id of paragraph i's kept copy, or -1.

    >>> list(repeated_runs([-1, 7, 8, 9, -1, 3, 5]))
    [[1, 2, 3], [5], [6]]
    """
    run: list[int] = []
    for i, t in enumerate(twin):
        if t >= 0 and run and twin[run[-1]] + 1 == t:
            run.append(i)
            continue
        if run:
            yield run
        run = [i] if t >= 0 else []
    if run:
        yield run
