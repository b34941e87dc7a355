from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    """Numbered pages: one count and one page of rows per request."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
