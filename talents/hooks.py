"""Callbacks that apps above ``talents`` register for its events, so this app never imports them.

``liaison`` registers the must-visit trigger (三必访): a serious illness or a major achievement
creates visit tasks for the paired leaders as soon as it is reported, not the next morning.
"""

from collections.abc import Callable

_major_event_reported: list[Callable] = []


def on_major_event_reported(callback: Callable) -> Callable:
    """Register ``callback(event)``; usable as a decorator."""
    if callback not in _major_event_reported:
        _major_event_reported.append(callback)
    return callback


def major_event_reported(event) -> None:
    for callback in _major_event_reported:
        callback(event)
