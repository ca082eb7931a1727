"""Order lines shared by the test tiers (Klarna's own worked examples)."""

from __future__ import annotations

from klarna_om import OrderLineInput

#: 5 kg of tomatoes at 25 % VAT: the spec's partial-refund example and Klarna's worked example.
TOMATOES: OrderLineInput = {
    "type": "physical",
    "reference": "75001",
    "name": "Tomatoes",
    "quantity": 5,
    "quantity_unit": "kg",
    "unit_price": 600,
    "tax_rate": 2500,
    "total_amount": 3000,
    "total_discount_amount": 0,
    "total_tax_amount": 600,
}

#: A T-shirt and jeans with references, so refunds can be allocated to the capture holding them.
TSHIRT: OrderLineInput = {
    "name": "T-Shirt",
    "type": "physical",
    "reference": "TS-1",
    "quantity": 1,
    "unit_price": 10000,
    "total_amount": 10000,
}
JEANS: OrderLineInput = {
    "name": "Jeans",
    "type": "physical",
    "reference": "JE-1",
    "quantity": 1,
    "unit_price": 20000,
    "total_amount": 20000,
}
