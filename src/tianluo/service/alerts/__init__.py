"""The analysts' queue: alerts loaded from the results, filtered, assigned, dismissed, escalated."""
