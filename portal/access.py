"""The one way views load an object named by a URL.

The object comes from the person's visibility queryset, so someone else's
object is a 404; a visible object the person may not act on is a 403.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404


def get_permitted_object(user, queryset, permission, **lookup):
    obj = get_object_or_404(queryset, **lookup)
    if not user.has_perm(permission, obj):
        raise PermissionDenied
    return obj
