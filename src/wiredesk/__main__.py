"""``python -m wiredesk``: the ``wiredesk`` command."""

import sys

from wiredesk.cli.app import main

sys.exit(main())
