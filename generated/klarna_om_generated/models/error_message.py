# generated from spec/klarna-ordermanagement.yaml by openapi-python-client 0.29.1, do not edit, run `make generate`
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ErrorMessage")


@_attrs_define
class ErrorMessage:
    """The error body Klarna sends with every 4xx and 5xx. `error_code` is an open string (for
    example `REFUND_NOT_ALLOWED`, `NOT_ALLOWED`, `NOT_FOUND`); quote `correlation_id` to
    Klarna's support. Other properties (such as `service_version`) may appear.

    """

    error_code: str | Unset = UNSET
    """ Error code. """
    error_messages: list[str] | Unset = UNSET
    """ Error messages. """
    correlation_id: str | Unset = UNSET
    """ Correlation id, for searching Klarna's logs. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        error_code = self.error_code

        error_messages: list[str] | Unset = UNSET
        if not isinstance(self.error_messages, Unset):
            error_messages = self.error_messages

        correlation_id = self.correlation_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if error_code is not UNSET:
            field_dict["error_code"] = error_code
        if error_messages is not UNSET:
            field_dict["error_messages"] = error_messages
        if correlation_id is not UNSET:
            field_dict["correlation_id"] = correlation_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        error_code = d.pop("error_code", UNSET)

        error_messages = cast(list[str], d.pop("error_messages", UNSET))

        correlation_id = d.pop("correlation_id", UNSET)

        error_message = cls(
            error_code=error_code,
            error_messages=error_messages,
            correlation_id=correlation_id,
        )

        error_message.additional_properties = d
        return error_message

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
