"""Fan-out of one targeted notice to 100,000 members (target: under 30 s on PostgreSQL).

Creates a bench union with 100k members (accounts without passwords), sends a notice to all of
them — the same `notice_fan_out` the task queue runs: the audience query streamed in chunks,
inbox rows written a thousand per statement — then checks one member's unread count and removes
everything it made."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
N = int(os.environ.get("BENCH_NOTICE_MEMBERS", "100000"))


def main() -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionhome.settings")
    os.environ["NOTIFY_CHANNELS"] = ""  # the inbox only: channel delivery is the task queue's
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from bench.cleanup import drop_bench_union
    from unionhome.content.models import Notice
    from unionhome.content.services import notice_fan_out
    from unionhome.core.models import Org
    from unionhome.core.notifications import unread_count
    from unionhome.members.models import Member, MemberStatus

    User = get_user_model()
    org = Org.objects.create(name="压测工会")
    started = time.perf_counter()
    users = User.objects.bulk_create(
        [User(username=f"bench{i:06d}", password="!") for i in range(N)], batch_size=2000
    )
    Member.objects.bulk_create(
        [Member(org=org, user=u, name=f"会员{i}", status=MemberStatus.ACTIVE) for i, u in enumerate(users)],
        batch_size=2000,
    )
    setup_seconds = time.perf_counter() - started
    notice = Notice.objects.create(org=org, title="全员通知", body="明天上午安全培训。")
    try:
        started = time.perf_counter()
        sent = notice_fan_out(notice.pk)
        seconds = time.perf_counter() - started
        assert sent == N, sent
        assert unread_count(users[-1]) == 1
    finally:
        notice.delete()
        drop_bench_union(org, "bench")
    result = {
        "database": connection.vendor,
        "members": N,
        "fan_out_seconds": round(seconds, 2),
        "per_second": round(N / seconds),
    }
    print(
        f"\nNotice fan-out ({connection.vendor}): {N} members in {seconds:.2f} s ({N / seconds:,.0f}/s); setup {setup_seconds:.1f} s; target < 30 s on PostgreSQL"
    )
    return result


if __name__ == "__main__":
    main()
