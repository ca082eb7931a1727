# generated from spec/klarna-ordermanagement.yaml by openapi-python-client 0.29.1, do not edit, run `make generate`
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, TypedDict, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import (
    FieldRule,
    SchemaError,
    json_type,
    model_repr,
    read_list,
    read_str,
    to_json,
)

T = TypeVar("T", bound="ErrorMessage")


@_attrs_define(frozen=True)
class ErrorMessage:
    """The error body Klarna sends with every 4xx and 5xx. `error_code` is an open string (for
    example `REFUND_NOT_ALLOWED`, `NOT_ALLOWED`, `NOT_FOUND`); quote `correlation_id` to
    Klarna's support. Other properties (such as `service_version`) may appear.

        Immutable: a missing or null optional field is None (an array: empty); `attrs.evolve` makes a changed copy.
    """

    error_code: str | None = None
    """ Error code. """
    error_messages: tuple[str, ...] = ()
    """ Error messages. """
    correlation_id: str | None = None
    """ Correlation id, for searching Klarna's logs. """
    additional_properties: Mapping[str, Any] = _attrs_field(factory=dict, kw_only=True, hash=False)
    """ Properties Klarna sent that the spec does not declare (kept, so nothing is lost). """

    SPEC_FIELDS: ClassVar[tuple[FieldRule, ...]] = (
        FieldRule("error_code", "string", False),
        FieldRule("error_messages", "array", False, item_kind="string"),
        FieldRule("correlation_id", "string", False),
    )
    """ What spec/ declares of each property (kind, required, bounds), for checks before sending. """

    def to_dict(self) -> dict[str, Any]:
        """This model as JSON-ready data, with only the fields that are present."""
        field_dict: dict[str, Any] = dict(self.additional_properties)
        if self.error_code is not None:
            field_dict["error_code"] = self.error_code
        if self.error_messages:
            field_dict["error_messages"] = to_json(self.error_messages)
        if self.correlation_id is not None:
            field_dict["correlation_id"] = self.correlation_id
        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        """Read a decoded JSON object strictly; raise `SchemaError` at the first mismatch."""
        if type(src_dict) is not dict and not isinstance(src_dict, Mapping):
            raise SchemaError("", "object", json_type(src_dict))
        d = dict(src_dict)
        error_code = d.pop("error_code", None)
        if error_code is not None and type(error_code) is not str:
            error_code = read_str(error_code, "error_code")

        error_messages = d.pop("error_messages", None)
        error_messages = () if error_messages is None else read_list(error_messages, "error_messages", read_str)

        correlation_id = d.pop("correlation_id", None)
        if correlation_id is not None and type(correlation_id) is not str:
            correlation_id = read_str(correlation_id, "correlation_id")

        additional_properties = d
        return cls(
            error_code=error_code,
            error_messages=error_messages,
            correlation_id=correlation_id,
            additional_properties=additional_properties,
        )

    def __repr__(self) -> str:
        return model_repr(
            self,
            (
                ("error_code", self.error_code),
                ("error_messages", self.error_messages),
                ("correlation_id", self.correlation_id),
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


class ErrorMessageInput(TypedDict, total=False):
    """`ErrorMessage` as JSON, for typed inputs: Klarna's field names; `Required` as the spec says."""

    error_code: str
    error_messages: Sequence[str]
    correlation_id: str
