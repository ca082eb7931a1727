"""Credentials held so that no ``repr``, ``str``, ``vars()`` or walk over attributes shows them.

Exists because a client's ready ``Authorization`` value (the base64 of ``user:password``) is a
credential, and a client ends up in debuggers, error reports and ``repr(vars(...))``. A
``Secret`` keeps its value in a closure, out of every attribute; only ``reveal()`` returns it.
Nothing here may log, pickle or print a revealed value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, NoReturn, TypeVar

T = TypeVar("T")


class Secret(Generic[T]):
    """A credential, or a value holding one (prepared headers): shown as ``Secret('***')``.

    Immutable; copies are the same object; pickling is refused.
    """

    __slots__ = ("reveal",)

    reveal: Callable[[], T]
    """The value itself, for the one place that sends it."""

    def __init__(self, value: T) -> None:
        def reveal() -> T:
            return value

        self.reveal = reveal

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __copy__(self) -> Secret[T]:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Secret[T]:
        return self

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Secret is not pickled: it holds credentials")
