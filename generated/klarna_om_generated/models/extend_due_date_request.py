# generated from spec/klarna-ordermanagement.yaml by openapi-python-client 0.29.1, do not edit, run `make generate`
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Required, TypedDict, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import (
    FieldRule,
    SchemaError,
    json_type,
    model_repr,
    read_int,
)

T = TypeVar("T", bound="ExtendDueDateRequest")


@_attrs_define(frozen=True)
class ExtendDueDateRequest:
    """The body of an extend-due-date request.

    Immutable: a missing or null optional field is None (an array: empty); `attrs.evolve` makes a changed copy.
    """

    number_of_days: int
    """ Number of days to extend the due date by; one of the offered options. """
    additional_properties: Mapping[str, Any] = _attrs_field(factory=dict, kw_only=True, hash=False)
    """ Properties Klarna sent that the spec does not declare (kept, so nothing is lost). """

    SPEC_FIELDS: ClassVar[tuple[FieldRule, ...]] = (
        FieldRule("number_of_days", "integer", True, minimum=-2147483648, maximum=2147483647),
    )
    """ What spec/ declares of each property (kind, required, bounds), for checks before sending. """

    def to_dict(self) -> dict[str, Any]:
        """This model as JSON-ready data, with only the fields that are present."""
        field_dict: dict[str, Any] = dict(self.additional_properties)
        field_dict["number_of_days"] = self.number_of_days
        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        """Read a decoded JSON object strictly; raise `SchemaError` at the first mismatch."""
        if type(src_dict) is not dict and not isinstance(src_dict, Mapping):
            raise SchemaError("", "object", json_type(src_dict))
        d = dict(src_dict)
        try:
            number_of_days = d.pop("number_of_days")
        except KeyError:
            raise SchemaError("number_of_days", "a value (required)", "nothing") from None
        if type(number_of_days) is not int:
            number_of_days = read_int(number_of_days, "number_of_days")

        additional_properties = d
        return cls(
            number_of_days=number_of_days,
            additional_properties=additional_properties,
        )

    def __repr__(self) -> str:
        return model_repr(
            self,
            (("number_of_days", self.number_of_days),),
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


class ExtendDueDateRequestInput(TypedDict, total=False):
    """`ExtendDueDateRequest` as JSON, for typed inputs: Klarna's field names; `Required` as the spec says."""

    number_of_days: Required[int]
