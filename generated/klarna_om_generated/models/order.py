# generated from spec/klarna-ordermanagement.yaml by openapi-python-client 0.29.1, do not edit, run `make generate`
from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Required, TypedDict, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.order_status import OrderStatus
from ..types import (
    FieldRule,
    SchemaError,
    json_type,
    model_repr,
    read_datetime,
    read_int,
    read_model_list,
    read_open_enum,
    read_str,
    to_json,
)

if TYPE_CHECKING:
    from ..models.capture import Capture, CaptureInput
    from ..models.order_line import OrderLine, OrderLineInput
    from ..models.refund import Refund, RefundInput


T = TypeVar("T", bound="Order")


@_attrs_define(frozen=True)
class Order:
    """An order, as `getOrder` shows it (Klarna's `MerchantOrderDto`, formerly `Order`). Klarna
    declares no field as required; the fragment requires the identity, status, currency and
    amounts that every order Klarna shows carries (see spec/deviations.yaml). Klarna's nested
    customer and shipping objects (`billing_address`, `shipping_address`, `customer`,
    `initial_payment_method`, `selected_shipping_option`, `shipping_info`) are not declared
    here; they are kept as additional properties.

        Immutable: a missing or null optional field is None (an array: empty); `attrs.evolve` makes a changed copy.
    """

    order_id: str
    """ The unique order id. Cannot be longer than 255 characters. """
    status: OrderStatus | str
    """ The order status. Klarna's values are listed in `OrderStatus`; any other string is
    accepted when reading, so that a status Klarna adds later does not break old clients.
     """
    purchase_currency: str
    """ The currency of the order, ISO 4217. """
    order_amount: int
    """ The order amount in minor units. """
    captured_amount: int
    """ The total amount of all captures, in minor units. """
    refunded_amount: int
    """ The total amount of all refunds, in minor units. """
    fraud_status: str | None = None
    """ Fraud status for the order. Either ACCEPTED, PENDING or REJECTED (an open string in Klarna's definition).
    """
    klarna_reference: str | None = None
    """ A Klarna generated reference, shorter than the order id, that Klarna uses when it
    communicates with the customer about the payment.
     """
    merchant_reference1: str | None = None
    """ The order number the merchant assigned; labelled Order Number in communications to the customer and in the
    Klarna app. """
    merchant_reference2: str | None = None
    """ The merchant's internal reference to the order, for example in its ERP or order management system. """
    merchant_data: str | None = None
    """ Text field for storing data about the order. Set at order creation. """
    purchase_country: str | None = None
    """ The purchase country, ISO 3166-1 alpha-2. """
    locale: str | None = None
    """ The customer's locale, RFC 1766. """
    original_order_amount: int | None = None
    """ The original order amount in minor units. """
    remaining_authorized_amount: int | None = None
    """ The amount still authorized, in minor units: what can still be captured. It can only
    be increased by increasing `order_amount`.
     """
    created_at: datetime.datetime | None = None
    """ The time of the purchase. ISO 8601. """
    expires_at: datetime.datetime | None = None
    """ The order can be captured until this time. ISO 8601. """
    order_lines: tuple[OrderLine, ...] = ()
    """ The order lines of the order; each is one item in the cart. """
    captures: tuple[Capture, ...] = ()
    """ The captures of the order (each one customer invoice). """
    refunds: tuple[Refund, ...] = ()
    """ The refunds of the order. """
    additional_properties: Mapping[str, Any] = _attrs_field(factory=dict, kw_only=True, hash=False)
    """ Properties Klarna sent that the spec does not declare (kept, so nothing is lost). """

    SPEC_FIELDS: ClassVar[tuple[FieldRule, ...]] = (
        FieldRule("order_id", "string", True),
        FieldRule("status", "open_enum", True),
        FieldRule("purchase_currency", "string", True),
        FieldRule("order_amount", "integer", True),
        FieldRule("captured_amount", "integer", True),
        FieldRule("refunded_amount", "integer", True),
        FieldRule("fraud_status", "string", False),
        FieldRule("klarna_reference", "string", False),
        FieldRule("merchant_reference1", "string", False),
        FieldRule("merchant_reference2", "string", False),
        FieldRule("merchant_data", "string", False),
        FieldRule("purchase_country", "string", False),
        FieldRule("locale", "string", False),
        FieldRule("original_order_amount", "integer", False),
        FieldRule("remaining_authorized_amount", "integer", False),
        FieldRule("created_at", "date-time", False),
        FieldRule("expires_at", "date-time", False),
        FieldRule("order_lines", "array", False, item_kind="object", model="OrderLine"),
        FieldRule("captures", "array", False, item_kind="object", model="Capture"),
        FieldRule("refunds", "array", False, item_kind="object", model="Refund"),
    )
    """ What spec/ declares of each property (kind, required, bounds), for checks before sending. """

    def to_dict(self) -> dict[str, Any]:
        """This model as JSON-ready data, with only the fields that are present."""
        field_dict: dict[str, Any] = dict(self.additional_properties)
        field_dict["order_id"] = self.order_id
        field_dict["status"] = to_json(self.status)
        field_dict["purchase_currency"] = self.purchase_currency
        field_dict["order_amount"] = self.order_amount
        field_dict["captured_amount"] = self.captured_amount
        field_dict["refunded_amount"] = self.refunded_amount
        if self.fraud_status is not None:
            field_dict["fraud_status"] = self.fraud_status
        if self.klarna_reference is not None:
            field_dict["klarna_reference"] = self.klarna_reference
        if self.merchant_reference1 is not None:
            field_dict["merchant_reference1"] = self.merchant_reference1
        if self.merchant_reference2 is not None:
            field_dict["merchant_reference2"] = self.merchant_reference2
        if self.merchant_data is not None:
            field_dict["merchant_data"] = self.merchant_data
        if self.purchase_country is not None:
            field_dict["purchase_country"] = self.purchase_country
        if self.locale is not None:
            field_dict["locale"] = self.locale
        if self.original_order_amount is not None:
            field_dict["original_order_amount"] = self.original_order_amount
        if self.remaining_authorized_amount is not None:
            field_dict["remaining_authorized_amount"] = self.remaining_authorized_amount
        if self.created_at is not None:
            field_dict["created_at"] = to_json(self.created_at)
        if self.expires_at is not None:
            field_dict["expires_at"] = to_json(self.expires_at)
        if self.order_lines:
            field_dict["order_lines"] = to_json(self.order_lines)
        if self.captures:
            field_dict["captures"] = to_json(self.captures)
        if self.refunds:
            field_dict["refunds"] = to_json(self.refunds)
        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        """Read a decoded JSON object strictly; raise `SchemaError` at the first mismatch."""
        from ..models.capture import Capture  # noqa: PLC0415
        from ..models.order_line import OrderLine  # noqa: PLC0415
        from ..models.refund import Refund  # noqa: PLC0415

        if type(src_dict) is not dict and not isinstance(src_dict, Mapping):
            raise SchemaError("", "object", json_type(src_dict))
        d = dict(src_dict)
        try:
            order_id = d.pop("order_id")
        except KeyError:
            raise SchemaError("order_id", "a value (required)", "nothing") from None
        if type(order_id) is not str:
            order_id = read_str(order_id, "order_id")

        try:
            status = d.pop("status")
        except KeyError:
            raise SchemaError("status", "a value (required)", "nothing") from None
        status = read_open_enum(status, "status", OrderStatus)

        try:
            purchase_currency = d.pop("purchase_currency")
        except KeyError:
            raise SchemaError("purchase_currency", "a value (required)", "nothing") from None
        if type(purchase_currency) is not str:
            purchase_currency = read_str(purchase_currency, "purchase_currency")

        try:
            order_amount = d.pop("order_amount")
        except KeyError:
            raise SchemaError("order_amount", "a value (required)", "nothing") from None
        if type(order_amount) is not int:
            order_amount = read_int(order_amount, "order_amount")

        try:
            captured_amount = d.pop("captured_amount")
        except KeyError:
            raise SchemaError("captured_amount", "a value (required)", "nothing") from None
        if type(captured_amount) is not int:
            captured_amount = read_int(captured_amount, "captured_amount")

        try:
            refunded_amount = d.pop("refunded_amount")
        except KeyError:
            raise SchemaError("refunded_amount", "a value (required)", "nothing") from None
        if type(refunded_amount) is not int:
            refunded_amount = read_int(refunded_amount, "refunded_amount")

        fraud_status = d.pop("fraud_status", None)
        if fraud_status is not None and type(fraud_status) is not str:
            fraud_status = read_str(fraud_status, "fraud_status")

        klarna_reference = d.pop("klarna_reference", None)
        if klarna_reference is not None and type(klarna_reference) is not str:
            klarna_reference = read_str(klarna_reference, "klarna_reference")

        merchant_reference1 = d.pop("merchant_reference1", None)
        if merchant_reference1 is not None and type(merchant_reference1) is not str:
            merchant_reference1 = read_str(merchant_reference1, "merchant_reference1")

        merchant_reference2 = d.pop("merchant_reference2", None)
        if merchant_reference2 is not None and type(merchant_reference2) is not str:
            merchant_reference2 = read_str(merchant_reference2, "merchant_reference2")

        merchant_data = d.pop("merchant_data", None)
        if merchant_data is not None and type(merchant_data) is not str:
            merchant_data = read_str(merchant_data, "merchant_data")

        purchase_country = d.pop("purchase_country", None)
        if purchase_country is not None and type(purchase_country) is not str:
            purchase_country = read_str(purchase_country, "purchase_country")

        locale = d.pop("locale", None)
        if locale is not None and type(locale) is not str:
            locale = read_str(locale, "locale")

        original_order_amount = d.pop("original_order_amount", None)
        if original_order_amount is not None and type(original_order_amount) is not int:
            original_order_amount = read_int(original_order_amount, "original_order_amount")

        remaining_authorized_amount = d.pop("remaining_authorized_amount", None)
        if remaining_authorized_amount is not None and type(remaining_authorized_amount) is not int:
            remaining_authorized_amount = read_int(remaining_authorized_amount, "remaining_authorized_amount")

        created_at = d.pop("created_at", None)
        if created_at is not None:
            created_at = read_datetime(created_at, "created_at")

        expires_at = d.pop("expires_at", None)
        if expires_at is not None:
            expires_at = read_datetime(expires_at, "expires_at")

        order_lines = d.pop("order_lines", None)
        order_lines = () if order_lines is None else read_model_list(order_lines, "order_lines", OrderLine.from_dict)

        captures = d.pop("captures", None)
        captures = () if captures is None else read_model_list(captures, "captures", Capture.from_dict)

        refunds = d.pop("refunds", None)
        refunds = () if refunds is None else read_model_list(refunds, "refunds", Refund.from_dict)

        additional_properties = d
        return cls(
            order_id=order_id,
            status=status,
            purchase_currency=purchase_currency,
            order_amount=order_amount,
            captured_amount=captured_amount,
            refunded_amount=refunded_amount,
            fraud_status=fraud_status,
            klarna_reference=klarna_reference,
            merchant_reference1=merchant_reference1,
            merchant_reference2=merchant_reference2,
            merchant_data=merchant_data,
            purchase_country=purchase_country,
            locale=locale,
            original_order_amount=original_order_amount,
            remaining_authorized_amount=remaining_authorized_amount,
            created_at=created_at,
            expires_at=expires_at,
            order_lines=order_lines,
            captures=captures,
            refunds=refunds,
            additional_properties=additional_properties,
        )

    def __repr__(self) -> str:
        return model_repr(
            self,
            (
                ("order_id", self.order_id),
                ("status", self.status),
                ("purchase_currency", self.purchase_currency),
                ("order_amount", self.order_amount),
                ("captured_amount", self.captured_amount),
                ("refunded_amount", self.refunded_amount),
                ("fraud_status", self.fraud_status),
                ("klarna_reference", self.klarna_reference),
                ("merchant_reference1", self.merchant_reference1),
                ("merchant_reference2", self.merchant_reference2),
                ("merchant_data", self.merchant_data),
                ("purchase_country", self.purchase_country),
                ("locale", self.locale),
                ("original_order_amount", self.original_order_amount),
                ("remaining_authorized_amount", self.remaining_authorized_amount),
                ("created_at", self.created_at),
                ("expires_at", self.expires_at),
                ("order_lines", self.order_lines),
                ("captures", self.captures),
                ("refunds", self.refunds),
            ),
            self.additional_properties,
        )

    @property
    def additional_keys(self) -> list[str]:
        """The keys of the undeclared properties."""
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        """The undeclared property `key`."""
        return self.additional_properties[key]

    __iter__ = None  # a model is not a sequence: `__getitem__` reads undeclared properties only

    def __contains__(self, key: str) -> bool:
        """Whether Klarna sent the undeclared property `key`."""
        return key in self.additional_properties


class OrderInput(TypedDict, total=False):
    """`Order` as JSON, for typed inputs: Klarna's field names; `Required` as the spec says."""

    order_id: Required[str]
    status: Required[str]
    purchase_currency: Required[str]
    order_amount: Required[int]
    captured_amount: Required[int]
    refunded_amount: Required[int]
    fraud_status: str
    klarna_reference: str
    merchant_reference1: str
    merchant_reference2: str
    merchant_data: str
    purchase_country: str
    locale: str
    original_order_amount: int
    remaining_authorized_amount: int
    created_at: str
    expires_at: str
    order_lines: Sequence[OrderLineInput]
    captures: Sequence[CaptureInput]
    refunds: Sequence[RefundInput]
