"""Reordering the stock levels of an inventory model: the pure planner and the controller that sends its plan."""

from desktop_app.reorder.planner import STEP, Plan, PlanError, current_order, plan_priorities

__all__ = ["STEP", "Plan", "PlanError", "current_order", "plan_priorities"]
