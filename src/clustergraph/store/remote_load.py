"""`clustergraph load-remote`: a release put into a remote server with the Graph Store Protocol.

One PUT per named graph (each source graph, the ontology, the inferred graph, under their own names),
then a DELETE for each of the project's graphs the server holds that the release no longer has; the
server's other graphs are left alone. The query endpoint may stay read-only (it should: the service
passes clients' queries to it); writing needs the Graph Store endpoint and, where it asks for them,
credentials, sent as Basic or Digest authentication as the server's challenge says (Virtuoso's
`/sparql-graph-crud-auth` asks for Digest).
"""

from __future__ import annotations

from collections.abc import Generator

import httpx
import pyoxigraph as ox

from clustergraph.dataset import load_release
from clustergraph.errors import StoreError
from clustergraph.settings import Settings
from clustergraph.store.formats import N_TRIPLES
from clustergraph.store.remote import RemoteStore

LOAD_TIMEOUT_S = 600.0
_ERROR_TEXT = 2000


class ChallengedAuth(httpx.Auth):
    """Credentials sent only when the server asks, in the scheme it asks for (Basic or Digest)."""

    def __init__(self, user: str, password: str) -> None:
        self._basic = httpx.BasicAuth(user, password)
        self._digest = httpx.DigestAuth(user, password)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        response = yield request
        if response.status_code != httpx.codes.UNAUTHORIZED:
            return
        scheme = response.headers.get("WWW-Authenticate", "").partition(" ")[0].lower()
        answer = self._digest if scheme == "digest" else self._basic
        yield from answer.sync_auth_flow(request)


def load_remote(settings: Settings) -> dict[str, int]:
    """Put the release's named graphs into the remote Graph Store; the triples per graph."""
    if not settings.remote_store_url:
        raise StoreError(
            "loading a remote store needs CLUSTERGRAPH_REMOTE_STORE_URL (its Graph Store Protocol endpoint)"
        )
    release = load_release(settings.release_path)
    graphs = sorted(g.value for g in release.named_graphs() if isinstance(g, ox.NamedNode))
    counts: dict[str, int] = {}
    with httpx.Client(timeout=httpx.Timeout(LOAD_TIMEOUT_S), auth=_auth(settings)) as client:
        for graph in graphs:
            triples = [q.triple for q in release.quads_for_pattern(None, None, None, ox.NamedNode(graph))]
            body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
            graph_store_request(client, "PUT", settings.remote_store_url, graph, body)
            counts[graph] = len(triples)
        if settings.remote_query_url:
            remote = RemoteStore(settings)
            try:
                for stale in sorted(set(remote.graph_names()) - set(graphs)):
                    graph_store_request(client, "DELETE", settings.remote_store_url, stale, None)
            finally:
                remote.close()
    return counts


def _auth(settings: Settings) -> httpx.Auth | None:
    if settings.remote_store_user is None:
        return None
    password = settings.remote_store_password.get_secret_value() if settings.remote_store_password else ""
    return ChallengedAuth(settings.remote_store_user, password)


def graph_store_request(client: httpx.Client, method: str, url: str, graph: str, body: bytes | None) -> None:
    """One Graph Store Protocol request on `graph`; StoreError unless the server says it succeeded."""
    headers = {"Content-Type": N_TRIPLES} if body is not None else {}
    try:
        target = httpx.URL(url).copy_merge_params({"graph": graph})  # the URL's own parameters stay (a token)
        response = client.request(method, target, content=body, headers=headers)
    except httpx.HTTPError as error:
        raise StoreError(f"{method} {url}?graph={graph} failed: {error}") from None
    if not response.is_success:
        raise StoreError(f"{method} {url}?graph={graph} answered {response.status_code}: {response.text[:_ERROR_TEXT]}")
