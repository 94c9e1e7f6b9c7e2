"""Every staff list is paged: nothing stops silently at a fixed number of rows. The page template
`core/_pager.html` keeps the list's search and filters in its links."""

from __future__ import annotations

from django.core.paginator import Page, Paginator

PER_PAGE = 30


def page_of(request, items, per_page: int = PER_PAGE, *, param: str = "page") -> Page:
    """The page the request asks for; a page number that is not one, or beyond the last (even
    2^63), gives the first or the last page, never an error. Two lists on one screen each take
    their own `param`."""
    page = Paginator(items, per_page).get_page(request.GET.get(param))
    page.param = param
    return page
