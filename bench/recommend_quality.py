"""Recommendations (issue #23, G3): offline quality on simulated interaction logs, and the time
to recommend for one member on the demo union.

The simulation (documented so it can be argued with): 16 topics a union's offerings fall into
(羽毛球, 书法, 亲子, 体检, 法律, 技能, 电影, 购物 …), each with its own words. 1,500 members, each
with latent preferences over the topics (Dirichlet, α = 0.3: most care for two or three) and an
activity level. 12 months; each month 40 new items open (activities, offers, news), each on one
topic, titled from its topic's words and some common ones, open for three months. Each month a
member takes up an open item with probability level × 0.5 × preference(topic) / max preference,
once. Time split: months 1–9 are the log; months 10–12 the truth. For each member with take-up
on both sides, the candidates are the items open in months 10–12 the member has not taken; the
ranker sees only months 1–9 (its evidence; popularity = takers in months 1–9, so the items that
opened late have none, as in life). precision@5 and NDCG@5 (binary relevance) against random
and popularity."""

from __future__ import annotations

import math
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOPICS = {
    "羽毛球": "羽毛球 球拍 双打 比赛 场馆",
    "书法": "书法 毛笔 字帖 练字 墨香",
    "亲子": "亲子 孩子 家庭 周末 游园",
    "体检": "体检 健康 医院 筛查 血压",
    "法律": "法律 劳动合同 维权 律师 讲座",
    "技能": "技能 培训 电工 证书 考试",
    "电影": "电影 观影 影院 电影票 首映",
    "购物": "超市 购物卡 折扣 优惠 商城",
    "跑步": "跑步 健步走 马拉松 运动 打卡",
    "读书": "读书 图书 分享会 阅读 书单",
    "旅游": "旅游 疗休养 景区 门票 出行",
    "防暑": "防暑 降温 清凉 高温 饮品",
    "心理": "心理 减压 疏导 咨询 情绪",
    "婚恋": "交友 联谊 单身 相亲 活动",
    "厨艺": "厨艺 烹饪 美食 做菜 比赛",
    "摄影": "摄影 相机 拍照 作品 展览",
}
COMMON = ["工会", "职工", "报名", "活动", "本周", "免费", "会员", "专享"]
KINDS = ("activity", "offer", "article")
MEMBERS, MONTHS, PER_MONTH, OPEN_MONTHS, SPLIT = 1500, 12, 40, 3, 9


def simulate(seed: int = 11):
    from unionhome.insights.recommend import Item

    rng = random.Random(seed)
    topics = list(TOPICS)
    items = []  # (Item, topic, first month)
    for month in range(1, MONTHS + 1):
        for n in range(PER_MONTH):
            topic = rng.choice(topics)
            words = TOPICS[topic].split()
            title = "".join(rng.sample(words, 2)) + rng.choice(COMMON) + f"（第{n}期）"
            kind = rng.choice(KINDS)
            items.append((Item(f"{kind}:{len(items)}", kind, title), topic, month))
    members = []
    for _ in range(MEMBERS):
        weights = [rng.gammavariate(0.3, 1) for _ in topics]
        top = max(weights)
        members.append(({t: w / top for t, w in zip(topics, weights, strict=True)}, rng.uniform(0.2, 1.0)))
    log: list[tuple[int, str, int]] = []  # (member, item key, month)
    taken: set[tuple[int, str]] = set()
    for month in range(1, MONTHS + 1):
        open_items = [(it, t) for it, t, first in items if first <= month < first + OPEN_MONTHS]
        for m, (pref, level) in enumerate(members):
            for it, t in open_items:
                if (m, it.key) not in taken and rng.random() < level * 0.5 * pref[t] / OPEN_MONTHS:
                    taken.add((m, it.key))
                    log.append((m, it.key, month))
    return items, log


