# generated from spec/klarna-ordermanagement.yaml by openapi-python-client 0.29.1, do not edit, run `make generate`
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.order_line import OrderLine


T = TypeVar("T", bound="Capture")


@_attrs_define
class Capture:
    """A capture of an order: one customer invoice. Klarna declares no field as required. Its
    `billing_address`, `shipping_address` and `shipping_info` are not declared here; they are
    kept as additional properties.

    """

    capture_id: str | Unset = UNSET
    """ The capture id. Generated when the capture is created. """
    klarna_reference: str | Unset = UNSET
    """ Customer friendly reference id, used when Klarna communicates with the customer. """
    captured_amount: int | Unset = UNSET
    """ The captured amount in minor units. """
    captured_at: datetime.datetime | Unset = UNSET
    """ The time of the capture. ISO 8601. """
    refunded_amount: int | Unset = UNSET
    """ The amount refunded from this capture, in minor units. """
    description: str | Unset = UNSET
    """ Description of the capture shown to the customer. """
    reference: str | Unset = UNSET
    """ Internal reference to the capture, included in the settlement files. Max length is 255 characters. """
    order_lines: list[OrderLine] | Unset = UNSET
    """ Order lines of the capture shown to the customer. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        capture_id = self.capture_id

        klarna_reference = self.klarna_reference

        captured_amount = self.captured_amount

        captured_at: str | Unset = UNSET
        if not isinstance(self.captured_at, Unset):
            captured_at = self.captured_at.isoformat()

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
        field_dict.update({})
        if capture_id is not UNSET:
            field_dict["capture_id"] = capture_id
        if klarna_reference is not UNSET:
            field_dict["klarna_reference"] = klarna_reference
        if captured_amount is not UNSET:
            field_dict["captured_amount"] = captured_amount
        if captured_at is not UNSET:
            field_dict["captured_at"] = captured_at
        if refunded_amount is not UNSET:
            field_dict["refunded_amount"] = refunded_amount
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
        capture_id = d.pop("capture_id", UNSET)

        klarna_reference = d.pop("klarna_reference", UNSET)

        captured_amount = d.pop("captured_amount", UNSET)

        _captured_at = d.pop("captured_at", UNSET)
        captured_at: datetime.datetime | Unset
        if isinstance(_captured_at, Unset):
            captured_at = UNSET
        else:
            captured_at = datetime.datetime.fromisoformat(_captured_at)

        refunded_amount = d.pop("refunded_amount", UNSET)

        description = d.pop("description", UNSET)

        reference = d.pop("reference", UNSET)

        _order_lines = d.pop("order_lines", UNSET)
        order_lines: list[OrderLine] | Unset = UNSET
        if _order_lines is not UNSET:
            order_lines = []
            for order_lines_item_data in _order_lines:
                order_lines_item = OrderLine.from_dict(order_lines_item_data)

                order_lines.append(order_lines_item)

        capture = cls(
            capture_id=capture_id,
            klarna_reference=klarna_reference,
            captured_amount=captured_amount,
            captured_at=captured_at,
            refunded_amount=refunded_amount,
            description=description,
            reference=reference,
            order_lines=order_lines,
        )

        capture.additional_properties = d
        return capture

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
