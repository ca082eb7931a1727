"""The PostgreSQL tier: a real server started by the tests, a fresh database for each test."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import psycopg
import pytest

from tests._support.postgres import PostgresServer

_NAMES = itertools.count()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer().start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def pg_dsn(postgres_server: PostgresServer) -> str:
    """A new, empty database on the session's server."""
    name = f"klarna_om_test_{next(_NAMES)}"
    with psycopg.connect(postgres_server.dsn, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return postgres_server.dsn.rsplit("/", 1)[0] + f"/{name}"