def evaluate(items, log, k: int = 5) -> dict:
    from unionhome.insights.recommend import Evidence, rank

    by_key = {it.key: it for it, _t, _f in items}
    test_items = [it for it, _t, first in items if first + OPEN_MONTHS > SPLIT + 1 and first <= MONTHS]
    train = [(m, key) for m, key, month in log if month <= SPLIT]
    truth: dict[int, set[str]] = {}
    for m, key, month in log:
        if month > SPLIT:
            truth.setdefault(m, set()).add(key)
    history: dict[int, list[str]] = {}
    for m, key in train:
        history.setdefault(m, []).append(key)
    popularity: dict[str, int] = {}
    for _m, key in train:
        popularity[key] = popularity.get(key, 0) + 1
    rng = random.Random(3)
    scores = {name: {"p": [], "ndcg": []} for name in ("random", "popularity", "item-kNN (ours)")}
    for m, relevant in truth.items():
        seen = set(history.get(m, []))
        if not seen:
            continue
        candidates = [it for it in test_items if it.key not in seen]
        ranked = {
            "random": rng.sample(candidates, k),
            "popularity": sorted(candidates, key=lambda it: (-popularity.get(it.key, 0), it.key))[:k],
            "item-kNN (ours)": [
                p.item
                for p in rank(candidates, [Evidence(by_key[x], 1.0, "") for x in seen], popularity, limit=k)
            ],
        }
        for name, top in ranked.items():
            hits = [1 if it.key in relevant else 0 for it in top]
            dcg = sum(h / math.log2(i + 2) for i, h in enumerate(hits))
            ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(relevant))))
            scores[name]["p"].append(sum(hits) / k)
            scores[name]["ndcg"].append(dcg / ideal if ideal else 0.0)
    return {
        name: {"precision@5": round(statistics.fmean(s["p"]), 4), "ndcg@5": round(statistics.fmean(s["ndcg"]), 4),
               "members": len(s["p"])}
        for name, s in scores.items()
    }  # fmt: skip


def latency() -> dict | None:
    """`recommendations(user)` for one demo member, 50 times after one warm-up (every query and
    the ranking): the figure the member's home page waits for."""
    from django.contrib.auth import get_user_model

    from unionhome.insights.recommend import recommendations

    user = get_user_model().objects.filter(username="m0100").first()
    if user is None:
        return None
    from django.core.cache import cache

    def timed(cold: bool) -> list[float]:
        times = []
        for _ in range(50):
            if cold:
                cache.clear()  # the first call of a minute: the offered items gathered again
            started = time.perf_counter()
            recommendations(user)
            times.append((time.perf_counter() - started) * 1000)
        return sorted(times)

    recommendations(user)
    warm, cold = timed(False), timed(True)
    return {
        "p50_ms": round(warm[24], 1), "p95_ms": round(warm[47], 1),
        "cold_p50_ms": round(cold[24], 1), "cold_p95_ms": round(cold[47], 1),
        "picks": len(recommendations(user)),
    }  # fmt: skip


def main() -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionhome.settings")
    import django

    django.setup()
    from bench import results as results_file

    items, log = simulate()
    quality = evaluate(items, log)
    speed = latency()
    print(
        f"\nrecommendations — simulated logs: {MEMBERS} members, {len(items)} items, {len(log)} take-ups, split after month {SPLIT}"
    )
    print("| ranker | precision@5 | NDCG@5 | members |")
    print("|---|---:|---:|---:|")
    for name, r in quality.items():
        print(f"| {name} | {r['precision@5']} | {r['ndcg@5']} | {r['members']} |")
    if speed:
        print(
            f"one member on the demo union: p50 {speed['p50_ms']} ms, p95 {speed['p95_ms']} ms (target ≤ 20 ms);"
            f" the first call of a minute (offered items gathered again): p50 {speed['cold_p50_ms']} ms,"
            f" p95 {speed['cold_p95_ms']} ms"
        )
    results_file.save("recommendations", {"quality": quality, "latency": speed})
    return {"quality": quality, "latency": speed}


if __name__ == "__main__":
    main()
