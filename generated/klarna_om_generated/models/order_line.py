# generated from spec/klarna-ordermanagement.yaml by openapi-python-client 0.29.1, do not edit, run `make generate`
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Required, TypedDict, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.order_line_type import OrderLineType
from ..types import (
    FieldRule,
    SchemaError,
    json_type,
    model_repr,
    read_int,
    read_model,
    read_open_enum,
    read_str,
    to_json,
)

if TYPE_CHECKING:
    from ..models.product_identifiers import ProductIdentifiers, ProductIdentifiersInput
    from ..models.subscription import Subscription, SubscriptionInput


T = TypeVar("T", bound="OrderLine")


@_attrs_define(frozen=True)
class OrderLine:
    """An order line of a refund (or capture, or order).

    Immutable: a missing or null optional field is None (an array: empty); `attrs.evolve` makes a changed copy.
    """

    name: str
    """ Descriptive item name. """
    quantity: int
    """ Item quantity. """
    unit_price: int
    """ Unit price including tax without applying discounts, in minor units. Negative for a return fee. """
    total_amount: int
    """ Total amount including tax and discounts (`quantity * unit_price - total_discount_amount`). Negative for a
    return fee. """
    type_: OrderLineType | str | None = None
    """ Order line type. Klarna's values are listed in `OrderLineType`; any other string is
    accepted when reading, so that a type Klarna adds later does not break old clients.
     """
    reference: str | None = None
    """ Article number, SKU, or similar identifier on the product variant level. Klarna matches it against the
    capture's order lines to allocate a refund. """
    quantity_unit: str | None = None
    """ Unit used to describe the quantity. """
    tax_rate: int | None = None
    """ The tax rate in percent with two implicit decimals (2500 = 25 %). """
    total_discount_amount: int | None = None
    """ The discount amount in minor units. Includes tax. """
    total_tax_amount: int | None = None
    """ The total tax amount in minor units. Negative for discount and return fee lines. """
    merchant_data: str | None = None
    """ Data about the order line. """
    product_url: str | None = None
    """ URL to the product that can be used in communications between Klarna and the customer. """
    image_url: str | None = None
    """ URL to an image that can be embedded in communications between Klarna and the customer. """
    product_identifiers: ProductIdentifiers | None = None
    """ Identifiers of the product of an order line. """
    subscription: Subscription | None = None
    """ The cadence and product name of the subscription an order line belongs to. """
    additional_properties: Mapping[str, Any] = _attrs_field(factory=dict, kw_only=True, hash=False)
    """ Properties Klarna sent that the spec does not declare (kept, so nothing is lost). """

    SPEC_FIELDS: ClassVar[tuple[FieldRule, ...]] = (
        FieldRule("name", "string", True, max_length=255),
        FieldRule("quantity", "integer", True, minimum=0),
        FieldRule("unit_price", "integer", True, maximum=200000000),
        FieldRule("total_amount", "integer", True, maximum=200000000),
        FieldRule("type", "open_enum", False),
        FieldRule("reference", "string", False, max_length=255),
        FieldRule("quantity_unit", "string", False, max_length=10),
        FieldRule("tax_rate", "integer", False, minimum=0, maximum=2147483647),
        FieldRule("total_discount_amount", "integer", False, minimum=0, maximum=200000000),
        FieldRule("total_tax_amount", "integer", False, maximum=200000000),
        FieldRule("merchant_data", "string", False, max_length=1024),
        FieldRule("product_url", "string", False, max_length=1024),
        FieldRule("image_url", "string", False, max_length=1024),
        FieldRule("product_identifiers", "object", False, model="ProductIdentifiers"),
        FieldRule("subscription", "object", False, model="Subscription"),
    )
    """ What spec/ declares of each property (kind, required, bounds), for checks before sending. """

    def to_dict(self) -> dict[str, Any]:
        """This model as JSON-ready data, with only the fields that are present."""
        field_dict: dict[str, Any] = dict(self.additional_properties)
        field_dict["name"] = self.name
        field_dict["quantity"] = self.quantity
        field_dict["unit_price"] = self.unit_price
        field_dict["total_amount"] = self.total_amount
        if self.type_ is not None:
            field_dict["type"] = to_json(self.type_)
        if self.reference is not None:
            field_dict["reference"] = self.reference
        if self.quantity_unit is not None:
            field_dict["quantity_unit"] = self.quantity_unit
        if self.tax_rate is not None:
            field_dict["tax_rate"] = self.tax_rate
        if self.total_discount_amount is not None:
            field_dict["total_discount_amount"] = self.total_discount_amount
        if self.total_tax_amount is not None:
            field_dict["total_tax_amount"] = self.total_tax_amount
        if self.merchant_data is not None:
            field_dict["merchant_data"] = self.merchant_data
        if self.product_url is not None:
            field_dict["product_url"] = self.product_url
        if self.image_url is not None:
            field_dict["image_url"] = self.image_url
        if self.product_identifiers is not None:
            field_dict["product_identifiers"] = to_json(self.product_identifiers)
        if self.subscription is not None:
            field_dict["subscription"] = to_json(self.subscription)
        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        """Read a decoded JSON object strictly; raise `SchemaError` at the first mismatch."""
        from ..models.product_identifiers import ProductIdentifiers  # noqa: PLC0415
        from ..models.subscription import Subscription  # noqa: PLC0415

        if type(src_dict) is not dict and not isinstance(src_dict, Mapping):
            raise SchemaError("", "object", json_type(src_dict))
        d = dict(src_dict)
        try:
            name = d.pop("name")
        except KeyError:
            raise SchemaError("name", "a value (required)", "nothing") from None
        if type(name) is not str:
            name = read_str(name, "name")

        try:
            quantity = d.pop("quantity")
        except KeyError:
            raise SchemaError("quantity", "a value (required)", "nothing") from None
        if type(quantity) is not int:
            quantity = read_int(quantity, "quantity")

        try:
            unit_price = d.pop("unit_price")
        except KeyError:
            raise SchemaError("unit_price", "a value (required)", "nothing") from None
        if type(unit_price) is not int:
            unit_price = read_int(unit_price, "unit_price")

        try:
            total_amount = d.pop("total_amount")
        except KeyError:
            raise SchemaError("total_amount", "a value (required)", "nothing") from None
        if type(total_amount) is not int:
            total_amount = read_int(total_amount, "total_amount")

        type_ = d.pop("type", None)
        if type_ is not None:
            type_ = read_open_enum(type_, "type", OrderLineType)

        reference = d.pop("reference", None)
        if reference is not None and type(reference) is not str:
            reference = read_str(reference, "reference")

        quantity_unit = d.pop("quantity_unit", None)
        if quantity_unit is not None and type(quantity_unit) is not str:
            quantity_unit = read_str(quantity_unit, "quantity_unit")

        tax_rate = d.pop("tax_rate", None)
        if tax_rate is not None and type(tax_rate) is not int:
            tax_rate = read_int(tax_rate, "tax_rate")

        total_discount_amount = d.pop("total_discount_amount", None)
        if total_discount_amount is not None and type(total_discount_amount) is not int:
            total_discount_amount = read_int(total_discount_amount, "total_discount_amount")

        total_tax_amount = d.pop("total_tax_amount", None)
        if total_tax_amount is not None and type(total_tax_amount) is not int:
            total_tax_amount = read_int(total_tax_amount, "total_tax_amount")

        merchant_data = d.pop("merchant_data", None)
        if merchant_data is not None and type(merchant_data) is not str:
            merchant_data = read_str(merchant_data, "merchant_data")

        product_url = d.pop("product_url", None)
        if product_url is not None and type(product_url) is not str:
            product_url = read_str(product_url, "product_url")

        image_url = d.pop("image_url", None)
        if image_url is not None and type(image_url) is not str:
            image_url = read_str(image_url, "image_url")

        product_identifiers = d.pop("product_identifiers", None)
        if product_identifiers is not None:
            product_identifiers = read_model(product_identifiers, "product_identifiers", ProductIdentifiers.from_dict)

        subscription = d.pop("subscription", None)
        if subscription is not None:
            subscription = read_model(subscription, "subscription", Subscription.from_dict)

        additional_properties = d
        return cls(
            name=name,
            quantity=quantity,
            unit_price=unit_price,
            total_amount=total_amount,
            type_=type_,
            reference=reference,
            quantity_unit=quantity_unit,
            tax_rate=tax_rate,
            total_discount_amount=total_discount_amount,
            total_tax_amount=total_tax_amount,
            merchant_data=merchant_data,
            product_url=product_url,
            image_url=image_url,
            product_identifiers=product_identifiers,
            subscription=subscription,
            additional_properties=additional_properties,
        )

    def __repr__(self) -> str:
        return model_repr(
            self,
            (
                ("name", self.name),
                ("quantity", self.quantity),
                ("unit_price", self.unit_price),
                ("total_amount", self.total_amount),
                ("type_", self.type_),
                ("reference", self.reference),
                ("quantity_unit", self.quantity_unit),
                ("tax_rate", self.tax_rate),
                ("total_discount_amount", self.total_discount_amount),
                ("total_tax_amount", self.total_tax_amount),
                ("merchant_data", self.merchant_data),
                ("product_url", self.product_url),
                ("image_url", self.image_url),
                ("product_identifiers", self.product_identifiers),
                ("subscription", self.subscription),
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


class OrderLineInput(TypedDict, total=False):
    """`OrderLine` as JSON, for typed inputs: Klarna's field names; `Required` as the spec says."""

    name: Required[str]
    quantity: Required[int]
    unit_price: Required[int]
    total_amount: Required[int]
    type: str
    reference: str
    quantity_unit: str
    tax_rate: int
    total_discount_amount: int
    total_tax_amount: int
    merchant_data: str
    product_url: str
    image_url: str
    product_identifiers: ProductIdentifiersInput
    subscription: SubscriptionInput
