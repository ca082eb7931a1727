"""A client's options: credentials, provider, region and host, timeout, extra headers, checked once.

Exists so that the sync and async clients (and ``with_options``) build their settings one way.
Arguments always win over the environment (``KLARNA_*``); no message repeats a URL, a header
value or a credential, and credentials leave here only as a ``Secret`` (``_secret``). The hosts
are spec/'s ``servers`` (the generated ``SERVERS``): none is written here.
"""

from __future__ import annotations

import base64
import ipaddress
import os
import re
from collections.abc import Mapping
from typing import Literal

import httpx

from klarna_om_generated.api import PROVIDERS, SERVERS

from ._constants import (
    DEFAULT_REGION,
    ENV_API_KEY,
    ENV_BASE_URL,
    ENV_PASSWORD,
    ENV_PLAYGROUND,
    ENV_PROVIDER,
    ENV_REGION,
    ENV_USERNAME,
    LIVE_API_KEY_PREFIX,
    PROTECTED_HEADERS,
    TEST_API_KEY_PREFIX,
)
from ._errors import InvalidInputError
from ._secret import Secret

Region = Literal["eu", "na", "oc"]
#: Who serves the calls: Klarna, or Kustom (the former Klarna Checkout); spec/'s providers.
Provider = Literal["klarna", "kustom"]

#: Klarna's regions, as spec/'s servers name them (a provider with one region names none).
REGIONS: tuple[str, ...] = tuple(dict.fromkeys(s.region for s in SERVERS if s.region))
#: (provider, region, playground) -> base URL; region "" for a provider with one region.
_SERVER_URLS = {(s.provider, s.region, s.playground): s.url for s in SERVERS}
#: Host -> whether it is a playground host, for every host of spec/'s servers.
_PLAYGROUND_HOSTS = {httpx.URL(s.url).host: s.playground for s in SERVERS}
#: The portal's username that goes with an API key: a UUID.
_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def authorization(
    username: str | None, password: str | None, api_key: str | None = None
) -> tuple[Secret[str], bool | None]:
    """The ``Authorization`` value of the credentials given, else of the environment's.

    One style per client: an API key alone (``Basic <key>``, the key itself), an API key with
    the portal's UUID username (Basic of ``uuid:key``), or a username and password. A password
    (or API key) given as an argument leaves the other one's variable unread.

    Returns:
        The value, and whether the key is a playground key (True), a production key (False),
        or neither or unknown (None: no API key, or one without Klarna's prefixes).
    """
    if api_key is None and password is None:
        api_key = os.environ.get(ENV_API_KEY) or None
        password = os.environ.get(ENV_PASSWORD) or None
        if api_key is not None and password is not None:
            raise InvalidInputError(
                f"{ENV_API_KEY} and {ENV_PASSWORD} are both set: one credential style per "
                "client (unset one of them, or pass api_key= or password=)",
                field="api_key",
            )
    elif api_key is not None and password is not None:
        raise InvalidInputError(
            "pass api_key= or password=, not both: one credential style per client",
            field="api_key",
        )
    if username is None:
        username = os.environ.get(ENV_USERNAME) or None
    if api_key is None:
        if username is None and password is None:
            raise InvalidInputError(
                f"no Klarna API credentials: pass api_key= (or set {ENV_API_KEY}), or username= "
                f"and password= (or set {ENV_USERNAME} and {ENV_PASSWORD})",
                field="api_key",
            )
        username, password = _credentials(username, password)
        return _basic(username, password), None
    if not isinstance(api_key, str) or not _API_KEY.fullmatch(api_key):
        raise InvalidInputError(
            "api_key must be a non-empty str of visible ASCII characters", field="api_key"
        )
    kind = (
        True
        if api_key.startswith(TEST_API_KEY_PREFIX)
        else False
        if api_key.startswith(LIVE_API_KEY_PREFIX)
        else None
    )
    if username is None:
        return Secret(f"Basic {api_key}"), kind
    if not isinstance(username, str) or not _UUID.fullmatch(username):
        raise InvalidInputError(
            "with an API key, username must be the portal's UUID username, or none (a "
            f"merchant username such as K123_abc goes with a password; {ENV_USERNAME} counts "
            "too)",
            field="username",
        )
    return _basic(username, api_key), kind


def check_key_environment(playground_key: bool | None, base_url: str) -> None:
    """Refuse a production key against a playground host of spec/, or the other way round.

    A host that is none of spec/'s servers (the sandbox, a proxy) is not checked: whether it is
    a playground is not known.
    """
    if playground_key is None:
        return
    playground_host = _PLAYGROUND_HOSTS.get(httpx.URL(base_url).host)
    if playground_host is None or playground_host == playground_key:
        return
    key, host = ("test", "production") if playground_key else ("live", "playground")
    raise InvalidInputError(
        f"api_key is a {key} key (klarna_{key}_...) and the host is a {host} host: use a "
        f"{'klarna_live_' if playground_key else 'klarna_test_'} key, or "
        f"{'playground=True' if playground_key else 'playground=False'}",
        field="api_key",
    )


