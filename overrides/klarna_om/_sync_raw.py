"""The sync twin of ``_async_raw.py``, made by ``scripts/unasync.py``: do not edit.

Edit the async source and run ``make unasync``; its docstring says what this is for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Concatenate, Generic, ParamSpec, Self, TypeVar, overload

from ._public import publish
from ._results import RawResponse, capturing_responses
from ._sync_client import KlarnaOrderManagement

P = ParamSpec("P")
R = TypeVar("R")


class RawMethod(Generic[P, R]):
    """One method of ``with_raw_response``: the client's method, returning a ``RawResponse``.

    It takes the client method's arguments and raises its errors; ``RawResponse.parse()``
    returns what the client method returns. Written once for every method, as openai-python's
    ``to_raw_response_wrapper``: the parameters are the method's own (``ParamSpec``).
    """

    def __init__(self, method: Callable[Concatenate[KlarnaOrderManagement, P], R]) -> None:
        self._method = method
        self._signature: object = None
        self.__doc__ = f"``{method.__name__}`` with its HTTP response (a ``RawResponse``)."

    @overload
    def __get__(self, view: None, owner: type[Any]) -> Self: ...

    @overload
    def __get__(
        self, view: KlarnaOrderManagementWithRawResponse, owner: type[Any] | None = None
    ) -> Callable[P, RawResponse[R]]: ...

    def __get__(
        self, view: KlarnaOrderManagementWithRawResponse | None, owner: type[Any] | None = None
    ) -> Self | Callable[P, RawResponse[R]]:
        if view is None:
            return self
        method, client = self._method, view.client

        def with_response(*args: P.args, **kwargs: P.kwargs) -> RawResponse[R]:
            with capturing_responses() as captured:
                result = method(client, *args, **kwargs)
            return RawResponse(captured[-1], result)

        with_response.__name__ = method.__name__
        with_response.__doc__ = self.__doc__
        with_response.__dict__["__signature__"] = self._bound_signature()
        return with_response

    def _bound_signature(self) -> object:
        """The client method's signature without ``self`` (for ``inspect`` and ``help``)."""
        if self._signature is None:
            import inspect

            signature = inspect.signature(self._method)
            self._signature = signature.replace(parameters=list(signature.parameters.values())[1:])
        return self._signature


def raw_of(
    method: Callable[Concatenate[KlarnaOrderManagement, P], R],
) -> Callable[[Callable[..., None]], RawMethod[P, R]]:
    """Make a typed stub of the view into ``RawMethod(method)`` (its body is never run)."""

    def replace(stub: Callable[..., None]) -> RawMethod[P, R]:
        return RawMethod(method)

    return replace


class KlarnaOrderManagementWithRawResponse:
    """``client.with_raw_response``: the client's methods, each returning a ``RawResponse``.

    Each method takes the same arguments as the client's method of the same name and raises
    the same errors; ``RawResponse.parse()`` returns what that method returns.
    """

    def __init__(self, client: KlarnaOrderManagement) -> None:
        self.client = client
        """The client whose methods these are."""

    # BEGIN written by scripts/unasync.py (make unasync), one stub per client call: do not edit

    @raw_of(KlarnaOrderManagement.refund_order)
    def refund_order(self) -> None:
        """``refund_order`` with its HTTP response."""

    @raw_of(KlarnaOrderManagement.refund_with_return_fee)
    def refund_with_return_fee(self) -> None:
        """``refund_with_return_fee`` with its HTTP response."""

    @raw_of(KlarnaOrderManagement.refund_return_fee)
    def refund_return_fee(self) -> None:
        """``refund_return_fee`` with its HTTP response."""

    @raw_of(KlarnaOrderManagement.get_refund)
    def get_refund(self) -> None:
        """``get_refund`` with its HTTP response."""

    @raw_of(KlarnaOrderManagement.get_order)
    def get_order(self) -> None:
        """``get_order`` with its HTTP response."""

    @raw_of(KlarnaOrderManagement.release_remaining_authorization)
    def release_remaining_authorization(self) -> None:
        """``release_remaining_authorization`` with its HTTP response."""

    @raw_of(KlarnaOrderManagement.get_extend_due_date_options)
    def get_extend_due_date_options(self) -> None:
        """``get_extend_due_date_options`` with its HTTP response."""

    @raw_of(KlarnaOrderManagement.extend_due_date)
    def extend_due_date(self) -> None:
        """``extend_due_date`` with its HTTP response."""

    # END written by scripts/unasync.py


publish(globals())
