"""`highlighted`: a search headline, escaped, with its matched words in <mark>."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from videos.selectors import HIGHLIGHT_START, HIGHLIGHT_STOP

register = template.Library()


@register.filter
def highlighted(headline: str) -> SafeString:
    """Everything is escaped first; only then do the database's marks become <mark> tags."""
    text = escape(headline or "")
    return mark_safe(text.replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_STOP, "</mark>"))
