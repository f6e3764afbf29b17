"""Widgets of the main window: tabs, filter bars, the details pane and the status bar."""
