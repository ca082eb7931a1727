# generated from spec/klarna-ordermanagement.yaml by openapi-python-client 0.29.1, do not edit, run `make generate`
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_message import ErrorMessage
from ...models.refund import Refund
from ...types import Operation, RequestParts, Response


def build_request(
    order_id: str,
    refund_id: str,
) -> RequestParts:
    """The request of `getRefund` (GET /ordermanagement/v1/orders/{order_id}/refunds/{refund_id}), built, not sent."""
    headers: dict[str, str] = {}
    return RequestParts(
        "GET",
        "/ordermanagement/v1/orders/{order_id}/refunds/{refund_id}".format(
            order_id=quote(order_id, safe=""),
            refund_id=quote(refund_id, safe=""),
        ),
        None,
        headers,
    )


OPERATION: Operation[Refund] = Operation(
    operation_id="getRefund",
    method="GET",
    path="/ordermanagement/v1/orders/{order_id}/refunds/{refund_id}",
    path_params=(
        "order_id",
        "refund_id",
    ),
    body=None,
    success_status=200,
    result=Refund.from_dict,
    idempotency_header=None,
    providers=(
        "klarna",
        "kustom",
    ),
    build=build_request,
)
""" What spec/ says of `getRefund`: method, path, parameters, body, success status, result and providers. """


def _get_kwargs(
    order_id: str,
    refund_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/ordermanagement/v1/orders/{order_id}/refunds/{refund_id}".format(
            order_id=quote(str(order_id), safe=""),
            refund_id=quote(str(refund_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorMessage | Refund | None:
    if response.status_code == 200:
        response_200 = Refund.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorMessage.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorMessage.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = ErrorMessage.from_dict(response.json())

        return response_404

    if response.status_code == 429:
        response_429 = ErrorMessage.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ErrorMessage.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = ErrorMessage.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorMessage | Refund]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    order_id: str,
    refund_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ErrorMessage | Refund]:
    """Get a refund

     Read one refund of an order. Klarna's own definition names this operation `get`; the
    fragment calls it `getRefund` so that the generated function has a meaningful name.

    Args:
        order_id (str):
        refund_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorMessage | Refund]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        refund_id=refund_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    order_id: str,
    refund_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> ErrorMessage | Refund | None:
    """Get a refund

     Read one refund of an order. Klarna's own definition names this operation `get`; the
    fragment calls it `getRefund` so that the generated function has a meaningful name.

    Args:
        order_id (str):
        refund_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorMessage | Refund
    """

    return sync_detailed(
        order_id=order_id,
        refund_id=refund_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    order_id: str,
    refund_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ErrorMessage | Refund]:
    """Get a refund

     Read one refund of an order. Klarna's own definition names this operation `get`; the
    fragment calls it `getRefund` so that the generated function has a meaningful name.

    Args:
        order_id (str):
        refund_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorMessage | Refund]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        refund_id=refund_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    order_id: str,
    refund_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> ErrorMessage | Refund | None:
    """Get a refund

     Read one refund of an order. Klarna's own definition names this operation `get`; the
    fragment calls it `getRefund` so that the generated function has a meaningful name.

    Args:
        order_id (str):
        refund_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorMessage | Refund
    """

    return (
        await asyncio_detailed(
            order_id=order_id,
            refund_id=refund_id,
            client=client,
        )
    ).parsed
