"""Widgets for the pages people open all day."""

from django import forms
from django.utils.html import conditional_escape, format_html
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
    province. Its ``optgroups`` still built a dict of each option's context (1.6 ms for those 106); the
    choices are read here directly. The markup is Django's, without the blank lines.
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        found = False

        def option(option_value, label) -> str:
            nonlocal found
            text = "" if option_value is None else str(option_value)
            selected = (not found or self.allow_multiple_selected) and text in chosen
            found = found or selected
            mark = " selected" if selected else ""
            return f'<option value="{conditional_escape(text)}"{mark}>{conditional_escape(label)}</option>'

        parts = []
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):  # a group of options
                inner = "".join(option(v, sub_label) for v, sub_label in label)
                parts.append(f'<optgroup label="{conditional_escape(option_value)}">{inner}</optgroup>')
            else:
                parts.append(option(option_value, label))
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            _attributes(self.build_attrs(self.attrs, attrs)),
            mark_safe("".join(parts)),  # noqa: S308  (each value and label escaped above)
        )
