"""Caches of the server's read-only work, never stale: each is tied to a version of the store.

Everything the server answers from the store (entity pages, SPARQL results,
labels of linked entities) depends only on the store's contents, the
request and things fixed when the app is built (base, limits, ontology,
templates). So an answer may be reused for as long as the store has not
changed, and no longer. The version is the store's generation, a counter
every committed write raises (see :mod:`hmic_graph.store`), read through
:class:`hmic_graph.serve.backend.ServedStore`, which also moves a read-only
handle to new data when another process (``hmic-graph load``) commits.

A cache entry is stored only if the version read *before* the work began
is still the current one when it ends, so work that overlapped a change is
never kept; when the version moves on, the whole cache is dropped.
:data:`NOT_CACHED` is a version under which nothing is kept (for callers
that cannot see changes).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["NOT_CACHED", "Version", "VersionedCache"]

T = TypeVar("T")

#: The version of a store whose changes cannot be seen: nothing is cached under it.
NOT_CACHED: object = object()

Version = Callable[[], Hashable]
"""Gives the store's current version; equal versions mean equal contents."""


class VersionedCache(Generic[T]):
    """A thread-safe LRU map bounded by entries and by (approximate) bytes, tied to a store version.

    :param version: gives the store's current version (see the module docstring).
    :param max_bytes: the most the values may weigh in all, as their ``size``
        says; a value heavier than a quarter of it is never kept.
    :param max_entries: the most entries kept.
    """

    def __init__(self, version: Version, *, max_bytes: int, max_entries: int) -> None:
        self._version_of = version
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, tuple[T, int]] = OrderedDict()
        self._bytes = 0
        self._version: Hashable = NOT_CACHED
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        """Whether anything can be cached at all (the store's changes can be seen)."""
        return self.max_entries > 0 and self.max_bytes > 0 and self._version_of() is not NOT_CACHED

    def version(self) -> Hashable:
        """The store's version now; pass it to :meth:`put` with what was computed after reading it."""
        return self._version_of()

    def get(self, key: Hashable) -> T | None:
        """The value cached for ``key`` under the store's current version, or ``None``."""
        version = self._version_of()
        if version is NOT_CACHED:
            return None
        with self._lock:
            if version != self._version:
                self._reset(version)
                self.misses += 1
                return None
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[0]

    def put(self, key: Hashable, value: T, *, size: int, version: Hashable) -> None:
        """Keep ``value`` for ``key`` if the store is still at ``version`` (read before computing it)."""
        if version is NOT_CACHED or size > self.max_bytes // 4 or self.max_entries <= 0:
            return
        current = self._version_of()
        if current != version:
            return
        with self._lock:
            if current != self._version:
                self._reset(current)
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._entries[key] = (value, size)
            self._bytes += size
            while self._entries and (
                self._bytes > self.max_bytes or len(self._entries) > self.max_entries
            ):
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._reset(self._version)

    def __len__(self) -> int:
        return len(self._entries)

    def _reset(self, version: Hashable) -> None:
        self._entries.clear()
        self._bytes = 0
        self._version = version
