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
    read_int,
    read_model_list,
    read_str,
    to_json,
)

if TYPE_CHECKING:
    from ..models.order_line import OrderLine, OrderLineInput


T = TypeVar("T", bound="RefundObject")


@_attrs_define(frozen=True)
class RefundObject:
    """The body of a refund request.

    Immutable: a missing or null optional field is None (an array: empty); `attrs.evolve` makes a changed copy.
    """

    refunded_amount: int
    """ Refunded amount in minor units, at least 1 (Klarna's definition says 0; a refund of
    nothing is refused before sending, see spec/deviations.yaml). At most what was
    captured minus what was already refunded. With `order_lines`, the sum of their
    `total_amount`.
     """
    description: str | None = None
    """ Description of the refund shown to the customer. Max length is 255 characters. """
    reference: str | None = None
    """ Internal reference to the refund. This will be included in the settlement files. Max length is 255
    characters. """
    order_lines: tuple[OrderLine, ...] = ()
    """ Order lines for the refund shown to the customer. Optional, but they let Klarna
    allocate the refund to the right capture; required when charging a return fee.
    Maximum 1000 order lines.
     """
    additional_properties: Mapping[str, Any] = _attrs_field(factory=dict, kw_only=True, hash=False)
    """ Properties Klarna sent that the spec does not declare (kept, so nothing is lost). """

    SPEC_FIELDS: ClassVar[tuple[FieldRule, ...]] = (
        FieldRule("refunded_amount", "integer", True, minimum=1, maximum=200000000),
        FieldRule("description", "string", False, max_length=255),
        FieldRule("reference", "string", False, max_length=255),
        FieldRule("order_lines", "array", False, max_items=1000, item_kind="object", model="OrderLine"),
    )
    """ What spec/ declares of each property (kind, required, bounds), for checks before sending. """

    def to_dict(self) -> dict[str, Any]:
        """This model as JSON-ready data, with only the fields that are present."""
        field_dict: dict[str, Any] = dict(self.additional_properties)
        field_dict["refunded_amount"] = self.refunded_amount
        if self.description is not None:
            field_dict["description"] = self.description
        if self.reference is not None:
            field_dict["reference"] = self.reference
        if self.order_lines:
            field_dict["order_lines"] = to_json(self.order_lines)
        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        """Read a decoded JSON object strictly; raise `SchemaError` at the first mismatch."""
        from ..models.order_line import OrderLine  # noqa: PLC0415

        if type(src_dict) is not dict and not isinstance(src_dict, Mapping):
            raise SchemaError("", "object", json_type(src_dict))
        d = dict(src_dict)
        try:
            refunded_amount = d.pop("refunded_amount")
        except KeyError:
            raise SchemaError("refunded_amount", "a value (required)", "nothing") from None
        if type(refunded_amount) is not int:
            refunded_amount = read_int(refunded_amount, "refunded_amount")

        description = d.pop("description", None)
        if description is not None and type(description) is not str:
            description = read_str(description, "description")

        reference = d.pop("reference", None)
        if reference is not None and type(reference) is not str:
            reference = read_str(reference, "reference")

        order_lines = d.pop("order_lines", None)
        order_lines = () if order_lines is None else read_model_list(order_lines, "order_lines", OrderLine.from_dict)

        additional_properties = d
        return cls(
            refunded_amount=refunded_amount,
            description=description,
            reference=reference,
            order_lines=order_lines,
            additional_properties=additional_properties,
        )

    def __repr__(self) -> str:
        return model_repr(
            self,
            (
                ("refunded_amount", self.refunded_amount),
                ("description", self.description),
                ("reference", self.reference),
                ("order_lines", self.order_lines),
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


class RefundObjectInput(TypedDict, total=False):
    """`RefundObject` as JSON, for typed inputs: Klarna's field names; `Required` as the spec says."""

    refunded_amount: Required[int]
    description: str
    reference: str
    order_lines: Sequence[OrderLineInput]
