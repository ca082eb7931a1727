# generated from spec/klarna-ordermanagement.yaml by openapi-python-client 0.29.1, do not edit, run `make generate`
from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Required, TypedDict, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import (
    FieldRule,
    SchemaError,
    json_type,
    model_repr,
    read_datetime,
    read_int,
    read_model_list,
    read_str,
    to_json,
)

if TYPE_CHECKING:
    from ..models.order_line import OrderLine, OrderLineInput


T = TypeVar("T", bound="Capture")


@_attrs_define(frozen=True)
class Capture:
    """A capture of an order: one customer invoice. Klarna declares no field as required; the
    fragment requires its id and amounts, which every capture carries (see
    spec/deviations.yaml). Its `billing_address`, `shipping_address` and `shipping_info` are
    not declared here; they are kept as additional properties.

        Immutable: a missing or null optional field is None (an array: empty); `attrs.evolve` makes a changed copy.
    """

    capture_id: str
    """ The capture id. Generated when the capture is created. """
    captured_amount: int
    """ The captured amount in minor units. """
    refunded_amount: int
    """ The amount refunded from this capture, in minor units. """
    klarna_reference: str | None = None
    """ Customer friendly reference id, used when Klarna communicates with the customer. """
    captured_at: datetime.datetime | None = None
    """ The time of the capture. ISO 8601. """
    description: str | None = None
    """ Description of the capture shown to the customer. """
    reference: str | None = None
    """ Internal reference to the capture, included in the settlement files. Max length is 255 characters. """
    order_lines: tuple[OrderLine, ...] = ()
    """ Order lines of the capture shown to the customer. """
    additional_properties: Mapping[str, Any] = _attrs_field(factory=dict, kw_only=True, hash=False)
    """ Properties Klarna sent that the spec does not declare (kept, so nothing is lost). """

    SPEC_FIELDS: ClassVar[tuple[FieldRule, ...]] = (
        FieldRule("capture_id", "string", True),
        FieldRule("captured_amount", "integer", True, minimum=1),
        FieldRule("refunded_amount", "integer", True),
        FieldRule("klarna_reference", "string", False),
        FieldRule("captured_at", "date-time", False),
        FieldRule("description", "string", False),
        FieldRule("reference", "string", False, max_length=255),
        FieldRule("order_lines", "array", False, item_kind="object", model="OrderLine"),
    )
    """ What spec/ declares of each property (kind, required, bounds), for checks before sending. """

    def to_dict(self) -> dict[str, Any]:
        """This model as JSON-ready data, with only the fields that are present."""
        field_dict: dict[str, Any] = dict(self.additional_properties)
        field_dict["capture_id"] = self.capture_id
        field_dict["captured_amount"] = self.captured_amount
        field_dict["refunded_amount"] = self.refunded_amount
        if self.klarna_reference is not None:
            field_dict["klarna_reference"] = self.klarna_reference
        if self.captured_at is not None:
            field_dict["captured_at"] = to_json(self.captured_at)
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
            capture_id = d.pop("capture_id")
        except KeyError:
            raise SchemaError("capture_id", "a value (required)", "nothing") from None
        if type(capture_id) is not str:
            capture_id = read_str(capture_id, "capture_id")

        try:
            captured_amount = d.pop("captured_amount")
        except KeyError:
            raise SchemaError("captured_amount", "a value (required)", "nothing") from None
        if type(captured_amount) is not int:
            captured_amount = read_int(captured_amount, "captured_amount")

        try:
            refunded_amount = d.pop("refunded_amount")
        except KeyError:
            raise SchemaError("refunded_amount", "a value (required)", "nothing") from None
        if type(refunded_amount) is not int:
            refunded_amount = read_int(refunded_amount, "refunded_amount")

        klarna_reference = d.pop("klarna_reference", None)
        if klarna_reference is not None and type(klarna_reference) is not str:
            klarna_reference = read_str(klarna_reference, "klarna_reference")

        captured_at = d.pop("captured_at", None)
        if captured_at is not None:
            captured_at = read_datetime(captured_at, "captured_at")

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
            capture_id=capture_id,
            captured_amount=captured_amount,
            refunded_amount=refunded_amount,
            klarna_reference=klarna_reference,
            captured_at=captured_at,
            description=description,
            reference=reference,
            order_lines=order_lines,
            additional_properties=additional_properties,
        )

    def __repr__(self) -> str:
        return model_repr(
            self,
            (
                ("capture_id", self.capture_id),
                ("captured_amount", self.captured_amount),
                ("refunded_amount", self.refunded_amount),
                ("klarna_reference", self.klarna_reference),
                ("captured_at", self.captured_at),
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


class CaptureInput(TypedDict, total=False):
    """`Capture` as JSON, for typed inputs: Klarna's field names; `Required` as the spec says."""

    capture_id: Required[str]
    captured_amount: Required[int]
    refunded_amount: Required[int]
    klarna_reference: str
    captured_at: str
    description: str
    reference: str
    order_lines: Sequence[OrderLineInput]
