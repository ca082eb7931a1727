# generated from spec/klarna-ordermanagement.yaml by openapi-python-client 0.29.1, do not edit, run `make generate`
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, TypedDict, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import (
    FieldRule,
    SchemaError,
    json_type,
    model_repr,
    read_str,
)

T = TypeVar("T", bound="ProductIdentifiers")


@_attrs_define(frozen=True)
class ProductIdentifiers:
    """Identifiers of the product of an order line.

    Immutable: a missing or null optional field is None (an array: empty); `attrs.evolve` makes a changed copy.
    """

    brand: str | None = None
    """ The product's brand name as generally recognized by consumers. """
    category_path: str | None = None
    """ The product's category path as used in the merchant's webshop, segments separated by ' > '. """
    global_trade_item_number: str | None = None
    """ The product's Global Trade Item Number (GTIN, EAN, ISBN or UPC), without dashes and spaces. """
    manufacturer_part_number: str | None = None
    """ The product's Manufacturer Part Number (MPN). """
    color: str | None = None
    """ Color to be shown to the end customer. """
    size: str | None = None
    """ Size to be shown to the end customer. """
    additional_properties: Mapping[str, Any] = _attrs_field(factory=dict, kw_only=True, hash=False)
    """ Properties Klarna sent that the spec does not declare (kept, so nothing is lost). """

    SPEC_FIELDS: ClassVar[tuple[FieldRule, ...]] = (
        FieldRule("brand", "string", False, max_length=70),
        FieldRule("category_path", "string", False, max_length=750),
        FieldRule("global_trade_item_number", "string", False, max_length=50),
        FieldRule("manufacturer_part_number", "string", False, max_length=70),
        FieldRule("color", "string", False, max_length=64),
        FieldRule("size", "string", False, max_length=64),
    )
    """ What spec/ declares of each property (kind, required, bounds), for checks before sending. """

    def to_dict(self) -> dict[str, Any]:
        """This model as JSON-ready data, with only the fields that are present."""
        field_dict: dict[str, Any] = dict(self.additional_properties)
        if self.brand is not None:
            field_dict["brand"] = self.brand
        if self.category_path is not None:
            field_dict["category_path"] = self.category_path
        if self.global_trade_item_number is not None:
            field_dict["global_trade_item_number"] = self.global_trade_item_number
        if self.manufacturer_part_number is not None:
            field_dict["manufacturer_part_number"] = self.manufacturer_part_number
        if self.color is not None:
            field_dict["color"] = self.color
        if self.size is not None:
            field_dict["size"] = self.size
        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        """Read a decoded JSON object strictly; raise `SchemaError` at the first mismatch."""
        if type(src_dict) is not dict and not isinstance(src_dict, Mapping):
            raise SchemaError("", "object", json_type(src_dict))
        d = dict(src_dict)
        brand = d.pop("brand", None)
        if brand is not None and type(brand) is not str:
            brand = read_str(brand, "brand")

        category_path = d.pop("category_path", None)
        if category_path is not None and type(category_path) is not str:
            category_path = read_str(category_path, "category_path")

        global_trade_item_number = d.pop("global_trade_item_number", None)
        if global_trade_item_number is not None and type(global_trade_item_number) is not str:
            global_trade_item_number = read_str(global_trade_item_number, "global_trade_item_number")

        manufacturer_part_number = d.pop("manufacturer_part_number", None)
        if manufacturer_part_number is not None and type(manufacturer_part_number) is not str:
            manufacturer_part_number = read_str(manufacturer_part_number, "manufacturer_part_number")

        color = d.pop("color", None)
        if color is not None and type(color) is not str:
            color = read_str(color, "color")

        size = d.pop("size", None)
        if size is not None and type(size) is not str:
            size = read_str(size, "size")

        additional_properties = d
        return cls(
            brand=brand,
            category_path=category_path,
            global_trade_item_number=global_trade_item_number,
            manufacturer_part_number=manufacturer_part_number,
            color=color,
            size=size,
            additional_properties=additional_properties,
        )

    def __repr__(self) -> str:
        return model_repr(
            self,
            (
                ("brand", self.brand),
                ("category_path", self.category_path),
                ("global_trade_item_number", self.global_trade_item_number),
                ("manufacturer_part_number", self.manufacturer_part_number),
                ("color", self.color),
                ("size", self.size),
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


class ProductIdentifiersInput(TypedDict, total=False):
    """`ProductIdentifiers` as JSON, for typed inputs: Klarna's field names; `Required` as the spec says."""

    brand: str
    category_path: str
    global_trade_item_number: str
    manufacturer_part_number: str
    color: str
    size: str
