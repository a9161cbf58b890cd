"""``python -m medspam``: the command line."""

import sys

from medspam.cli.main import main

sys.exit(main())
