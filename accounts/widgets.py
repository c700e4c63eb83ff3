"""Widgets for the pages people open all day."""

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


def _attributes(attrs: dict) -> str:
    """Attributes as Django's ``attrs.html`` writes them, in their order: ``True`` alone, ``False`` left out."""
    return mark_safe(  # noqa: S308  (each part escaped by format_html)
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False
        )
    )


class QuickSelect(forms.Select):
    """A ``<select>`` whose options are written in Python, not each through a template.

    Django renders every option by including a template: some 5 ms for the 106 organizations of a city
    (the benchmark at scale 1), on every page with an organization picker, and ten times that for a
    province. The markup is Django's, without the blank lines.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group_name, options, _index in widget["optgroups"]:
            rendered = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((o["value"], _attributes(o["attrs"]), o["label"]) for o in options),
            )
            parts.append(
                format_html('<optgroup label="{}">{}</optgroup>', group_name, rendered) if group_name else rendered
            )
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            _attributes(widget["attrs"]),
            mark_safe("".join(parts)),  # noqa: S308  (escaped above)
        )
