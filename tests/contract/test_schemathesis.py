"""schemathesis against the sandbox: every operation, all checks, negative data, stateful.

The sandbox runs in-process (ASGI), so an exception in it fails the test instead of hiding
behind a 500. One deterministic order (and capture) is seeded and every generated request is
aimed at it, so refunds, reads, releases and extensions really happen; the stateful run follows
the spec's link from ``refundOrder``'s ``Refund-Id`` to ``getRefund``. A fixed seed and bounded
examples keep the run repeatable and short.

The sandbox also plays Kustom once (``build_sandbox(provider="kustom")``): the operations spec/
lists for Kustom (``x-klarna-om-providers``; no extend-due-date), its order id a UUID as
Kustom's definition says (``x-klarna-om-provider-schema``), fewer examples and no stateful run,
so that it costs a few seconds.
"""

from __future__ import annotations

import base64
import copy
import uuid
from collections import Counter
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from requests.structures import CaseInsensitiveDict
from schemathesis.specs.openapi.checks import ignored_auth

from klarna_om_sandbox import Sandbox, build_sandbox
from tests._support.spec_tools import load_spec

ORDER_ID = "contract-order"
CAPTURE_ID = "contract-capture"
IDEMPOTENCY_HEADER = "Klarna-Idempotency-Key"
BASE = "/ordermanagement/v1/orders/{order_id}"
AUTH_HEADER = "Basic " + base64.b64encode(b"sandbox:sandbox").decode()


#: Kustom's order ids are UUIDs (its capture ids are not narrowed; a UUID all the same).
KUSTOM_ORDER_ID = "f3392f8b-6116-4073-ab96-e330819e2c07"
KUSTOM_CAPTURE_ID = "4ba29b50-be7b-44f5-a492-113e6a865e22"
PROVIDERS_EXTENSION = "x-klarna-om-providers"
PROVIDER_SCHEMA = "x-klarna-om-provider-schema"


def _sandbox() -> Sandbox:
    sandbox = build_sandbox()
    _seed(sandbox)
    return sandbox


def _seed(sandbox: Sandbox, order_id: str = ORDER_ID, capture_id: str = CAPTURE_ID) -> None:
    sandbox.seed_order(
        {
            "order_id": order_id,
            "order_amount": 200_000_000,
            "captures": [{"capture_id": capture_id, "captured_amount": 150_000_000}],
        }
    )


SANDBOX = _sandbox()
_spec = copy.deepcopy(load_spec())
_spec["servers"] = [{"url": "http://sandbox.test"}]
schema = schemathesis.openapi.from_dict(_spec)
schema.app = SANDBOX.app
schema.config.update(
    base_url="http://sandbox.test",
    basic_auth=("sandbox", "sandbox"),
    parameters={"path.order_id": ORDER_ID, "path.capture_id": CAPTURE_ID},
)


def _as_provider(spec: dict[str, Any], provider: str) -> dict[str, Any]:
    """spec/ as ``provider`` declares it: its operations only, its narrowed parameters."""
    spec = copy.deepcopy(spec)
    for path, item in list(spec["paths"].items()):
        for method in [m for m in item if isinstance(item[m], dict) and "operationId" in item[m]]:
            if provider not in item[method].get(PROVIDERS_EXTENSION, ["klarna"]):
                del item[method]
        if not any(isinstance(v, dict) and "operationId" in v for v in item.values()):
            del spec["paths"][path]
    for param in spec.get("components", {}).get("parameters", {}).values():
        narrowed = param.get(PROVIDER_SCHEMA, {}).get(provider)
        if narrowed:
            param["schema"] = {**param["schema"], **narrowed}
    return spec


