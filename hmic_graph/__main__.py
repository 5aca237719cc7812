"""``python -m hmic_graph``: the same as the ``hmic-graph`` command."""

import sys

from .cli import main

sys.exit(main())
