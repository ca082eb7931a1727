# generated from spec/klarna-ordermanagement.yaml by openapi-python-client 0.29.1, do not edit, run `make generate`
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.order_line import OrderLine


T = TypeVar("T", bound="RefundObject")


@_attrs_define
class RefundObject:
    """The body of a refund request."""

    refunded_amount: int
    """ Refunded amount in minor units. At most what was captured minus what was already
    refunded. With `order_lines`, the sum of their `total_amount`.
     """
    description: str | Unset = UNSET
    """ Description of the refund shown to the customer. Max length is 255 characters. """
    reference: str | Unset = UNSET
    """ Internal reference to the refund. This will be included in the settlement files. Max length is 255
    characters. """
    order_lines: list[OrderLine] | Unset = UNSET
    """ Order lines for the refund shown to the customer. Optional, but they let Klarna
    allocate the refund to the right capture; required when charging a return fee.
    Maximum 1000 order lines.
     """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        refunded_amount = self.refunded_amount

        description = self.description

        reference = self.reference

        order_lines: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.order_lines, Unset):
            order_lines = []
            for order_lines_item_data in self.order_lines:
                order_lines_item = order_lines_item_data.to_dict()
                order_lines.append(order_lines_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "refunded_amount": refunded_amount,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if reference is not UNSET:
            field_dict["reference"] = reference
        if order_lines is not UNSET:
            field_dict["order_lines"] = order_lines

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.order_line import OrderLine  # noqa: PLC0415

        d = dict(src_dict)
        refunded_amount = d.pop("refunded_amount")

        description = d.pop("description", UNSET)

        reference = d.pop("reference", UNSET)

        _order_lines = d.pop("order_lines", UNSET)
        order_lines: list[OrderLine] | Unset = UNSET
        if _order_lines is not UNSET:
            order_lines = []
            for order_lines_item_data in _order_lines:
                order_lines_item = OrderLine.from_dict(order_lines_item_data)

                order_lines.append(order_lines_item)

        refund_object = cls(
            refunded_amount=refunded_amount,
            description=description,
            reference=reference,
            order_lines=order_lines,
        )

        refund_object.additional_properties = d
        return refund_object

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
