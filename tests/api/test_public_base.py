"""The service's base URL as links and base IRIs use it: remembered per Host header and settings,
never carrying an untrusted Host header, however often it is asked."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request

from clustergraph.api.deps import public_base
from clustergraph.settings import Settings


def request(host: bytes | None, query: bytes = b"") -> Request:
    headers = [] if host is None else [(b"host", host)]
    return Request(
        {
            "type": "http",
            "scheme": "http",
            "server": ("127.0.0.1", 8000),
            "path": "/sparql",
            "root_path": "",
            "query_string": query,
            "headers": headers,
        }
    )


def test_a_trusted_host_is_followed_and_an_untrusted_one_never(tmp_path: Path) -> None:
    default = Settings(project_dir=tmp_path)
    trusting = Settings(project_dir=tmp_path, trusted_hosts=["data.example"])
    for _ in range(2):  # the second time from what was remembered
        assert public_base(request(b"localhost:8000", b"query=ASK%7B%7D"), default) == "http://localhost:8000"
        assert public_base(request(b"data.example"), default) == "http://127.0.0.1:8000"
        assert public_base(request(b"data.example"), trusting) == "http://data.example"
        assert public_base(request(None), default) == "http://127.0.0.1:8000"


def test_a_long_host_header_is_never_trusted_unless_listed(tmp_path: Path) -> None:
    long_host = "h" * 300 + ".example"
    assert public_base(request(long_host.encode()), Settings(project_dir=tmp_path)) == "http://127.0.0.1:8000"
    trusting = Settings(project_dir=tmp_path, trusted_hosts=[long_host])
    assert public_base(request(long_host.encode()), trusting) == f"http://{long_host}"


def test_a_configured_base_url_wins(tmp_path: Path) -> None:
    settings = Settings(project_dir=tmp_path, base_url="https://graph.example/kg/")
    assert public_base(request(b"localhost"), settings) == "https://graph.example/kg"
