"""Understanding what a user typed: from query text to an engine-neutral :class:`QueryPlan`."""
