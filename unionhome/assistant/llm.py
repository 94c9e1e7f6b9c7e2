"""Optional: let a language model phrase the answer — from the retrieved entries only.

Off unless ASSISTANT_LLM_URL is set (an OpenAI-compatible base URL, e.g. a local server). The
model is told to answer from the given entries and nothing else; the entry chosen by retrieval
stays the source shown to the member. Any failure (timeout, bad reply) falls back to the entry's
own answer, so the assistant never waits long or goes silent."""

from __future__ import annotations

import logging

from django.conf import settings

from unionhome.core.http import post_json

log = logging.getLogger("unionhome.assistant")

SYSTEM = (
    "你是工会的智能客服。只根据下面给出的知识库条目回答职工的问题，用简短、口语化的中文，"
    "不要编造条目里没有的内容；条目里没有答案时，就说不知道。"
)


def enabled() -> bool:
    return bool(getattr(settings, "ASSISTANT_LLM_URL", ""))


def phrase(question: str, entries) -> str | None:
    context = "\n\n".join(f"【{e.question}】\n{e.answer}" for e in entries)
    body = {
        "model": settings.ASSISTANT_LLM_MODEL,
        "temperature": 0.2,
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": f"知识库条目：\n{context}\n\n职工的问题：{question}"},
        ],
    }
    headers = {"Authorization": f"Bearer {settings.ASSISTANT_LLM_KEY}"} if settings.ASSISTANT_LLM_KEY else {}
    try:
        reply = post_json(
            settings.ASSISTANT_LLM_URL.rstrip("/") + "/chat/completions",
            body,
            headers=headers,
            timeout=settings.ASSISTANT_LLM_TIMEOUT,
        )
        text = reply["choices"][0]["message"]["content"].strip()
    except Exception as exc:  # any failure: the entry's own answer is shown instead
        log.warning("llm phrasing failed: %s", exc)
        return None
    return text[:2000] or None
