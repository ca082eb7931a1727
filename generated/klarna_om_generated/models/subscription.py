# generated from spec/klarna-ordermanagement.yaml by openapi-python-client 0.29.1, do not edit, run `make generate`
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Required, TypedDict, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.subscription_interval import SubscriptionInterval
from ..types import (
    FieldRule,
    SchemaError,
    json_type,
    model_repr,
    read_int,
    read_open_enum,
    read_str,
    to_json,
)

T = TypeVar("T", bound="Subscription")


@_attrs_define(frozen=True)
class Subscription:
    """The cadence and product name of the subscription an order line belongs to.

    Immutable: a missing or null optional field is None (an array: empty); `attrs.evolve` makes a changed copy.
    """

    name: str
    """ The name of the subscription product. """
    interval: SubscriptionInterval | str
    """ The cadence unit. Klarna's values are listed in `SubscriptionInterval`; other strings are accepted when
    reading. """
    interval_count: int
    """ The number of intervals. """
    additional_properties: Mapping[str, Any] = _attrs_field(factory=dict, kw_only=True, hash=False)
    """ Properties Klarna sent that the spec does not declare (kept, so nothing is lost). """

    SPEC_FIELDS: ClassVar[tuple[FieldRule, ...]] = (
        FieldRule("name", "string", True, max_length=255),
        FieldRule("interval", "open_enum", True),
        FieldRule("interval_count", "integer", True, minimum=1, maximum=2147483647),
    )
    """ What spec/ declares of each property (kind, required, bounds), for checks before sending. """

    def to_dict(self) -> dict[str, Any]:
        """This model as JSON-ready data, with only the fields that are present."""
        field_dict: dict[str, Any] = dict(self.additional_properties)
        field_dict["name"] = self.name
        field_dict["interval"] = to_json(self.interval)
        field_dict["interval_count"] = self.interval_count
        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        """Read a decoded JSON object strictly; raise `SchemaError` at the first mismatch."""
        if type(src_dict) is not dict and not isinstance(src_dict, Mapping):
            raise SchemaError("", "object", json_type(src_dict))
        d = dict(src_dict)
        try:
            name = d.pop("name")
        except KeyError:
            raise SchemaError("name", "a value (required)", "nothing") from None
        if type(name) is not str:
            name = read_str(name, "name")

        try:
            interval = d.pop("interval")
        except KeyError:
            raise SchemaError("interval", "a value (required)", "nothing") from None
        interval = read_open_enum(interval, "interval", SubscriptionInterval)

        try:
            interval_count = d.pop("interval_count")
        except KeyError:
            raise SchemaError("interval_count", "a value (required)", "nothing") from None
        if type(interval_count) is not int:
            interval_count = read_int(interval_count, "interval_count")

        additional_properties = d
        return cls(
            name=name,
            interval=interval,
            interval_count=interval_count,
            additional_properties=additional_properties,
        )

    def __repr__(self) -> str:
        return model_repr(
            self,
            (
                ("name", self.name),
                ("interval", self.interval),
                ("interval_count", self.interval_count),
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


class SubscriptionInput(TypedDict, total=False):
    """`Subscription` as JSON, for typed inputs: Klarna's field names; `Required` as the spec says."""

    name: Required[str]
    interval: Required[str]
    interval_count: Required[int]
