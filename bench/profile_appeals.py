"""In-process cost of the appeal hot paths, without a server: one classifier suggestion, one
intake (`appeal_submit`) and one status read (the API's detail view), in milliseconds.

Run against a migrated database with the demo union (as `make bench` prepares one):
    UNIONHOME_DATA_DIR=$(mktemp -d) sh -c 'unionhome migrate && unionhome demo && python -m bench.profile_appeals'
"""

from __future__ import annotations

import os
import time

TEXT = "这个月的加班费又没有按排班表上的夜班算，少了两百多块，问主管也说不清楚，请工会帮忙核实。"


def per_call_ms(fn, n: int) -> float:
    started = time.perf_counter()
    for _ in range(n):
        fn()
    return round((time.perf_counter() - started) / n * 1000, 1)


def main() -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionhome.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    from unionhome.appeals import classifier, selectors, services
    from unionhome.appeals.api.appeals import AppealDetail, _detail

    user = get_user_model().objects.get(username="m0100")
    appeal = services.appeal_submit(actor=user, text=TEXT)  # also loads the model
    request = RequestFactory().get("/")
    request.user = user
    result = {
        "suggest_ms": per_call_ms(lambda: classifier.suggest(TEXT), 20),
        "intake_ms": per_call_ms(lambda: services.appeal_submit(actor=user, text=TEXT), 20),
        "status_ms": per_call_ms(
            lambda: AppealDetail.from_orm(_detail(request, selectors.appeal_get(user, appeal.pk))).dict(), 50
        ),
    }
    print(f"\nappeal hot paths in process: {result}")
    return result


if __name__ == "__main__":
    main()
