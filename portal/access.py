"""The one way views load an object named by a URL: ``require``.

The object is loaded by its id through a plain queryset, then the rules decide: someone
else's object, or one that is not there, is a 404; a visible object the person may not act
on is a 403. Query modules never raise Http404; the rules (each app's rules.py) are the only
statement of who may see what.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404


def require(user, permission, queryset, *, act=None, **lookup):
    """The object of ``queryset`` matching ``lookup`` if the person has ``permission`` on it,
    else Http404 (missing, or not the person's). With ``act``, the permission the page's
    action needs: refused with a 403 when the person sees the object but may not do that.

    What the rules read about the person comes with the object (the loaders of
    programs.access and applications.access annotate their role in a firm or their
    partnership of a host) or from their staff rows of the request (programs.rules.staff_rows),
    so the checks cost at most one small query."""
    obj = get_object_or_404(queryset, **lookup)
    if not user.has_perm(permission, obj):
        raise Http404
    if act not in (None, permission) and not user.has_perm(act, obj):
        raise PermissionDenied
    return obj
