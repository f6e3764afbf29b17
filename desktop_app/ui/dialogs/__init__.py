"""Dialogs; each opens through a classmethod ``ask(...)`` so tests can replace one function."""
