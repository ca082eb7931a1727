# generated from spec/klarna-ordermanagement.yaml by openapi-python-client 0.29.1, do not edit, run `make generate`
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ExtendDueDateRequest")


@_attrs_define
class ExtendDueDateRequest:
    """The body of an extend-due-date request."""

    number_of_days: int
    """ Number of days to extend the due date by; one of the offered options. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        number_of_days = self.number_of_days

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "number_of_days": number_of_days,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        number_of_days = d.pop("number_of_days")

        extend_due_date_request = cls(
            number_of_days=number_of_days,
        )

        extend_due_date_request.additional_properties = d
        return extend_due_date_request

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
