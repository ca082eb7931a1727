# generated from spec/klarna-ordermanagement.yaml by openapi-python-client 0.29.1, do not edit, run `make generate`
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.order_line_type import OrderLineType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.product_identifiers import ProductIdentifiers
    from ..models.subscription import Subscription


T = TypeVar("T", bound="OrderLine")


@_attrs_define
class OrderLine:
    """An order line of a refund (or capture, or order)."""

    name: str
    """ Descriptive item name. """
    quantity: int
    """ Item quantity. """
    unit_price: int
    """ Unit price including tax without applying discounts, in minor units. Negative for a return fee. """
    total_amount: int
    """ Total amount including tax and discounts (`quantity * unit_price - total_discount_amount`). Negative for a
    return fee. """
    type_: OrderLineType | str | Unset = UNSET
    """ Order line type. Klarna's values are listed in `OrderLineType`; any other string is
    accepted when reading, so that a type Klarna adds later does not break old clients.
     """
    reference: str | Unset = UNSET
    """ Article number, SKU, or similar identifier on the product variant level. Klarna matches it against the
    capture's order lines to allocate a refund. """
    quantity_unit: str | Unset = UNSET
    """ Unit used to describe the quantity. """
    tax_rate: int | Unset = UNSET
    """ The tax rate in percent with two implicit decimals (2500 = 25 %). """
    total_discount_amount: int | Unset = UNSET
    """ The discount amount in minor units. Includes tax. """
    total_tax_amount: int | Unset = UNSET
    """ The total tax amount in minor units. Negative for discount and return fee lines. """
    merchant_data: str | Unset = UNSET
    """ Data about the order line. """
    product_url: str | Unset = UNSET
    """ URL to the product that can be used in communications between Klarna and the customer. """
    image_url: str | Unset = UNSET
    """ URL to an image that can be embedded in communications between Klarna and the customer. """
    product_identifiers: ProductIdentifiers | Unset = UNSET
    """ Identifiers of the product of an order line. """
    subscription: Subscription | Unset = UNSET
    """ The cadence and product name of the subscription an order line belongs to. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        quantity = self.quantity

        unit_price = self.unit_price

        total_amount = self.total_amount

        type_: str | Unset
        if isinstance(self.type_, Unset):
            type_ = UNSET
        elif isinstance(self.type_, OrderLineType):
            type_ = self.type_.value
        else:
            type_ = self.type_

        reference = self.reference

        quantity_unit = self.quantity_unit

        tax_rate = self.tax_rate

        total_discount_amount = self.total_discount_amount

        total_tax_amount = self.total_tax_amount

        merchant_data = self.merchant_data

        product_url = self.product_url

        image_url = self.image_url

        product_identifiers: dict[str, Any] | Unset = UNSET
        if not isinstance(self.product_identifiers, Unset):
            product_identifiers = self.product_identifiers.to_dict()

        subscription: dict[str, Any] | Unset = UNSET
        if not isinstance(self.subscription, Unset):
            subscription = self.subscription.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "quantity": quantity,
                "unit_price": unit_price,
                "total_amount": total_amount,
            }
        )
        if type_ is not UNSET:
            field_dict["type"] = type_
        if reference is not UNSET:
            field_dict["reference"] = reference
        if quantity_unit is not UNSET:
            field_dict["quantity_unit"] = quantity_unit
        if tax_rate is not UNSET:
            field_dict["tax_rate"] = tax_rate
        if total_discount_amount is not UNSET:
            field_dict["total_discount_amount"] = total_discount_amount
        if total_tax_amount is not UNSET:
            field_dict["total_tax_amount"] = total_tax_amount
        if merchant_data is not UNSET:
            field_dict["merchant_data"] = merchant_data
        if product_url is not UNSET:
            field_dict["product_url"] = product_url
        if image_url is not UNSET:
            field_dict["image_url"] = image_url
        if product_identifiers is not UNSET:
            field_dict["product_identifiers"] = product_identifiers
        if subscription is not UNSET:
            field_dict["subscription"] = subscription

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.product_identifiers import ProductIdentifiers  # noqa: PLC0415
        from ..models.subscription import Subscription  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        quantity = d.pop("quantity")

        unit_price = d.pop("unit_price")

        total_amount = d.pop("total_amount")

        def _parse_type_(data: object) -> OrderLineType | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                type_type_0 = OrderLineType(data)

                return type_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(OrderLineType | str | Unset, data)

        type_ = _parse_type_(d.pop("type", UNSET))

        reference = d.pop("reference", UNSET)

        quantity_unit = d.pop("quantity_unit", UNSET)

        tax_rate = d.pop("tax_rate", UNSET)

        total_discount_amount = d.pop("total_discount_amount", UNSET)

        total_tax_amount = d.pop("total_tax_amount", UNSET)

        merchant_data = d.pop("merchant_data", UNSET)

        product_url = d.pop("product_url", UNSET)

        image_url = d.pop("image_url", UNSET)

        _product_identifiers = d.pop("product_identifiers", UNSET)
        product_identifiers: ProductIdentifiers | Unset
        if isinstance(_product_identifiers, Unset):
            product_identifiers = UNSET
        else:
            product_identifiers = ProductIdentifiers.from_dict(_product_identifiers)

        _subscription = d.pop("subscription", UNSET)
        subscription: Subscription | Unset
        if isinstance(_subscription, Unset):
            subscription = UNSET
        else:
            subscription = Subscription.from_dict(_subscription)

        order_line = cls(
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
        )

        order_line.additional_properties = d
        return order_line

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
