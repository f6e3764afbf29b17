"""Drag-to-reorder's Qt half: the stock levels tab, its list model and view, and the binder to the reorder planner."""
