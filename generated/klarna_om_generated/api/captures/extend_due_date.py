# generated from spec/klarna-ordermanagement.yaml by openapi-python-client 0.29.1, do not edit, run `make generate`
from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_message import ErrorMessage
from ...models.extend_due_date_request import ExtendDueDateRequest
from ...types import UNSET, Operation, RequestParts, Response, Unset


def build_request(
    order_id: str,
    capture_id: str,
    *,
    body: ExtendDueDateRequest,
    klarna_idempotency_key: str | None = None,
) -> RequestParts:
    """The request of `extendDueDate` (PATCH /ordermanagement/v1/orders/{order_id}/captures/{capture_id}/extend-due-date), built, not sent."""
    headers: dict[str, str] = {}
    if klarna_idempotency_key is not None:
        headers["Klarna-Idempotency-Key"] = klarna_idempotency_key
    return RequestParts(
        "PATCH",
        "/ordermanagement/v1/orders/{order_id}/captures/{capture_id}/extend-due-date".format(
            order_id=quote(order_id, safe=""),
            capture_id=quote(capture_id, safe=""),
        ),
        body.to_dict(),
        headers,
    )


OPERATION: Operation[None] = Operation(
    operation_id="extendDueDate",
    method="PATCH",
    path="/ordermanagement/v1/orders/{order_id}/captures/{capture_id}/extend-due-date",
    path_params=(
        "order_id",
        "capture_id",
    ),
    body=ExtendDueDateRequest,
    success_status=204,
    result=None,
    idempotency_header="Klarna-Idempotency-Key",
    providers=("klarna",),
    build=build_request,
)
""" What spec/ says of `extendDueDate`: method, path, parameters, body, success status, result and providers. """


def _get_kwargs(
    order_id: str,
    capture_id: str,
    *,
    body: ExtendDueDateRequest,
    klarna_idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(klarna_idempotency_key, Unset):
        headers["Klarna-Idempotency-Key"] = klarna_idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/ordermanagement/v1/orders/{order_id}/captures/{capture_id}/extend-due-date".format(
            order_id=quote(str(order_id), safe=""),
            capture_id=quote(str(capture_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | ErrorMessage | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

    if response.status_code == 400:
        response_400 = ErrorMessage.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorMessage.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorMessage.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorMessage.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = ErrorMessage.from_dict(response.json())

        return response_409

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | ErrorMessage]:
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
    body: ExtendDueDateRequest,
    klarna_idempotency_key: str | Unset = UNSET,
) -> Response[Any | ErrorMessage]:
    """Extend a capture's payment due date

     Extend the payment due date of a capture by one of the `number_of_days` offered by
    `getOptionsForExtendDueDate`.

    Args:
        order_id (str):
        capture_id (str):
        klarna_idempotency_key (str | Unset):
        body (ExtendDueDateRequest): The body of an extend-due-date request.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorMessage]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        capture_id=capture_id,
        body=body,
        klarna_idempotency_key=klarna_idempotency_key,
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
    body: ExtendDueDateRequest,
    klarna_idempotency_key: str | Unset = UNSET,
) -> Any | ErrorMessage | None:
    """Extend a capture's payment due date

     Extend the payment due date of a capture by one of the `number_of_days` offered by
    `getOptionsForExtendDueDate`.

    Args:
        order_id (str):
        capture_id (str):
        klarna_idempotency_key (str | Unset):
        body (ExtendDueDateRequest): The body of an extend-due-date request.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorMessage
    """

    return sync_detailed(
        order_id=order_id,
        capture_id=capture_id,
        client=client,
        body=body,
        klarna_idempotency_key=klarna_idempotency_key,
    ).parsed


async def asyncio_detailed(
    order_id: str,
    capture_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: ExtendDueDateRequest,
    klarna_idempotency_key: str | Unset = UNSET,
) -> Response[Any | ErrorMessage]:
    """Extend a capture's payment due date

     Extend the payment due date of a capture by one of the `number_of_days` offered by
    `getOptionsForExtendDueDate`.

    Args:
        order_id (str):
        capture_id (str):
        klarna_idempotency_key (str | Unset):
        body (ExtendDueDateRequest): The body of an extend-due-date request.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorMessage]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        capture_id=capture_id,
        body=body,
        klarna_idempotency_key=klarna_idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    order_id: str,
    capture_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: ExtendDueDateRequest,
    klarna_idempotency_key: str | Unset = UNSET,
) -> Any | ErrorMessage | None:
    """Extend a capture's payment due date

     Extend the payment due date of a capture by one of the `number_of_days` offered by
    `getOptionsForExtendDueDate`.

    Args:
        order_id (str):
        capture_id (str):
        klarna_idempotency_key (str | Unset):
        body (ExtendDueDateRequest): The body of an extend-due-date request.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorMessage
    """

    return (
        await asyncio_detailed(
            order_id=order_id,
            capture_id=capture_id,
            client=client,
            body=body,
            klarna_idempotency_key=klarna_idempotency_key,
        )
    ).parsed
