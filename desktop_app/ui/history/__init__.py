"""The window's history: a record's timeline in the details pane, and the Changes view of the last syncs."""
