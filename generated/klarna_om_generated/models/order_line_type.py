# generated from spec/klarna-ordermanagement.yaml by openapi-python-client 0.29.1, do not edit, run `make generate`
from enum import StrEnum


class OrderLineType(StrEnum):
    """The order line types Klarna defines."""

    DIGITAL = "digital"
    DISCOUNT = "discount"
    GIFT_CARD = "gift_card"
    PHYSICAL = "physical"
    RETURN_FEE = "return_fee"
    SALES_TAX = "sales_tax"
    SHIPPING_FEE = "shipping_fee"
    STORE_CREDIT = "store_credit"
    SURCHARGE = "surcharge"

    def __str__(self) -> str:
        return str(self.value)
