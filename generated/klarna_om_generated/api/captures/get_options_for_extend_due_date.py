# generated from spec/klarna-ordermanagement.yaml by openapi-python-client 0.29.1, do not edit, run `make generate`
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_message import ErrorMessage
from ...models.extend_due_date_options import ExtendDueDateOptions
from ...types import Operation, RequestParts, Response


def build_request(
    order_id: str,
    capture_id: str,
) -> RequestParts:
    """The request of `getOptionsForExtendDueDate` (GET /ordermanagement/v1/orders/{order_id}/captures/{capture_id}/extend-due-date-options), built, not sent."""
    headers: dict[str, str] = {}
    return RequestParts(
        "GET",
        "/ordermanagement/v1/orders/{order_id}/captures/{capture_id}/extend-due-date-options".format(
            order_id=quote(order_id, safe=""),
            capture_id=quote(capture_id, safe=""),
        ),
        None,
        headers,
    )


OPERATION: Operation[ExtendDueDateOptions] = Operation(
    operation_id="getOptionsForExtendDueDate",
    method="GET",
    path="/ordermanagement/v1/orders/{order_id}/captures/{capture_id}/extend-due-date-options",
    path_params=(
        "order_id",
        "capture_id",
    ),
    body=None,
    success_status=200,
    result=ExtendDueDateOptions.from_dict,
    idempotency_header=None,
    providers=("klarna",),
    build=build_request,
)
""" What spec/ says of `getOptionsForExtendDueDate`: method, path, parameters, body, success status, result and providers. """


def _get_kwargs(
    order_id: str,
    capture_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/ordermanagement/v1/orders/{order_id}/captures/{capture_id}/extend-due-date-options".format(
            order_id=quote(str(order_id), safe=""),
            capture_id=quote(str(capture_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorMessage | ExtendDueDateOptions | None:
    if response.status_code == 200:
        response_200 = ExtendDueDateOptions.from_dict(response.json())

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
) -> Response[ErrorMessage | ExtendDueDateOptions]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    order_id: str,
    capture_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ErrorMessage | ExtendDueDateOptions]:
    """List the options to extend a capture's payment due date

     List by how many days the payment due date of a capture (one customer invoice) can be
    extended, and the fee the merchant pays for each option.

    Args:
        order_id (str):
        capture_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorMessage | ExtendDueDateOptions]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        capture_id=capture_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    order_id: str,
    capture_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> ErrorMessage | ExtendDueDateOptions | None:
    """List the options to extend a capture's payment due date

     List by how many days the payment due date of a capture (one customer invoice) can be
    extended, and the fee the merchant pays for each option.

    Args:
        order_id (str):
        capture_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorMessage | ExtendDueDateOptions
    """

    return sync_detailed(
        order_id=order_id,
        capture_id=capture_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    order_id: str,
    capture_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ErrorMessage | ExtendDueDateOptions]:
    """List the options to extend a capture's payment due date

     List by how many days the payment due date of a capture (one customer invoice) can be
    extended, and the fee the merchant pays for each option.

    Args:
        order_id (str):
        capture_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorMessage | ExtendDueDateOptions]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        capture_id=capture_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    order_id: str,
    capture_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> ErrorMessage | ExtendDueDateOptions | None:
    """List the options to extend a capture's payment due date

     List by how many days the payment due date of a capture (one customer invoice) can be
    extended, and the fee the merchant pays for each option.

    Args:
        order_id (str):
        capture_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorMessage | ExtendDueDateOptions
    """

    return (
        await asyncio_detailed(
            order_id=order_id,
            capture_id=capture_id,
            client=client,
        )
    ).parsed
