"""Posting an admin change page back as it was displayed."""

from django import forms


def unchanged(page) -> dict:
    """The POST data that saves the admin change page `page` without changing a thing:
    every field of its form and of its inlines, as displayed."""
    bound = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        bound += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in bound:
        for field in form:
            value = field.value()
            if isinstance(field.field.widget, forms.MultiWidget):
                parts = field.field.widget.decompress(value)
                data.update({f"{field.html_name}_{n}": part for n, part in enumerate(parts)})
            elif isinstance(value, list | tuple):
                data[field.html_name] = [str(item) for item in value]
            elif value is True:
                data[field.html_name] = "on"
            elif value not in (None, False):
                data[field.html_name] = str(value)
    return {name: "" if value is None else value for name, value in data.items()}