def _basic(username: str, password: str) -> Secret[str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return Secret(f"Basic {token}")


def resolve_provider(provider: object) -> str:
    """``provider``, else ``KLARNA_PROVIDER``, else ``klarna``: one of spec/'s providers."""
    if provider is None:
        value = os.environ.get(ENV_PROVIDER, "").strip().lower() or PROVIDERS[0]
        if value not in PROVIDERS:
            raise InvalidInputError(
                f"{ENV_PROVIDER} must be one of {list(PROVIDERS)}", field="provider"
            )
        return value
    if not isinstance(provider, str) or provider not in PROVIDERS:
        raise InvalidInputError(f"provider must be one of {list(PROVIDERS)}", field="provider")
    return provider


def resolve_base_url(
    provider: str, region: Region | None, playground: bool | None, base_url: str | None
) -> str:
    """Where requests go: ``base_url``, else the provider's host for the region and environment.

    The region and environment are checked even when ``base_url`` wins: a provider with one
    region (Kustom) refuses another one either way.
    """
    if region is None:
        region = _env_region()
    if playground is None:
        playground = _env_flag(ENV_PLAYGROUND)
    if base_url is None:
        base_url = os.environ.get(ENV_BASE_URL) or None
    if region not in REGIONS:
        raise InvalidInputError(f"region must be one of {sorted(REGIONS)}", field="region")
    url = _SERVER_URLS.get((provider, region, playground))
    if url is None:
        if region != DEFAULT_REGION:
            raise InvalidInputError(
                f"{provider} has one region: region {region} is not served (leave region and "
                f"{ENV_REGION} unset, or use {DEFAULT_REGION})",
                field="region",
            )
        url = _SERVER_URLS[(provider, "", playground)]
    return check_base_url(base_url or url)


def check_max_response_bytes(value: object) -> int:
    """A positive int."""
    if type(value) is not int or value < 1:
        raise InvalidInputError(
            "max_response_bytes must be a positive int", field="max_response_bytes"
        )
    return value


def check_base_url(base_url: str) -> str:
    """``base_url`` if it is https, or plain http on a loopback host (the local sandbox).

    User info (``user:password@``) is refused: the URL is shown by ``repr(client)`` and in
    logs, and credentials have their own arguments. No message repeats the URL.
    """
    try:
        url = httpx.URL(base_url)
    except (httpx.InvalidURL, TypeError):
        raise InvalidInputError("base_url is not a valid URL", field="base_url") from None
    if url.userinfo:
        raise InvalidInputError(
            "base_url must not contain user info (user:password@): pass the credentials as "
            f"username= and password= (or {ENV_USERNAME} and {ENV_PASSWORD})",
            field="base_url",
        )
    if url.scheme == "https" and url.host:
        return base_url
    if url.scheme == "http" and _is_loopback(url.host):
        return base_url
    raise InvalidInputError(
        "base_url must use https:// (plain http:// only for a loopback host such as the local "
        "sandbox): Basic credentials would otherwise cross the network unencrypted",
        field="base_url",
    )


def check_timeout(timeout: object) -> httpx.Timeout:
    """``timeout`` as an ``httpx.Timeout``; None (wait forever) and non-numbers are refused."""
    if isinstance(timeout, httpx.Timeout):
        return timeout
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout < 1e9:
        raise InvalidInputError(
            "timeout must be a positive number of seconds or an httpx.Timeout "
            "(None would wait forever)",
            field="timeout",
        )
    return httpx.Timeout(float(timeout))


#: RFC 9110: a field name is a token; a value is visible ASCII, spaces and tabs (no CR or LF).
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
#: An API key as it goes into a header: visible ASCII, no space.
_API_KEY = re.compile(r"[\x21-\x7e]+")
_HEADER_VALUE = re.compile(r"[\t\x20-\x7e]*")


def check_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Extra headers for every call, if none of them replaces a protected one.

    Names compare ignoring case and with ``_`` as ``-``: servers and proxies that read
    ``Klarna_Idempotency_Key`` as ``Klarna-Idempotency-Key`` (CGI and WSGI environments
    spell both ``HTTP_KLARNA_IDEMPOTENCY_KEY``) would see two keys.
    """
    checked: dict[str, str] = {}
    for name, value in headers.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise InvalidInputError("headers must map str to str", field="headers")
        if name.lower().replace("_", "-") in PROTECTED_HEADERS:
            raise InvalidInputError(
                f"headers cannot set {name}: the client sets it (protected: "
                f"{', '.join(sorted(PROTECTED_HEADERS))}; names compare ignoring case, "
                "with _ as -)",
                field=f"headers.{name}",
            )
        if not _TOKEN.fullmatch(name) or not _HEADER_VALUE.fullmatch(value):
            raise InvalidInputError(
                f"headers.{name[:64]} is not a valid header", field=f"headers.{name[:64]}"
            )
        checked[name] = value
    return checked


def _credentials(username: str | None, password: str | None) -> tuple[str, str]:
    if username is None:
        username = os.environ.get(ENV_USERNAME) or None
    if password is None:
        password = os.environ.get(ENV_PASSWORD) or None
    if username is None or password is None:
        missing = [n for n, v in (("username", username), ("password", password)) if v is None]
        raise InvalidInputError(
            f"no Klarna API {' or '.join(missing)}: pass username= and password=, or set "
            f"{ENV_USERNAME} and {ENV_PASSWORD}",
            field=missing[0],
        )
    for name, value in (("username", username), ("password", password)):
        if not isinstance(value, str) or not value:
            raise InvalidInputError(f"{name} must be a non-empty str", field=name)
    return username, password


def _env_region() -> Region:
    value = os.environ.get(ENV_REGION, "").strip().lower() or DEFAULT_REGION
    if value not in REGIONS:
        raise InvalidInputError(f"{ENV_REGION} must be one of {sorted(REGIONS)}", field="region")
    return value  # type: ignore[return-value]  # one of REGIONS: a Region


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})


def _env_flag(name: str) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InvalidInputError(f"{name} must be 1/true/yes/on or 0/false/no/off", field=name.lower())


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
