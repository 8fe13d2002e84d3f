"""The seccomp filter alone, as where the kernel refuses network namespaces: a process that installed
it reaches no TCP or UDP port on 127.0.0.1 and no Unix socket (a local resolver, say), while the
socket pair it already had still carries its answers."""

from __future__ import annotations

import multiprocessing
import socket
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

from clustergraph.store.isolation import isolate


def attempts(tcp: int, udp: int, unix: str, parent: Connection) -> None:
    """In a child: isolate, then try each way out; send back what got through."""
    isolation = isolate(network_namespace=False)
    reached: list[str] = []
    tries: dict[str, Callable[[], object]] = {
        "tcp": lambda: socket.create_connection(("127.0.0.1", tcp), timeout=2),
        "udp": lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.1", udp)),
        "ipv6": lambda: socket.socket(socket.AF_INET6, socket.SOCK_STREAM),
        "unix": lambda: socket.socket(socket.AF_UNIX).connect(unix),
    }
    for name, attempt in tries.items():
        try:
            attempt()
            reached.append(name)
        except OSError:
            pass
    parent.send((isolation.seccomp, reached))


@pytest.fixture
def listeners(tmp_path: Path) -> Iterator[tuple[socket.socket, socket.socket, socket.socket, str]]:
    tcp = socket.socket()
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    unix = socket.socket(socket.AF_UNIX)
    path = str(tmp_path / "resolver.sock")
    tcp.bind(("127.0.0.1", 0))
    udp.bind(("127.0.0.1", 0))
    unix.bind(path)
    for listener in (tcp, unix):
        listener.listen()
    for listener in (tcp, udp, unix):
        listener.setblocking(False)
    yield tcp, udp, unix, path
    for listener in (tcp, udp, unix):
        listener.close()


def test_seccomp_alone_keeps_a_process_off_every_socket(
    listeners: tuple[socket.socket, socket.socket, socket.socket, str],
) -> None:
    tcp, udp, unix, path = listeners
    context = multiprocessing.get_context("spawn")
    parent_end, child_end = context.Pipe()
    child = context.Process(target=attempts, args=(tcp.getsockname()[1], udp.getsockname()[1], path, child_end))
    child.start()
    try:
        assert parent_end.poll(30), "the isolated child did not answer through its pipe"
        seccomp, reached = parent_end.recv()
    finally:
        child.join(timeout=10)
    assert seccomp is True
    assert reached == []
    for listener in (tcp, unix):
        with pytest.raises(BlockingIOError):
            listener.accept()
    with pytest.raises(BlockingIOError):
        udp.recv(1)
