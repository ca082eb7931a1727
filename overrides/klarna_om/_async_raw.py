"""``client.with_raw_response``: every method of ``AsyncKlarnaOrderManagement`` with its response.

The source of ``_sync_raw.py`` (``scripts/unasync.py`` makes the sync twin). The view is written
once: ``AsyncRawMethod`` wraps a client method, keeping its parameters (``ParamSpec``), as
openai-python's ``to_raw_response_wrapper`` does. Its methods are typed stubs that
``scripts/unasync.py`` writes between the BEGIN and END lines, one per public async method of
``AsyncKlarnaOrderManagement`` (``make unasync``; ``--check`` fails when they are stale): adding
an operation needs no edit here. It sends nothing itself: the client's method does, exactly as
without the view.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Concatenate, Generic, ParamSpec, Self, TypeVar, overload

from ._async_client import AsyncKlarnaOrderManagement
from ._public import publish
from ._results import RawResponse, capturing_responses

P = ParamSpec("P")
R = TypeVar("R")


class AsyncRawMethod(Generic[P, R]):
    """One method of ``with_raw_response``: the client's method, returning a ``RawResponse``.

    It takes the client method's arguments and raises its errors; ``RawResponse.parse()``
    returns what the client method returns. Written once for every method, as openai-python's
    ``to_raw_response_wrapper``: the parameters are the method's own (``ParamSpec``).
    """

    def __init__(
        self, method: Callable[Concatenate[AsyncKlarnaOrderManagement, P], Awaitable[R]]
    ) -> None:
        self._method = method
        self._signature: object = None
        self.__doc__ = f"``{method.__name__}`` with its HTTP response (a ``RawResponse``)."

    @overload
    def __get__(self, view: None, owner: type[Any]) -> Self: ...

    @overload
    def __get__(
        self, view: AsyncKlarnaOrderManagementWithRawResponse, owner: type[Any] | None = None
    ) -> Callable[P, Awaitable[RawResponse[R]]]: ...

    def __get__(
        self, view: AsyncKlarnaOrderManagementWithRawResponse | None, owner: type[Any] | None = None
    ) -> Self | Callable[P, Awaitable[RawResponse[R]]]:
        if view is None:
            return self
        method, client = self._method, view.client

        async def with_response(*args: P.args, **kwargs: P.kwargs) -> RawResponse[R]:
            with capturing_responses() as captured:
                result = await method(client, *args, **kwargs)
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
    method: Callable[Concatenate[AsyncKlarnaOrderManagement, P], Awaitable[R]],
) -> Callable[[Callable[..., None]], AsyncRawMethod[P, R]]:
    """Make a typed stub of the view into ``AsyncRawMethod(method)`` (its body is never run)."""

    def replace(stub: Callable[..., None]) -> AsyncRawMethod[P, R]:
        return AsyncRawMethod(method)

    return replace


class AsyncKlarnaOrderManagementWithRawResponse:
    """``client.with_raw_response``: the client's methods, each returning a ``RawResponse``.

    Each method takes the same arguments as the client's method of the same name and raises
    the same errors; ``RawResponse.parse()`` returns what that method returns.
    """

    def __init__(self, client: AsyncKlarnaOrderManagement) -> None:
        self.client = client
        """The client whose methods these are."""

    # BEGIN written by scripts/unasync.py (make unasync), one stub per client call: do not edit

    @raw_of(AsyncKlarnaOrderManagement.refund_order)
    def refund_order(self) -> None:
        """``refund_order`` with its HTTP response."""

    @raw_of(AsyncKlarnaOrderManagement.refund_with_return_fee)
    def refund_with_return_fee(self) -> None:
        """``refund_with_return_fee`` with its HTTP response."""

    @raw_of(AsyncKlarnaOrderManagement.refund_return_fee)
    def refund_return_fee(self) -> None:
        """``refund_return_fee`` with its HTTP response."""

    @raw_of(AsyncKlarnaOrderManagement.get_refund)
    def get_refund(self) -> None:
        """``get_refund`` with its HTTP response."""

    @raw_of(AsyncKlarnaOrderManagement.get_order)
    def get_order(self) -> None:
        """``get_order`` with its HTTP response."""

    @raw_of(AsyncKlarnaOrderManagement.release_remaining_authorization)
    def release_remaining_authorization(self) -> None:
        """``release_remaining_authorization`` with its HTTP response."""

    @raw_of(AsyncKlarnaOrderManagement.get_extend_due_date_options)
    def get_extend_due_date_options(self) -> None:
        """``get_extend_due_date_options`` with its HTTP response."""

    @raw_of(AsyncKlarnaOrderManagement.extend_due_date)
    def extend_due_date(self) -> None:
        """``extend_due_date`` with its HTTP response."""

    # END written by scripts/unasync.py


publish(globals())
