from portal.dashboard import sections_for


def navigation(request):
    """Navigation shows each person the kinds of work they have, lazily loaded."""
    return {"nav_sections": lambda: sections_for(request)}
