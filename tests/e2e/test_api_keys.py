"""API keys against the sandbox: a key alone (``Basic <key>``) and with the portal's UUID
username, through the client and the ``klarna-om`` console script; the key never shows."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from klarna_om import AuthenticationError, KlarnaOrderManagement
from klarna_om_sandbox import SandboxServer
from tests._support.cli import SCRIPT, cli_env
from tests._support.sandbox_process import sandbox_command, seed_order
from tests.e2e.conftest import checked_transport, one_capture_order

KEY = "klarna_test_api_c2FuZGJveC1rZXktbmV2ZXItc2hvd24"
UUID = "0b6bd5c8-3c1e-4cb6-9a5e-2d0f5c4b7a11"
UUID_KEY = "klarna_test_api_dXVpZC1rZXktbmV2ZXItc2hvd24"


@pytest.fixture(scope="module")
def keyed() -> Iterator[SandboxServer]:
    """A sandbox that accepts ``KEY`` alone and ``UUID`` with ``UUID_KEY``."""
    with SandboxServer(api_key=KEY, extra_credentials={UUID: UUID_KEY}) as server:
        yield server


def test_a_refund_with_an_api_key_alone_and_with_the_uuid_username(
    keyed: SandboxServer,
) -> None:
    order = one_capture_order(keyed)
    for args, key in (((), KEY), ((UUID,), UUID_KEY)):
        with KlarnaOrderManagement(
            *args, api_key=key, base_url=keyed.base_url, transport=checked_transport()
        ) as client:
            created = client.refund_order(order["order_id"], 1000)
            assert client.get_refund(order["order_id"], created.refund_id).refunded_amount == 1000
    assert keyed.get_order(order["order_id"])["refunded_amount"] == 2000


def test_a_wrong_key_is_refused_by_the_sandbox(keyed: SandboxServer) -> None:
    order = one_capture_order(keyed)
    for args in ((), (UUID,)):
        with (
            KlarnaOrderManagement(
                *args, api_key=KEY + "x", base_url=keyed.base_url, max_retries=0
            ) as client,
            pytest.raises(AuthenticationError) as info,
        ):
            client.get_order(order["order_id"])
        assert KEY not in str(info.value) + repr(info.value)


def test_the_plain_sandbox_takes_no_key(klarna_sandbox: SandboxServer) -> None:
    order = one_capture_order(klarna_sandbox)
    with (
        KlarnaOrderManagement(api_key=KEY, base_url=klarna_sandbox.base_url) as client,
        pytest.raises(AuthenticationError),
    ):
        client.get_order(order["order_id"])


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--api-key", KEY], {"KLARNA_OM_SANDBOX_API_KEY": UUID_KEY}),
        ([], {"KLARNA_OM_SANDBOX_API_KEY": KEY}),
    ],
    ids=["option", "environment"],
)
def test_the_sandbox_command_takes_an_api_key(args: list[str], env: dict[str, str]) -> None:
    with sandbox_command(*args, env=env) as base_url:
        with httpx.Client(base_url=base_url, auth=("sandbox", "sandbox")) as http:
            order_id = seed_order(http)
        with KlarnaOrderManagement(api_key=KEY, base_url=base_url) as by_key:
            created = by_key.refund_order(order_id, 1000)
            assert by_key.get_refund(order_id, created.refund_id).refunded_amount == 1000
        with (
            KlarnaOrderManagement(api_key=UUID_KEY, base_url=base_url, max_retries=0) as other,
            pytest.raises(AuthenticationError),
        ):
            other.get_order(order_id)


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def test_the_cli_takes_the_key_from_the_environment_or_a_file_and_never_shows_it(
    keyed: SandboxServer, tmp_path: Path
) -> None:
    order_id = one_capture_order(keyed)["order_id"]
    env = cli_env(api_key=KEY, base_url=keyed.base_url)
    by_env = _run(["refund", order_id, "1000", "--json"], env)
    assert by_env.returncode == 0, by_env.stderr
    key_file = tmp_path / "key"
    key_file.write_text(UUID_KEY + "\n", encoding="utf-8")
    by_file = _run(
        [
            *("refund", order_id, "500", "--reference", "key-file"),
            *("--username", UUID, "--api-key-file", str(key_file)),
        ],
        cli_env(base_url=keyed.base_url),
    )
    assert by_file.returncode == 0, by_file.stderr
    assert keyed.get_order(order_id)["refunded_amount"] == 1500
    wrong = _run(
        ["get-order", order_id, "--json"], cli_env(api_key=KEY + "x", base_url=keyed.base_url)
    )
    assert wrong.returncode == 1
    mixed = _run(
        ["get-order", order_id],
        cli_env(api_key=KEY, password="also-set", base_url=keyed.base_url),
    )
    assert (mixed.returncode, mixed.stderr) == (
        2,
        "invalid input (nothing was sent): KLARNA_API_KEY and KLARNA_PASSWORD are both set: one "
        "credential style per client (unset one of them, or pass api_key= or password=)\n",
    )
    # A derived key (--reference) names the merchant: with a key alone there is none.
    unnamed = _run(["refund", order_id, "100", "--reference", "r-9"], env)
    assert (unnamed.returncode, unnamed.stderr) == (
        2,
        "invalid input (nothing was sent): no Klarna API username: pass --username or set "
        "KLARNA_USERNAME (with an API key, the portal's UUID username): derived idempotency keys "
        "name the merchant\n",
    )
    not_an_option = _run(["get-order", order_id, "--api-key", KEY], env)
    assert not_an_option.returncode == 2
    for done in (by_env, by_file, wrong, mixed, unnamed, not_an_option):
        for secret in (KEY, UUID_KEY):
            assert secret not in done.stdout + done.stderr
    help_text = _run(["refund", "--help"], env).stdout
    assert "--api-key-file" in help_text and "--api-key " not in help_text