KUSTOM_SANDBOX = build_sandbox(provider="kustom")
_seed(KUSTOM_SANDBOX, KUSTOM_ORDER_ID, KUSTOM_CAPTURE_ID)
kustom_schema = schemathesis.openapi.from_dict(_as_provider(_spec, "kustom"))
kustom_schema.app = KUSTOM_SANDBOX.app
kustom_schema.config.update(
    base_url="http://sandbox.test",
    basic_auth=("sandbox", "sandbox"),
    parameters={"path.order_id": KUSTOM_ORDER_ID, "path.capture_id": KUSTOM_CAPTURE_ID},
)
# The coverage phase's boundary cases are the Klarna run's (same bodies, same validation): as
# Kustom, the examples and the random and negative cases only, which keeps this run short.
kustom_schema.config.phases.coverage.enabled = False

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _fresh_key(case: schemathesis.Case[Any]) -> None:
    # Klarna replays a repeated key whatever the body (tests/e2e covers that). Generated cases
    # reuse the spec's example key, so without a fresh one a malformed body would be answered
    # with the first case's stored outcome instead of being validated.
    if case.headers is not None and IDEMPOTENCY_HEADER in case.headers:
        case.headers[IDEMPOTENCY_HEADER] = str(uuid.uuid4())


#: Calls made by schemathesis, "METHOD path status" -> count (reported by tests/conftest.py).
CALLS: Counter[str] = Counter()


@schema.parametrize()
@SETTINGS
def test_every_operation_conforms(case: schemathesis.Case[Any]) -> None:
    _fresh_key(case)
    response = case.call_and_validate()
    CALLS[f"{case.operation.label} {response.status_code}"] += 1


@kustom_schema.parametrize()
@settings(SETTINGS, max_examples=25)
def test_every_kustom_operation_conforms(case: schemathesis.Case[Any]) -> None:
    _fresh_key(case)
    response = case.call_and_validate()
    CALLS[f"kustom {case.operation.label} {response.status_code}"] += 1


def test_the_kustom_run_has_kustom_operations_only() -> None:
    labels = {
        f"{method.upper()} {path}"
        for path, item in kustom_schema.raw_schema["paths"].items()
        for method in item
        if method in ("get", "put", "post", "delete", "patch")
    }
    assert labels == {
        f"GET {BASE}",
        f"POST {BASE}/refunds",
        f"GET {BASE}/refunds/{{refund_id}}",
        f"POST {BASE}/release-remaining-authorization",
    }
    order_id = kustom_schema.raw_schema["components"]["parameters"]["OrderId"]["schema"]
    assert order_id == {"type": "string", "format": "uuid"}


class _StateMachine(schema.as_state_machine()):  # type: ignore[misc]
    def setup(self) -> None:
        # Every scenario starts from the same seeded order, so a replayed scenario sees the
        # same responses (Hypothesis requires it) and refunds never run out.
        SANDBOX.reset()
        _seed(SANDBOX)

    def before_call(self, case: schemathesis.Case[Any]) -> None:
        # The run's configuration (auth, fixed order) is not applied to state-machine cases:
        # aim them at the seeded order, with credentials, so refunds are created and followed.
        if case.headers is None:
            case.headers = CaseInsensitiveDict()
        case.headers["Authorization"] = AUTH_HEADER
        for name, value in (("order_id", ORDER_ID), ("capture_id", CAPTURE_ID)):
            if case.path_parameters is not None and name in case.path_parameters:
                case.path_parameters[name] = value
        _fresh_key(case)

    def after_call(self, response: Any, case: schemathesis.Case[Any]) -> None:
        CALLS[f"stateful {case.operation.label} {response.status_code}"] += 1

    def validate_response(
        self,
        response: Any,
        case: schemathesis.Case[Any],
        additional_checks: Any = None,
        **kwargs: Any,
    ) -> None:
        # Every check but ignored_auth, which replays the case with bad credentials and would
        # carry along the Authorization header before_call adds (the parametrized test runs it).
        case.validate_response(
            response,
            additional_checks=additional_checks,
            excluded_checks=[ignored_auth],
            transport_kwargs=kwargs or None,
        )


def test_stateful_run_follows_refund_id_to_get_refund() -> None:
    _StateMachine.run(
        settings=settings(
            max_examples=25,
            deadline=None,
            derandomize=True,
            database=None,
            stateful_step_count=6,
            suppress_health_check=list(HealthCheck),
        )
    )
    followed = CALLS[f"stateful GET {BASE}/refunds/{{refund_id}} 200"]
    created = CALLS[f"stateful POST {BASE}/refunds 201"]
    assert created > 0 and followed > 0, dict(CALLS)
