# generated from spec/klarna-ordermanagement.yaml by openapi-python-client 0.29.1, do not edit, run `make generate`
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ExtendDueDateOption")


@_attrs_define
class ExtendDueDateOption:
    """One option to extend the due date, and its fee."""

    number_of_days: int | Unset = UNSET
    """ How many days the due date can be extended by. """
    amount: int | Unset = UNSET
    """ The fee for extending the due date this many days, in minor units (paid by the merchant). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        number_of_days = self.number_of_days

        amount = self.amount

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if number_of_days is not UNSET:
            field_dict["number_of_days"] = number_of_days
        if amount is not UNSET:
            field_dict["amount"] = amount

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        number_of_days = d.pop("number_of_days", UNSET)

        amount = d.pop("amount", UNSET)

        extend_due_date_option = cls(
            number_of_days=number_of_days,
            amount=amount,
        )

        extend_due_date_option.additional_properties = d
        return extend_due_date_option

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
