"""``python -m desktop_app`` is the ``stockroom`` command."""

from desktop_app.cli import main

raise SystemExit(main())
