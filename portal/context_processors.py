from portal.dashboard import nav_sections_for


def navigation(request):
    """Navigation shows each person the kinds of work they have, lazily loaded."""
    return {"nav_sections": lambda: nav_sections_for(request)}
