"""The last result of a one-argument function, remembered by the argument's identity."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

A = TypeVar("A")
R = TypeVar("R")

_NOTHING = object()


class LastResult(Generic[A, R]):
    """``function``, remembering its last argument (by identity, not equality) and result.

    The rules of a stage see the same text object until one of them changes it, and a run sees
    one config: the last result answers most calls.  Comparing identity costs nothing, where
    hashing a text or a config for a cache lookup costs a fair part of the work it saves.

    >>> lengths = LastResult(len)
    >>> text = "abc"
    >>> lengths(text), lengths(text)
    (3, 3)
    """

    __slots__ = ("_arg", "_function", "_result")

    def __init__(self, function: Callable[[A], R]) -> None:
        self._function = function
        self._arg: object = _NOTHING
        self._result: R | None = None

    def __call__(self, arg: A) -> R:
        if arg is self._arg:
            return self._result  # type: ignore[return-value]
        result = self._function(arg)
        self._arg, self._result = arg, result
        return result

    def remember(self, arg: A, result: R) -> None:
        """Take ``result`` as the function's value for ``arg`` (known without calling it)."""
        self._arg, self._result = arg, result
