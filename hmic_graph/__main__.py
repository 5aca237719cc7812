"""``python -m hmic_graph``: the same as the ``hmic-graph`` command."""

import sys

from hmic_graph.cli.main import main

sys.exit(main())
