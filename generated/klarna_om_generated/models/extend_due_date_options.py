# generated from spec/klarna-ordermanagement.yaml by openapi-python-client 0.29.1, do not edit, run `make generate`
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.extend_due_date_option import ExtendDueDateOption


T = TypeVar("T", bound="ExtendDueDateOptions")


@_attrs_define
class ExtendDueDateOptions:
    """The options to extend a capture's payment due date, and their fees."""

    currency: str | Unset = UNSET
    """ The currency of the fees, ISO 4217. """
    options: list[ExtendDueDateOption] | Unset = UNSET
    """ The available options and corresponding fees for extending the due date. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        currency = self.currency

        options: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.options, Unset):
            options = []
            for options_item_data in self.options:
                options_item = options_item_data.to_dict()
                options.append(options_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if currency is not UNSET:
            field_dict["currency"] = currency
        if options is not UNSET:
            field_dict["options"] = options

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.extend_due_date_option import ExtendDueDateOption  # noqa: PLC0415

        d = dict(src_dict)
        currency = d.pop("currency", UNSET)

        _options = d.pop("options", UNSET)
        options: list[ExtendDueDateOption] | Unset = UNSET
        if _options is not UNSET:
            options = []
            for options_item_data in _options:
                options_item = ExtendDueDateOption.from_dict(options_item_data)

                options.append(options_item)

        extend_due_date_options = cls(
            currency=currency,
            options=options,
        )

        extend_due_date_options.additional_properties = d
        return extend_due_date_options

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
