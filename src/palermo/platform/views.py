"""The one read path of single records for pages and API: scoped by policy, reads logged."""

from django.shortcuts import get_object_or_404

from .audit import record_reads
from .policies import restrict


def get_visible_or_404(queryset, user, action: str = "view", **lookup):
    """The record matching ``lookup`` among those ``user`` may ``action``, or 404.

    A record the user may not see answers 404 like one that does not exist, so its existence
    is not revealed. A read of a sensitive record is logged.
    """
    obj = get_object_or_404(restrict(queryset, user, action), **lookup)
    record_reads(user, [obj])
    return obj
