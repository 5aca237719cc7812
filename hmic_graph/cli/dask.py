"""The ``dask`` subcommand: extract and validate a corpus on a Dask cluster, then load the shards.

``hmic-graph dask RELEASE... --shards DIR [--store DIR] [--scheduler ADDRESS]``
runs :func:`hmic_graph.ingest.dask_runner.run_dask` on the cluster at
``ADDRESS`` (or on a local cluster of ``--workers`` processes) and, with
``--store``, :func:`~hmic_graph.ingest.dask_runner.load_shards` into that
store: the store ``hmic-graph load`` makes of the same files. See
``docs/scaling.md``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from hmic_graph.cli.common import EXIT_ERROR, EXIT_INVALID, EXIT_OK, add_corpus_options
from hmic_graph.model.errors import HmicGraphError

__all__ = ["register_commands"]


def register_commands(subparsers: Any) -> None:
    """Add ``dask`` to ``subparsers``."""
    dask = subparsers.add_parser(
        "dask",
        description=__doc__.splitlines()[0] if __doc__ else None,
        help="extract and validate releases on a Dask cluster, write N-Quads shards, load them",
    )
    dask.add_argument("releases", nargs="+", metavar="RELEASE", help="release files or folders")
    dask.add_argument(
        "--shards",
        metavar="DIR",
        required=True,
        help="folder the workers write the shards to (every worker must see it)",
    )
    dask.add_argument("--store", metavar="DIR", help="load the shards into this store")
    dask.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="the Dask scheduler (tcp://HOST:8786); default: a local cluster",
    )
    dask.add_argument(
        "--workers",
        type=int,
        metavar="N",
        default=None,
        help="worker processes of the local cluster (default: the number of CPUs)",
    )
    dask.add_argument(
        "--partition-size",
        type=int,
        metavar="N",
        default=None,
        # The runner's module is imported only when the command runs: every
        # other command would pay for it.
        help="release files per task and shard (default: dask_runner.PARTITION_SIZE)",
    )
    dask.add_argument("--published", metavar="YYYY-MM-DD", help="publication date, if not in text")
    dask.add_argument("--base", metavar="IRI", default=None, help="namespace for instance IRIs")
    dask.add_argument(
        "--no-validate", action="store_true", help="skip SHACL validation (not recommended)"
    )
    add_corpus_options(dask)
    dask.set_defaults(handler=_cmd_dask)


def _cmd_dask(args: argparse.Namespace) -> int:
    from hmic_graph.ingest.dask_runner import PARTITION_SIZE, ShardLoader, run_dask
    from hmic_graph.model.namespaces import DEFAULT_BASE
    from hmic_graph.rdf.validation import ValidationReport
    from hmic_graph.store import open_store

    if args.workers is not None and args.workers < 1:
        raise HmicGraphError(f"--workers must be at least 1, not {args.workers}")
    try:
        import distributed
    except ImportError as exc:
        raise HmicGraphError('the dask command needs Dask: pip install "hmic-graph[dask]"') from exc
    options = {
        "published": args.published,
        "base": args.base or DEFAULT_BASE,
        "validate": not args.no_validate,
        "manifest": args.manifest,
        "allow_unrelated": args.allow_unrelated,
        "partition_size": args.partition_size or PARTITION_SIZE,
    }

    def skipped(path: Path, reason: ValidationReport | str) -> None:
        if isinstance(reason, ValidationReport):
            sys.stderr.write(
                f"{path}: does not conform to the shapes; skipped\n{reason.to_text()}\n"
            )
        else:
            sys.stderr.write(f"{reason}; skipped\n")

    def shards_to(on_shard: Any) -> list[Any]:
        cluster_api: Any = distributed  # untyped
        if args.scheduler:
            with cluster_api.Client(args.scheduler) as client:
                return run_dask(
                    args.releases, args.shards, scheduler=client, on_shard=on_shard, **options
                )
        # One single-threaded process per core: the work holds the GIL.
        with (
            cluster_api.LocalCluster(
                n_workers=args.workers or os.cpu_count() or 1,
                threads_per_worker=1,
                dashboard_address=None,
            ) as cluster,
            cluster_api.Client(cluster) as client,
        ):
            return run_dask(
                args.releases, args.shards, scheduler=client, on_shard=on_shard, **options
            )

    if not args.store:
        shards = shards_to(None)
        sys.stderr.write(f"wrote {len(shards)} shard{'s' * (len(shards) != 1)} to {args.shards}\n")
        return EXIT_OK
    with open_store(Path(args.store), kind="oxigraph", create=True) as store:
        # The store is written while the cluster makes the later shards.
        loader = ShardLoader(store, skipped=skipped)
        shards = shards_to(loader.add)
        outcome = loader.finish()
        if outcome.loaded:
            store.prepare_answers()  # as `load` does
        held, total = len(store.releases()), len(store)
    sys.stderr.write(f"wrote {len(shards)} shard{'s' * (len(shards) != 1)} to {args.shards}\n")
    loaded = len(outcome.loaded)
    skips = len(outcome.invalid) + len(outcome.errors) + len(outcome.unrelated)
    sys.stderr.write(
        f"loaded {loaded} release{'s' * (loaded != 1)} into {args.store}, which holds "
        f"{held} release{'s' * (held != 1)} ({total} triples)"
        + (f"; {skips} skipped" if skips else "")
        + "\n"
    )
    if outcome.errors:
        return EXIT_ERROR
    return EXIT_INVALID if outcome.invalid else EXIT_OK
