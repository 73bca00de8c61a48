"""Links into the consultation log that carry more than a URL name."""

import uuid

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def new_consultation_url():
    """The new-consultation form with a one-time token in its address. The token travels in the
    URL so that browser Back, which fetches the form again, gets the same token: the form sent
    again is then recognised as the one already saved."""
    return f"{reverse('consultations:create')}?form={uuid.uuid4()}"
