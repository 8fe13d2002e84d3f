"""Keeping a query worker off the network, with whatever the kernel allows, and saying which.

Two independent means, both applied where available:

- a new, empty **network namespace** (`unshare(2)`): the process has no interface but a loopback of
  its own, so nothing it connects to is another machine's or this one's. Containers often refuse it
  (no user namespaces, no CAP_SYS_ADMIN);
- a **seccomp filter** (libseccomp, through `pyseccomp`): `socket(2)` fails with EPERM for every
  family but AF_UNIX, and `connect(2)` for every socket, so that not even a local resolver (nscd,
  systemd-resolved) can be asked to look a name up; the worker's two pipes to its parent, made
  before the filter, need neither. `io_uring_setup(2)`, which could open sockets around the
  filter, fails too. It needs no privilege, only `no_new_privs`, which libseccomp sets, and a kernel
  built with seccomp (every mainstream one since 3.17).

The worker reports what it got (`Isolation`); the pool refuses untrusted queries when it got nothing,
unless a setting accepts the risk (`WorkerConfig.allow_unisolated`).
"""

from __future__ import annotations

import ctypes
import errno
import logging
import socket
from dataclasses import dataclass

log = logging.getLogger(__name__)

_CLONE_NEWUSER, _CLONE_NEWNET = 0x10000000, 0x40000000
_BLOCKED_SYSCALLS = ("connect", "io_uring_setup")


@dataclass(frozen=True)
class Isolation:
    """What keeps a worker off the network: a network namespace, a seccomp filter, both, or nothing."""

    network_namespace: bool = False
    seccomp: bool = False

    @property
    def active(self) -> bool:
        return self.network_namespace or self.seccomp

    def describe(self) -> str:
        means = [name for name, on in (("network-namespace", self.network_namespace), ("seccomp", self.seccomp)) if on]
        return "+".join(means) or "none"


def isolate(*, network_namespace: bool = True, seccomp: bool = True) -> Isolation:
    """Take this process off the network by the means asked for that the kernel grants; call it
    before the process starts any thread, since a seccomp filter binds the threads created after it."""
    return Isolation(
        network_namespace=network_namespace and _leave_network(),
        seccomp=seccomp and _forbid_sockets(),
    )


def _leave_network() -> bool:
    """Move this process into a new network namespace with no interfaces, if the kernel lets it."""
    try:
        unshare = ctypes.CDLL(None, use_errno=True).unshare
    except (OSError, AttributeError):  # not Linux
        return False
    return any(unshare(flags) == 0 for flags in (_CLONE_NEWNET, _CLONE_NEWUSER | _CLONE_NEWNET))


def _forbid_sockets() -> bool:
    """Install a seccomp filter that lets this process open no socket but a Unix one."""
    try:
        import pyseccomp as seccomp
    except (ImportError, OSError) as error:  # OSError: pyseccomp found no libseccomp.so.2
        log.warning("no seccomp filter for the query workers: %s", error)
        return False
    try:
        rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
        rules.add_rule(seccomp.ERRNO(errno.EPERM), "socket", seccomp.Arg(0, seccomp.NE, socket.AF_UNIX))
        for name in _BLOCKED_SYSCALLS:
            rules.add_rule(seccomp.ERRNO(errno.EPERM), name)
        rules.load()
    except (OSError, RuntimeError, ValueError) as error:
        log.warning("the kernel refused the query workers' seccomp filter: %s", error)
        return False
    return True
