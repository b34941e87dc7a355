"""A read-only viewset over the objects a person may see, as the pages load them."""

from django.shortcuts import get_object_or_404
from rest_framework import viewsets

from portal.access import require
from portal.api.permissions import object_id


class VisibleViewSet(viewsets.ReadOnlyModelViewSet):
    """The list is ``visible(request)`` (the page's visibility queryset, narrowed by the
    token's scope) in ``ordering``; one object is loaded from the same queryset through the
    rules with ``view_permission`` (not visible: 404), or, with none, visible is enough."""

    view_permission = None
    ordering = ("pk",)

    @staticmethod
    def visible(request):
        raise NotImplementedError

    def get_queryset(self):
        return self.visible(self.request).order_by(*self.ordering)

    def get_object(self):
        pk = object_id(self.kwargs["pk"])
        if self.view_permission is None:
            return get_object_or_404(self.visible(self.request), pk=pk)
        return require(self.request.user, self.view_permission, self.visible(self.request), pk=pk)
