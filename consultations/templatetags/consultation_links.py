"""Links into the consultation log that carry more than a URL name."""

import uuid

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def new_consultation_url(client=None):
    """The new-consultation form with a one-time token in its address. The token travels in the
    URL so that browser Back, which fetches the form again, gets the same token: the form sent
    again is then recognised as the one already saved. `client`: a consultation whose client the
    new one is about (the form starts linked to the client's first consultation)."""
    url = f"{reverse('consultations:create')}?form={uuid.uuid4()}"
    return f"{url}&client={int(client)}" if client else url
