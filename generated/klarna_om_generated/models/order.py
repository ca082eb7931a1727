# generated from spec/klarna-ordermanagement.yaml by openapi-python-client 0.29.1, do not edit, run `make generate`
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.order_status import OrderStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.capture import Capture
    from ..models.order_line import OrderLine
    from ..models.refund import Refund


T = TypeVar("T", bound="Order")


@_attrs_define
class Order:
    """An order, as `getOrder` shows it (Klarna's `MerchantOrderDto`, formerly `Order`). Klarna
    declares no field as required. Klarna's nested customer and shipping objects
    (`billing_address`, `shipping_address`, `customer`, `initial_payment_method`,
    `selected_shipping_option`, `shipping_info`) are not declared here; they are kept as
    additional properties.

    """

    order_id: str | Unset = UNSET
    """ The unique order id. Cannot be longer than 255 characters. """
    status: OrderStatus | str | Unset = UNSET
    """ The order status. Klarna's values are listed in `OrderStatus`; any other string is
    accepted when reading, so that a status Klarna adds later does not break old clients.
     """
    fraud_status: str | Unset = UNSET
    """ Fraud status for the order. Either ACCEPTED, PENDING or REJECTED (an open string in Klarna's definition).
    """
    klarna_reference: str | Unset = UNSET
    """ A Klarna generated reference, shorter than the order id, that Klarna uses when it
    communicates with the customer about the payment.
     """
    merchant_reference1: str | Unset = UNSET
    """ The order number the merchant assigned; labelled Order Number in communications to the customer and in the
    Klarna app. """
    merchant_reference2: str | Unset = UNSET
    """ The merchant's internal reference to the order, for example in its ERP or order management system. """
    merchant_data: str | Unset = UNSET
    """ Text field for storing data about the order. Set at order creation. """
    purchase_country: str | Unset = UNSET
    """ The purchase country, ISO 3166-1 alpha-2. """
    purchase_currency: str | Unset = UNSET
    """ The currency of the order, ISO 4217. """
    locale: str | Unset = UNSET
    """ The customer's locale, RFC 1766. """
    order_amount: int | Unset = UNSET
    """ The order amount in minor units. """
    original_order_amount: int | Unset = UNSET
    """ The original order amount in minor units. """
    captured_amount: int | Unset = UNSET
    """ The total amount of all captures, in minor units. """
    refunded_amount: int | Unset = UNSET
    """ The total amount of all refunds, in minor units. """
    remaining_authorized_amount: int | Unset = UNSET
    """ The amount still authorized, in minor units: what can still be captured. It can only
    be increased by increasing `order_amount`.
     """
    created_at: datetime.datetime | Unset = UNSET
    """ The time of the purchase. ISO 8601. """
    expires_at: datetime.datetime | Unset = UNSET
    """ The order can be captured until this time. ISO 8601. """
    order_lines: list[OrderLine] | Unset = UNSET
    """ The order lines of the order; each is one item in the cart. """
    captures: list[Capture] | Unset = UNSET
    """ The captures of the order (each one customer invoice). """
    refunds: list[Refund] | Unset = UNSET
    """ The refunds of the order. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        order_id = self.order_id

        status: str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif isinstance(self.status, OrderStatus):
            status = self.status.value
        else:
            status = self.status

        fraud_status = self.fraud_status

        klarna_reference = self.klarna_reference

        merchant_reference1 = self.merchant_reference1

        merchant_reference2 = self.merchant_reference2

        merchant_data = self.merchant_data

        purchase_country = self.purchase_country

        purchase_currency = self.purchase_currency

        locale = self.locale

        order_amount = self.order_amount

        original_order_amount = self.original_order_amount

        captured_amount = self.captured_amount

        refunded_amount = self.refunded_amount

        remaining_authorized_amount = self.remaining_authorized_amount

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        expires_at: str | Unset = UNSET
        if not isinstance(self.expires_at, Unset):
            expires_at = self.expires_at.isoformat()

        order_lines: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.order_lines, Unset):
            order_lines = []
            for order_lines_item_data in self.order_lines:
                order_lines_item = order_lines_item_data.to_dict()
                order_lines.append(order_lines_item)

        captures: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.captures, Unset):
            captures = []
            for captures_item_data in self.captures:
                captures_item = captures_item_data.to_dict()
                captures.append(captures_item)

        refunds: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.refunds, Unset):
            refunds = []
            for refunds_item_data in self.refunds:
                refunds_item = refunds_item_data.to_dict()
                refunds.append(refunds_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if order_id is not UNSET:
            field_dict["order_id"] = order_id
        if status is not UNSET:
            field_dict["status"] = status
        if fraud_status is not UNSET:
            field_dict["fraud_status"] = fraud_status
        if klarna_reference is not UNSET:
            field_dict["klarna_reference"] = klarna_reference
        if merchant_reference1 is not UNSET:
            field_dict["merchant_reference1"] = merchant_reference1
        if merchant_reference2 is not UNSET:
            field_dict["merchant_reference2"] = merchant_reference2
        if merchant_data is not UNSET:
            field_dict["merchant_data"] = merchant_data
        if purchase_country is not UNSET:
            field_dict["purchase_country"] = purchase_country
        if purchase_currency is not UNSET:
            field_dict["purchase_currency"] = purchase_currency
        if locale is not UNSET:
            field_dict["locale"] = locale
        if order_amount is not UNSET:
            field_dict["order_amount"] = order_amount
        if original_order_amount is not UNSET:
            field_dict["original_order_amount"] = original_order_amount
        if captured_amount is not UNSET:
            field_dict["captured_amount"] = captured_amount
        if refunded_amount is not UNSET:
            field_dict["refunded_amount"] = refunded_amount
        if remaining_authorized_amount is not UNSET:
            field_dict["remaining_authorized_amount"] = remaining_authorized_amount
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if order_lines is not UNSET:
            field_dict["order_lines"] = order_lines
        if captures is not UNSET:
            field_dict["captures"] = captures
        if refunds is not UNSET:
            field_dict["refunds"] = refunds

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.capture import Capture  # noqa: PLC0415
        from ..models.order_line import OrderLine  # noqa: PLC0415
        from ..models.refund import Refund  # noqa: PLC0415

        d = dict(src_dict)
        order_id = d.pop("order_id", UNSET)

        def _parse_status(data: object) -> OrderStatus | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = OrderStatus(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(OrderStatus | str | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        fraud_status = d.pop("fraud_status", UNSET)

        klarna_reference = d.pop("klarna_reference", UNSET)

        merchant_reference1 = d.pop("merchant_reference1", UNSET)

        merchant_reference2 = d.pop("merchant_reference2", UNSET)

        merchant_data = d.pop("merchant_data", UNSET)

        purchase_country = d.pop("purchase_country", UNSET)

        purchase_currency = d.pop("purchase_currency", UNSET)

        locale = d.pop("locale", UNSET)

        order_amount = d.pop("order_amount", UNSET)

        original_order_amount = d.pop("original_order_amount", UNSET)

        captured_amount = d.pop("captured_amount", UNSET)

        refunded_amount = d.pop("refunded_amount", UNSET)

        remaining_authorized_amount = d.pop("remaining_authorized_amount", UNSET)

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        _expires_at = d.pop("expires_at", UNSET)
        expires_at: datetime.datetime | Unset
        if isinstance(_expires_at, Unset):
            expires_at = UNSET
        else:
            expires_at = datetime.datetime.fromisoformat(_expires_at)

        _order_lines = d.pop("order_lines", UNSET)
        order_lines: list[OrderLine] | Unset = UNSET
        if _order_lines is not UNSET:
            order_lines = []
            for order_lines_item_data in _order_lines:
                order_lines_item = OrderLine.from_dict(order_lines_item_data)

                order_lines.append(order_lines_item)

        _captures = d.pop("captures", UNSET)
        captures: list[Capture] | Unset = UNSET
        if _captures is not UNSET:
            captures = []
            for captures_item_data in _captures:
                captures_item = Capture.from_dict(captures_item_data)

                captures.append(captures_item)

        _refunds = d.pop("refunds", UNSET)
        refunds: list[Refund] | Unset = UNSET
        if _refunds is not UNSET:
            refunds = []
            for refunds_item_data in _refunds:
                refunds_item = Refund.from_dict(refunds_item_data)

                refunds.append(refunds_item)

        order = cls(
            order_id=order_id,
            status=status,
            fraud_status=fraud_status,
            klarna_reference=klarna_reference,
            merchant_reference1=merchant_reference1,
            merchant_reference2=merchant_reference2,
            merchant_data=merchant_data,
            purchase_country=purchase_country,
            purchase_currency=purchase_currency,
            locale=locale,
            order_amount=order_amount,
            original_order_amount=original_order_amount,
            captured_amount=captured_amount,
            refunded_amount=refunded_amount,
            remaining_authorized_amount=remaining_authorized_amount,
            created_at=created_at,
            expires_at=expires_at,
            order_lines=order_lines,
            captures=captures,
            refunds=refunds,
        )

        order.additional_properties = d
        return order

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
