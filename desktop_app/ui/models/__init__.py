"""Qt item models over cached records: one generic table model driven by the resource description."""
