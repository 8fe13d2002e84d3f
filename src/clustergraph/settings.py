"""Settings, read from the environment (prefix `CLUSTERGRAPH_`) when asked for, never at import time."""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Reasoner = Literal["native", "owlrl"]
Validator = Literal["native", "pyshacl"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CLUSTERGRAPH_", extra="ignore")

    project_dir: Path = Field(
        default_factory=Path.cwd, description="Where ontology/, data/, shapes/ and queries/ live."
    )
    release_dir: Path = Field(default=Path("release"), description="Where `build` writes and `serve` reads.")
    cache_dir: Path = Field(
        default=Path("build/cache"),
        description="Where `build` keeps each group of sources' inferences and SHACL verdict, to skip them next time.",
    )
    reasoner: Reasoner = Field(
        default="native",
        description="native: OWL 2 RL rules run inside Oxigraph; owlrl: the slow reference it is tested against.",
    )
    validator: Validator = Field(
        default="native",
        description="native: the SHACL shapes run as SPARQL inside Oxigraph; pyshacl: the validator of record "
        "it is tested against.",
    )
    batch_triples: int = Field(
        default=50_000,
        gt=0,
        description="`build` reasons over and validates groups of sources in batches of about this many "
        "asserted triples, so that each step's time and memory stay bounded as the data grows.",
    )
    build_workers: int = Field(
        default_factory=lambda: len(os.sched_getaffinity(0)),
        ge=1,
        description="Processes `build` spreads its batches over (default: the CPUs it may use); 1 builds in "
        "its own process only.",
    )
    store: Literal["embedded", "remote"] = "embedded"
    store_dir: Path = Field(default=Path("var/store"), description="On-disk Oxigraph database of the embedded store.")
    release_poll_s: float = Field(
        default=2.0,
        ge=0,
        description="How often the embedded store looks for a new release version (0: only on SIGHUP).",
    )
    remote_query_url: str | None = Field(default=None, description="SPARQL 1.1 query endpoint of a remote store.")
    remote_store_url: str | None = Field(
        default=None, description="Graph Store Protocol endpoint, used only to load a release."
    )
    remote_store_user: str | None = Field(
        default=None, description="User that may write to the Graph Store endpoint (Basic or Digest, as it asks)."
    )
    remote_store_password: SecretStr | None = Field(default=None, description="That user's password.")
    query_timeout_s: float = Field(default=10.0, gt=0)
    max_results: int = Field(default=10_000, gt=0)
    max_query_bytes: int = Field(default=64_000, gt=0)
    max_query_depth: int = Field(default=64, gt=0, description="Deepest nesting of { ( [ a query may have.")
    query_workers: int = Field(default=2, ge=1, description="Workers for untrusted queries sent to /sparql.")
    api_workers: int = Field(default=2, ge=1, description="Workers for the API's own queries and pages.")
    answer_spin_us: int = Field(
        default=250,
        ge=0,
        le=10_000,
        description="For a /sparql query with no other client's query running, wait this long for its answer "
        "without letting the server's process sleep (a cheap query's answer comes sooner than a sleeping process "
        "wakes; a request that arrives meanwhile is read at most this much later). 0: never.",
    )
    spare_worker: bool = Field(default=True, description="Keep a worker started to replace a killed one at once.")
    query_memory_mb: int = Field(default=1024, gt=0, description="Memory one query may take in its worker.")
    worker_memory_quads: int = Field(
        default=250_000,
        ge=0,
        description="Query workers copy a release of at most this many quads into memory (about 250 bytes a "
        "quad, in each worker), where Oxigraph answers most queries faster than from its on-disk store (1.3-5.5x, "
        "benchmarks/engine_store.py); a larger release is queried on disk. 0: always on disk.",
    )
    worker_network_namespace: bool = Field(
        default=True, description="Move query workers into an empty network namespace, where the kernel allows it."
    )
    worker_seccomp: bool = Field(
        default=True, description="Forbid query workers every socket but a Unix one (seccomp), where available."
    )
    allow_unisolated_queries: bool = Field(
        default=False,
        description="Evaluate clients' SPARQL even where query workers cannot be kept off the network.",
    )
    max_answer_bytes: int = Field(
        default=32 * 2**20, ge=65_536, description="Largest answer, in bytes; a longer one is cut at a row's end."
    )
    max_queries_per_client: int = Field(
        default=16, ge=1, description="/sparql queries one client address may have running or waiting at once."
    )
    health_timeout_s: float = Field(default=2.0, gt=0, description="How long /health waits for the store.")
    body_timeout_s: float = Field(default=10.0, gt=0, description="How long a client may take to send a body.")
    max_connections: int | None = Field(
        default=200, ge=1, description="Connections and tasks uvicorn accepts at once; beyond, it answers 503."
    )
    keep_alive_s: int = Field(default=5, gt=0, description="Seconds an idle keep-alive connection stays open.")
    access_log: bool = Field(
        default=False,
        description="Log a line for every request (uvicorn's access log); off by default: under load, its "
        "write per request took 14% of the server's main thread (benchmarks/README.md).",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins whose pages may call the API (CORS): a JSON list or a comma-separated list; * for any.",
    )
    base_url: str | None = Field(
        default=None, description="Public base URL; IRIs under https://w3id.org/clustergraph/ resolve here."
    )
    trusted_hosts: list[str] = Field(
        default_factory=lambda: ["127.0.0.1", "localhost", "::1"],
        description="Without base_url, links follow the Host header only for these hosts (else the bound address).",
    )

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origins(cls, value: Any) -> Any:
        """`["https://a.org"]` as JSON, or `https://a.org, https://b.org` as operators usually write it."""
        if not isinstance(value, str):
            return value
        text = value.strip()
        if text.startswith("["):
            return json.loads(text)
        return [origin.strip() for origin in text.split(",") if origin.strip()]

    def resolve(self, path: Path) -> Path:
        return path if path.is_absolute() else self.project_dir / path

    @property
    def release_path(self) -> Path:
        return self.resolve(self.release_dir)

    @property
    def cache_path(self) -> Path:
        return self.resolve(self.cache_dir)

    @property
    def store_path(self) -> Path:
        return self.resolve(self.store_dir)


@lru_cache
def get_settings() -> Settings:
    return Settings()
