"""``python -m desktop_app`` is the ``stockroom`` command; the frozen program starts here too."""

from desktop_app import collector

collector.hold()  # from the first import on; the window's start releases it at its first frame, a command at its parse

from desktop_app.cli import main  # noqa: E402  # imported with the collector paused

raise SystemExit(main())
