"""Checking and running the endpoint's SPARQL queries: :class:`QueryRunner`.

Between the ``/sparql`` route (:mod:`hmic_graph.serve.app`) and the worker
processes (:mod:`hmic_graph.serve.workers`): a query is resolved as the CLI
resolves it (a bare word is a competency question's name, never a file),
checked by :func:`hmic_graph.sparql.guard.check_query`, and run on the pool
from a thread of its own, with identical queries sharing one run.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Hashable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from hmic_graph.model.errors import InvalidQuery
from hmic_graph.model.namespaces import sparql_prefixes
from hmic_graph.serve.cache import NOT_CACHED, Version
from hmic_graph.serve.protocol import Outcome, ProtocolError, QueryForm, outcome_of
from hmic_graph.serve.settings import Settings
from hmic_graph.serve.workers import QueryPool

__all__ = ["MAX_REMEMBERED_FORMS", "Page", "QueryRunner"]

Page = tuple[int | None, int]
"""``(limit, offset)``: the rows of a SELECT answer asked for (``(None, 0)``: all of them)."""

#: How many query texts :meth:`QueryRunner.form_of` remembers (then it starts afresh).
MAX_REMEMBERED_FORMS = 20_000


class QueryRunner:
    """Checks queries with the guard and runs them on the worker pool.

    A query sent while the same text is already running on the same
    generation of the store waits for that run's answer instead of running
    again: a burst of clients asking the same competency question costs one
    run. The pool's calls block, so they run on a thread pool of their own
    (as many threads as queries may run or wait), apart from the one that
    renders pages.
    """

    def __init__(self, pool: QueryPool, *, base: str, settings: Settings, version: Version) -> None:
        self.pool = pool
        self.settings = settings
        self.prefixes = sparql_prefixes(base)
        self.namespaces = (base,)
        self._version = version
        self._threads = ThreadPoolExecutor(
            max_workers=settings.query_workers + settings.max_waiting,
            thread_name_prefix="hmic-sparql",
        )
        self._running: dict[
            tuple[Hashable, str, Page], asyncio.Future[tuple[QueryForm, Outcome]]
        ] = {}
        self._forms: dict[str, QueryForm] = {}
        # Runs handed to the threads and not finished (touched on the event loop only).
        self._in_flight = 0

    def form_of(self, text: str) -> QueryForm | None:
        """The form of ``text`` if it was answered lately (to find its cached answer)."""
        return self._forms.get(text)

    def _job(self, text: str, page: Page, deadline: float) -> tuple[QueryForm, Outcome]:
        from hmic_graph.sparql.catalogue import resolve_name_or_text
        from hmic_graph.sparql.evaluation import engine_text
        from hmic_graph.sparql.guard import QueryRefused, check_query

        try:
            # A bare word is a bundled question's name, as for the CLI and the
            # Python API; never a file on the server.
            resolved = resolve_name_or_text(text)
            # The question's text and, for a bundled one, the Oxigraph form that runs.
            for checked in dict.fromkeys((resolved.text, engine_text(resolved))):
                form = check_query(checked, graph_namespaces=self.namespaces).form
        except QueryRefused as exc:
            raise ProtocolError(exc.message, status=exc.status) from None
        except InvalidQuery as exc:
            raise ProtocolError(exc.message, status=400) from None
        limit, offset = page
        if (limit is not None or offset) and form != "SELECT":
            raise ProtocolError(
                f"limit and offset page the rows of a SELECT query, and this is {form}",
                status=400,
            )
        reply = self.pool.run(
            resolved.text,
            name=resolved.name,
            prefixes=self.prefixes,
            deadline=deadline,
            limit=limit,
            offset=offset,
        )
        return outcome_of(reply)

    async def run(self, text: str, page: Page = (None, 0)) -> tuple[QueryForm, Outcome]:
        """Check and run ``text``; see :func:`create_app` for the limits.

        :param page: ``(limit, offset)`` of the rows of a SELECT answer.

        :raises ProtocolError: the query is refused, malformed, too slow or too
            big, or the server is busy.
        """
        version = self._version()
        key = (version, text, page)
        running = self._running.get(key) if version is not NOT_CACHED else None
        if running is None:
            if self._in_flight >= self.settings.query_workers + self.settings.max_waiting:
                raise ProtocolError(
                    "the server is busy (every worker is taken and the waiting line is full); "
                    "try again shortly",
                    status=503,
                    headers={"Retry-After": "2"},
                )
            # The time limit starts now: time spent waiting for a thread counts.
            deadline = time.monotonic() + self.settings.query_timeout
            try:
                running = asyncio.get_running_loop().run_in_executor(
                    self._threads, self._job, text, page, deadline
                )
            except RuntimeError:  # the thread pool is shut down: the server is stopping
                raise ProtocolError("the server is shutting down", status=503) from None
            self._in_flight += 1
            running.add_done_callback(functools.partial(self._finished, key=key))
            if version is not NOT_CACHED:
                self._running[key] = running
        # Shielded: a client that goes away must not cancel a run others wait for.
        form, outcome = await asyncio.shield(running)
        if len(self._forms) >= MAX_REMEMBERED_FORMS:
            self._forms.clear()
        self._forms[text] = form
        return form, outcome

    def _finished(self, future: asyncio.Future[Any], *, key: tuple[Hashable, str, Page]) -> None:
        self._in_flight -= 1
        if self._running.get(key) is future:
            del self._running[key]
        if not future.cancelled():
            future.exception()  # seen: asyncio logs errors nobody awaited

    def close(self) -> None:
        """Stop the workers now: queries running or waiting are answered 503."""
        self.pool.close()
        self._threads.shutdown(wait=False, cancel_futures=True)
