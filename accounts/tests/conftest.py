"""Lines the accounts tests want in pytest's closing summary (shown without -s)."""

import pytest

SUMMARY_KEY = pytest.StashKey[list]()


@pytest.fixture
def summary(request):
    """Append a line here to print it in the terminal summary, e.g. the access matrix's size."""
    return request.config.stash.setdefault(SUMMARY_KEY, [])


def pytest_terminal_summary(terminalreporter, config):
    lines = config.stash.get(SUMMARY_KEY, [])
    if lines:
        terminalreporter.section("security checks")
        for line in lines:
            terminalreporter.write_line(line)
