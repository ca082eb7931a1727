# generated from spec/klarna-ordermanagement.yaml by openapi-python-client 0.29.1, do not edit, run `make generate`
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Required, TypedDict, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import (
    FieldRule,
    SchemaError,
    json_type,
    model_repr,
    read_model_list,
    read_str,
    to_json,
)

if TYPE_CHECKING:
    from ..models.extend_due_date_option import ExtendDueDateOption, ExtendDueDateOptionInput


T = TypeVar("T", bound="ExtendDueDateOptions")


@_attrs_define(frozen=True)
class ExtendDueDateOptions:
    """The options to extend a capture's payment due date, and their fees. Klarna declares no
    field as required; the fragment requires both (see spec/deviations.yaml).

        Immutable: a missing or null optional field is None (an array: empty); `attrs.evolve` makes a changed copy.
    """

    currency: str
    """ The currency of the fees, ISO 4217. """
    options: tuple[ExtendDueDateOption, ...]
    """ The available options and corresponding fees for extending the due date. """
    additional_properties: Mapping[str, Any] = _attrs_field(factory=dict, kw_only=True, hash=False)
    """ Properties Klarna sent that the spec does not declare (kept, so nothing is lost). """

    SPEC_FIELDS: ClassVar[tuple[FieldRule, ...]] = (
        FieldRule("currency", "string", True),
        FieldRule("options", "array", True, item_kind="object", model="ExtendDueDateOption"),
    )
    """ What spec/ declares of each property (kind, required, bounds), for checks before sending. """

    def to_dict(self) -> dict[str, Any]:
        """This model as JSON-ready data, with only the fields that are present."""
        field_dict: dict[str, Any] = dict(self.additional_properties)
        field_dict["currency"] = self.currency
        field_dict["options"] = to_json(self.options)
        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        """Read a decoded JSON object strictly; raise `SchemaError` at the first mismatch."""
        from ..models.extend_due_date_option import ExtendDueDateOption  # noqa: PLC0415

        if type(src_dict) is not dict and not isinstance(src_dict, Mapping):
            raise SchemaError("", "object", json_type(src_dict))
        d = dict(src_dict)
        try:
            currency = d.pop("currency")
        except KeyError:
            raise SchemaError("currency", "a value (required)", "nothing") from None
        if type(currency) is not str:
            currency = read_str(currency, "currency")

        try:
            options = d.pop("options")
        except KeyError:
            raise SchemaError("options", "a value (required)", "nothing") from None
        options = read_model_list(options, "options", ExtendDueDateOption.from_dict)

        additional_properties = d
        return cls(
            currency=currency,
            options=options,
            additional_properties=additional_properties,
        )

    def __repr__(self) -> str:
        return model_repr(
            self,
            (
                ("currency", self.currency),
                ("options", self.options),
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


class ExtendDueDateOptionsInput(TypedDict, total=False):
    """`ExtendDueDateOptions` as JSON, for typed inputs: Klarna's field names; `Required` as the spec says."""

    currency: Required[str]
    options: Required[Sequence[ExtendDueDateOptionInput]]
