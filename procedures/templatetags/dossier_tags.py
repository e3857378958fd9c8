from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def representative_contact(context, dossier):
    """The authorised person's ID number, phone and address as the page's user may
    see them (`Dossier.representative_contact_for`)."""
    return dossier.representative_contact_for(context["request"].user)
