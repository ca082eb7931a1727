# generated from spec/klarna-ordermanagement.yaml by openapi-python-client 0.29.1, do not edit, run `make generate`
from enum import StrEnum


class OrderStatus(StrEnum):
    """The order statuses Klarna defines."""

    AUTHORIZED = "AUTHORIZED"
    CANCELLED = "CANCELLED"
    CAPTURED = "CAPTURED"
    CLOSED = "CLOSED"
    EXPIRED = "EXPIRED"
    PART_CAPTURED = "PART_CAPTURED"

    def __str__(self) -> str:
        return str(self.value)
