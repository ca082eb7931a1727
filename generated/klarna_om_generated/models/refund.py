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
    read_bool,
    read_datetime,
    read_int,
    read_model_list,
    read_str,
    to_json,
)

if TYPE_CHECKING:
    from ..models.order_line import OrderLine, OrderLineInput


T = TypeVar("T", bound="Refund")


@_attrs_define(frozen=True)
class Refund:
    """A refund of an order. Klarna declares no field as required; the fragment requires its id
    and amount, which every refund carries (see spec/deviations.yaml).

        Immutable: a missing or null optional field is None (an array: empty); `attrs.evolve` makes a changed copy.
    """

    refund_id: str
    """ The refund id. Generated when the refund is created. """
    refunded_amount: int
    """ Refunded amount in minor units. """
    refunded_at: datetime.datetime | None = None
    """ The time of the refund. ISO 8601. """
    description: str | None = None
    """ Description of the refund shown to the customer. """
    reference: str | None = None
    """ Internal reference to the refund that is also included in the settlement files. """
    order_lines: tuple[OrderLine, ...] = ()
    """ Order lines of the refund. """
    credit_invoice: bool | None = None
    """ B2B orders only. True when the customer receives the refund as a credit invoice. """
    additional_properties: Mapping[str, Any] = _attrs_field(factory=dict, kw_only=True, hash=False)
    """ Properties Klarna sent that the spec does not declare (kept, so nothing is lost). """

    SPEC_FIELDS: ClassVar[tuple[FieldRule, ...]] = (
        FieldRule("refund_id", "string", True),
        FieldRule("refunded_amount", "integer", True),
        FieldRule("refunded_at", "date-time", False),
        FieldRule("description", "string", False),
        FieldRule("reference", "string", False),
        FieldRule("order_lines", "array", False, item_kind="object", model="OrderLine"),
        FieldRule("credit_invoice", "boolean", False),
    )
    """ What spec/ declares of each property (kind, required, bounds), for checks before sending. """

    def to_dict(self) -> dict[str, Any]:
        """This model as JSON-ready data, with only the fields that are present."""
        field_dict: dict[str, Any] = dict(self.additional_properties)
        field_dict["refund_id"] = self.refund_id
        field_dict["refunded_amount"] = self.refunded_amount
        if self.refunded_at is not None:
            field_dict["refunded_at"] = to_json(self.refunded_at)
        if self.description is not None:
            field_dict["description"] = self.description
        if self.reference is not None:
            field_dict["reference"] = self.reference
        if self.order_lines:
            field_dict["order_lines"] = to_json(self.order_lines)
        if self.credit_invoice is not None:
            field_dict["credit_invoice"] = self.credit_invoice
        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        """Read a decoded JSON object strictly; raise `SchemaError` at the first mismatch."""
        from ..models.order_line import OrderLine  # noqa: PLC0415

        if type(src_dict) is not dict and not isinstance(src_dict, Mapping):
            raise SchemaError("", "object", json_type(src_dict))
        d = dict(src_dict)
        try:
            refund_id = d.pop("refund_id")
        except KeyError:
            raise SchemaError("refund_id", "a value (required)", "nothing") from None
        if type(refund_id) is not str:
            refund_id = read_str(refund_id, "refund_id")

        try:
            refunded_amount = d.pop("refunded_amount")
        except KeyError:
            raise SchemaError("refunded_amount", "a value (required)", "nothing") from None
        if type(refunded_amount) is not int:
            refunded_amount = read_int(refunded_amount, "refunded_amount")

        refunded_at = d.pop("refunded_at", None)
        if refunded_at is not None:
            refunded_at = read_datetime(refunded_at, "refunded_at")

        description = d.pop("description", None)
        if description is not None and type(description) is not str:
            description = read_str(description, "description")

        reference = d.pop("reference", None)
        if reference is not None and type(reference) is not str:
            reference = read_str(reference, "reference")

        order_lines = d.pop("order_lines", None)
        order_lines = () if order_lines is None else read_model_list(order_lines, "order_lines", OrderLine.from_dict)

        credit_invoice = d.pop("credit_invoice", None)
        if credit_invoice is not None and type(credit_invoice) is not bool:
            credit_invoice = read_bool(credit_invoice, "credit_invoice")

        additional_properties = d
        return cls(
            refund_id=refund_id,
            refunded_amount=refunded_amount,
            refunded_at=refunded_at,
            description=description,
            reference=reference,
            order_lines=order_lines,
            credit_invoice=credit_invoice,
            additional_properties=additional_properties,
        )

    def __repr__(self) -> str:
        return model_repr(
            self,
            (
                ("refund_id", self.refund_id),
                ("refunded_amount", self.refunded_amount),
                ("refunded_at", self.refunded_at),
                ("description", self.description),
                ("reference", self.reference),
                ("order_lines", self.order_lines),
                ("credit_invoice", self.credit_invoice),
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


class RefundInput(TypedDict, total=False):
    """`Refund` as JSON, for typed inputs: Klarna's field names; `Required` as the spec says."""

    refund_id: Required[str]
    refunded_amount: Required[int]
    refunded_at: str
    description: str
    reference: str
    order_lines: Sequence[OrderLineInput]
    credit_invoice: bool
