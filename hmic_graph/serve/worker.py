"""A SPARQL worker process: runs one query at a time over a store opened read-only, with no network.

Started by :class:`hmic_graph.serve.workers.QueryPool` as
``python -m hmic_graph.serve.worker CONFIG`` (``CONFIG`` a JSON object:
``store`` the folder, ``answers`` and ``generation`` where the bundled
questions' kept answers of the data it opens lie (:mod:`hmic_graph.sparql.answers`;
read, never written), ``memory_bytes`` the cap, ``nice`` the priority
increment). Before anything else, and while it is still single-threaded, it
leaves the network: :func:`leave_network` moves it into a new user and
network namespace, which holds only a loopback interface that is down, and
installs a seccomp filter under which it can open no network socket, so a
``SERVICE`` the engine would follow fails. Then it opens the store
read-only (no lock: a ``load`` may run meanwhile, and this process sees the
store as it was when opened), caps its memory (``RLIMIT_DATA``: the heap and
every private writable mapping, where the engine's sorting and joining
memory lives), lowers its priority, and says hello on standard output.

Requests come one per line on standard input, answers go one per line to
standard output, both JSON:

* request: ``{"query": TEXT, "name": NAME, "limit": L, "offset": O,
  "max_rows": N, "prefixes": {...}}`` (``name`` the bundled question
  ``TEXT`` is, or ``null``; ``limit`` and ``offset`` page a SELECT answer);
* answer: ``{"form": "SELECT", "variables": [...], "rows": [...]}`` (rows
  in the SPARQL JSON results term form), ``{"form": "ASK", "value": B}``,
  ``{"form": "CONSTRUCT", "triples": [[s, p, o], ...]}``, or
  ``{"error": MESSAGE, "status": HTTP_STATUS}``.

A query is evaluated by :func:`hmic_graph.sparql.evaluation.solve`, as the
Python API and the CLI evaluate it: a bundled question in its Oxigraph
form, the final ``ORDER BY`` in Python, so a question gives the same rows on
every path. Rows are read one at a time and reading stops at
``max_rows + 1``, so a large result never sits in memory whole; what the
engine holds before the first row (a sort, an aggregate) is bounded by the
memory cap, and the time it takes by the pool, which kills the process at
the time limit. This module imports nothing from the web stack nor rdflib,
so a worker starts in a fraction of a second.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import resource
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hmic_graph.sparql.answers import AnswerFiles

__all__ = ["OUT_OF_MEMORY", "answer", "leave_network", "main"]

#: The exit status of a worker that ran out of memory in Python (the engine aborts instead).
OUT_OF_MEMORY = 3
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000
# Oxigraph's syntax errors open with "error at LINE:COLUMN: ".
_POSITION = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def leave_network() -> str | None:
    """Take this process off the network: no socket it opens can reach any address.

    Two barriers, each enough alone, both raised when the kernel allows:

    * new user and network namespaces (``unshare``), whose only interface,
      loopback, is down: every connection fails with "network unreachable";
    * a seccomp filter under which ``socket()`` fails for every family but
      ``AF_UNIX`` (and ``io_uring``, which could open sockets another way, is
      refused): works where user namespaces are disabled (some containers,
      Ubuntu's AppArmor policy).

    Must run while the process has one thread: the kernel refuses
    ``unshare(CLONE_NEWUSER)`` otherwise, and a seccomp filter reaches only
    the threads started after it.

    :returns: ``None`` when at least one barrier stands, else why neither
        could be raised (not Linux, both refused), for the caller to warn about.
    """
    if not sys.platform.startswith("linux"):
        return f"network isolation needs Linux, not {sys.platform}"
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError as exc:
        return f"the C library cannot be loaded: {exc}"
    namespaces = _unshare(libc)
    sockets = _deny_sockets(libc)
    if namespaces is None or sockets is None:
        return None
    return f"{namespaces}; {sockets}"


def _unshare(libc: Any) -> str | None:
    if libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) != 0:
        return f"unshare(CLONE_NEWUSER | CLONE_NEWNET) failed: {os.strerror(ctypes.get_errno())}"
    return None


class _SockFilter(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_ushort),
        ("jt", ctypes.c_ubyte),
        ("jf", ctypes.c_ubyte),
        ("k", ctypes.c_uint32),
    ]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


# Per machine: (AUDIT_ARCH_*, socket's syscall number); io_uring_setup is 425 on both.
_ARCHES = {"x86_64": (0xC000003E, 41), "aarch64": (0xC00000B7, 198)}
_IO_URING_SETUP = 425
_AF_UNIX = 1
_EACCES = 13


def _deny_sockets(libc: Any) -> str | None:
    """Install the seccomp filter of :func:`leave_network`; ``None`` when done, else why not."""
    arch = _ARCHES.get(os.uname().machine)
    if arch is None:
        return f"no seccomp filter for {os.uname().machine}"
    audit_arch, socket_call = arch
    load, jump_eq, jump_ge, ret = 0x20, 0x15, 0x35, 0x06
    allow, deny = 0x7FFF0000, 0x00050000 | _EACCES
    program = [
        (load, 0, 0, 4),  # the calling convention
        (jump_eq, 0, 7, audit_arch),  # another one (32-bit calls): deny
        (load, 0, 0, 0),  # the system call's number
        (jump_ge, 5, 0, 0x40000000),  # x32 calls: deny
        (jump_eq, 4, 0, _IO_URING_SETUP),
        (jump_eq, 0, 2, socket_call),  # anything else: allow
        (load, 0, 0, 16),  # socket's first argument, the address family
        (jump_eq, 0, 1, _AF_UNIX),
        (ret, 0, 0, allow),
        (ret, 0, 0, deny),
    ]
    filters = (_SockFilter * len(program))(*(_SockFilter(*step) for step in program))
    fprog = _SockFprog(len(program), filters)
    pr_set_no_new_privs, pr_set_seccomp, seccomp_mode_filter = 38, 22, 2
    if libc.prctl(pr_set_no_new_privs, 1, 0, 0, 0) != 0:
        return f"prctl(PR_SET_NO_NEW_PRIVS) failed: {os.strerror(ctypes.get_errno())}"
    if libc.prctl(pr_set_seccomp, seccomp_mode_filter, ctypes.byref(fprog), 0, 0) != 0:
        return f"the seccomp filter was refused: {os.strerror(ctypes.get_errno())}"
    return None


def _term(term: Any) -> dict[str, str]:
    import pyoxigraph

    if isinstance(term, pyoxigraph.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, pyoxigraph.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return {"type": "literal", "value": term.value, "xml:lang": term.language}
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return {"type": "literal", "value": term.value}
        return {"type": "literal", "value": term.value, "datatype": datatype}
    return {"type": "literal", "value": str(term)}


def answer(store: Any, request: dict[str, Any], kept: AnswerFiles | None = None) -> dict[str, Any]:
    """Run one request on ``store`` (a :class:`pyoxigraph.Store`); see the module docstring."""
    from hmic_graph.sparql.catalogue import QueryText
    from hmic_graph.sparql.evaluation import Constructed, TooManyRows, solve

    max_rows = int(request["max_rows"])
    limit = request.get("limit")
    resolved = QueryText(request["query"], "text", name=request.get("name"))
    try:
        result = solve(
            store,
            resolved,
            prefixes=dict(request.get("prefixes") or {}),
            max_rows=max_rows,
            limit=None if limit is None else int(limit),
            offset=int(request.get("offset") or 0),
            kept=kept,
        )
    except TooManyRows:
        return {"error": "too many", "status": 422, "max_rows": max_rows}
    except SyntaxError as exc:
        place = _POSITION.match(exc.msg)
        if place is None:
            return {"error": f"malformed query: {exc.msg}", "status": 400}
        line, column, reason = place.groups()
        return {"error": f"malformed query at line {line}, column {column}: {reason}", "status": 400}
    except (OSError, RuntimeError, ValueError) as exc:
        return {"error": f"the query failed: {exc}", "status": 400}
    if isinstance(result, bool):
        return {"form": "ASK", "value": result}
    if isinstance(result, Constructed):
        triples = [[_term(term) for term in triple] for triple in result.triples]
        return {"form": "CONSTRUCT", "triples": triples}
    variables = list(result.variables)
    rows = [
        {name: _term(term) for name, term in zip(variables, terms, strict=True) if term is not None}
        for terms in result.terms
    ]
    return {"form": "SELECT", "variables": variables, "rows": rows}


def _exit_with_parent(parent: int) -> None:
    """End this process when the server that started it is gone (even killed with SIGKILL)."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def main(argv: list[str]) -> int:
    """Serve requests until standard input closes; see the module docstring."""
    sandbox = leave_network()  # first, while this process has a single thread
    config = json.loads(argv[0])
    import pyoxigraph

    # Imported before the hello, so that a query's time limit never pays for it.
    import hmic_graph.sparql.evaluation  # noqa: F401
    from hmic_graph.sparql.answers import AnswerFiles

    # Bytes, UTF-8 both ways: the locale's encoding may not hold every character.
    out = sys.stdout.buffer
    try:
        store = _open_read_only(pyoxigraph, config["store"])
    except (OSError, RuntimeError) as exc:
        _send(out, {"ready": False, "error": f"cannot open the store read-only: {exc}"})
        return 2
    memory = int(config["memory_bytes"])
    # The cap counts what is mapped already (the store's caches, the
    # interpreter): it is the whole process's budget, as documented.
    resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
    os.nice(int(config.get("nice", 0)))
    generation = config.get("generation")
    kept = None if generation is None else AnswerFiles(Path(config["answers"]), int(generation))
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    _send(out, {"ready": True, "sandbox": sandbox, "pid": os.getpid()})
    for line in sys.stdin.buffer:
        try:
            reply = answer(store, json.loads(line), kept)
        except MemoryError:
            reply = {"error": "memory", "status": 503}
        except Exception as exc:  # a failure of ours: reported, and the worker carries on
            reply = {"error": f"the query failed: {type(exc).__name__}: {exc}", "status": 500}
        _send(out, reply)
        if reply.get("error") == "memory":
            return OUT_OF_MEMORY  # what failed to allocate may have left the heap in pieces
    return 0


def _open_read_only(pyoxigraph: Any, folder: str) -> Any:
    """``Store.read_only(folder)``, tried again while a ``load`` replaces the files it names.

    An opening reads the database's list of files, then opens them; a writer
    compacting in between has removed some ("No such file"), and reading the
    list again finds the new ones (as :mod:`hmic_graph.store.oxigraph` does;
    not imported here, to keep rdflib out of the worker).
    """
    attempts = 20
    for attempt in range(attempts):
        try:
            return pyoxigraph.Store.read_only(folder)
        except (OSError, RuntimeError) as exc:
            if "no such file" not in str(exc).lower() or attempt == attempts - 1:
                raise
            time.sleep(0.01 * (attempt + 1))
    raise AssertionError("unreachable")  # pragma: no cover


def _send(out: Any, message: dict[str, Any]) -> None:
    out.write(json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n")
    out.flush()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
