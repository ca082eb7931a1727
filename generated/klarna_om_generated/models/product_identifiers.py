# generated from spec/klarna-ordermanagement.yaml by openapi-python-client 0.29.1, do not edit, run `make generate`
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ProductIdentifiers")


@_attrs_define
class ProductIdentifiers:
    """Identifiers of the product of an order line."""

    brand: str | Unset = UNSET
    """ The product's brand name as generally recognized by consumers. """
    category_path: str | Unset = UNSET
    """ The product's category path as used in the merchant's webshop, segments separated by ' > '. """
    global_trade_item_number: str | Unset = UNSET
    """ The product's Global Trade Item Number (GTIN, EAN, ISBN or UPC), without dashes and spaces. """
    manufacturer_part_number: str | Unset = UNSET
    """ The product's Manufacturer Part Number (MPN). """
    color: str | Unset = UNSET
    """ Color to be shown to the end customer. """
    size: str | Unset = UNSET
    """ Size to be shown to the end customer. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        brand = self.brand

        category_path = self.category_path

        global_trade_item_number = self.global_trade_item_number

        manufacturer_part_number = self.manufacturer_part_number

        color = self.color

        size = self.size

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if brand is not UNSET:
            field_dict["brand"] = brand
        if category_path is not UNSET:
            field_dict["category_path"] = category_path
        if global_trade_item_number is not UNSET:
            field_dict["global_trade_item_number"] = global_trade_item_number
        if manufacturer_part_number is not UNSET:
            field_dict["manufacturer_part_number"] = manufacturer_part_number
        if color is not UNSET:
            field_dict["color"] = color
        if size is not UNSET:
            field_dict["size"] = size

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        brand = d.pop("brand", UNSET)

        category_path = d.pop("category_path", UNSET)

        global_trade_item_number = d.pop("global_trade_item_number", UNSET)

        manufacturer_part_number = d.pop("manufacturer_part_number", UNSET)

        color = d.pop("color", UNSET)

        size = d.pop("size", UNSET)

        product_identifiers = cls(
            brand=brand,
            category_path=category_path,
            global_trade_item_number=global_trade_item_number,
            manufacturer_part_number=manufacturer_part_number,
            color=color,
            size=size,
        )

        product_identifiers.additional_properties = d
        return product_identifiers

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
