"""The limits of the server, in one place: :class:`Settings`.

``hmic-graph serve`` fills it from its flags (the flag of each field is in
its description); :func:`hmic_graph.serve.create_app` takes it as
``settings=``. ``docs/security.md`` explains what each limit protects
against and how it is tested.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from hmic_graph.model.errors import HmicGraphError

__all__ = ["Settings"]

MIB = 2**20


@dataclass(frozen=True, kw_only=True, slots=True)
class Settings:
    """How much one request, and all of them together, may take from the server.

    :param query_timeout: seconds a SPARQL query may run; past it its worker
        process is killed and replaced and the answer is 503
        (``--query-timeout``, default 10).
    :param max_results: the most rows (or triples) a SPARQL result may have;
        more is 422, never a truncated result. The worker stops reading at
        one more than this (``--max-results``, default 10,000).
    :param max_request_bytes: the largest request body; a longer query
        string is 414, a larger body 413 (``--max-request-bytes``, default 100,000).
    :param query_workers: how many worker processes run SPARQL queries, one
        query each at a time (``--query-workers``, default 2).
    :param worker_memory_mib: the memory cap of each worker process, in MiB
        (``RLIMIT_DATA``: heap and private writable mappings, the store's
        caches included); a query that needs more ends its worker and is
        answered 503 (``--worker-memory``, default 1024).
    :param max_waiting: how many SPARQL requests may wait for a free worker;
        more are answered 503 at once (``--max-waiting``, default 32).
    :param cache_bytes: about how much memory cached answers (entity pages,
        SPARQL results, labels) may take; 0 caches nothing
        (``--cache-mib``, default 64 MiB).
    :param worker_nice: how much lower the workers' CPU priority is than the
        web process's, so pages stay quick while a long query runs (default 5).
    :raises HmicGraphError: a limit is zero or negative (``cache_bytes`` and
        ``worker_nice`` may be 0), or ``worker_memory_mib`` is under 256
        (a worker needs about 100 MiB before it runs anything).
    """

    query_timeout: float = 10.0
    max_results: int = 10_000
    max_request_bytes: int = 100_000
    query_workers: int = 2
    worker_memory_mib: int = 1024
    max_waiting: int = 32
    cache_bytes: int = 64 * MIB
    worker_nice: int = 5

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise HmicGraphError(f"{field.name} must be a number, not {value!r}")
            if field.name in ("cache_bytes", "worker_nice"):
                if value < 0:
                    raise HmicGraphError(f"{field.name} must not be negative, not {value!r}")
            elif not value > 0:
                raise HmicGraphError(f"{field.name} must be positive, not {value!r}")
        if self.worker_memory_mib < 256:
            raise HmicGraphError(
                f"worker_memory_mib must be at least 256, not {self.worker_memory_mib!r}: "
                "a worker needs about 100 MiB before it runs a query"
            )

    @property
    def worker_memory_bytes(self) -> int:
        """:attr:`worker_memory_mib` in bytes."""
        return self.worker_memory_mib * MIB
