"""``python -m wiredesk.cli``: the ``wiredesk`` command."""

import sys

from wiredesk.cli.app import main

sys.exit(main())
