"""Fixtures of the liaison tests; the report tests' hand-made year lives in report_world."""

from liaison.tests.report_world import world  # noqa: F401
