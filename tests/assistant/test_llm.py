"""The optional language-model phrasing, against a local OpenAI-compatible stub: it is given the
retrieved entries only, and any failure falls back to the entry's own answer."""

from __future__ import annotations

from unionhome.assistant.models import Entry

from ..conftest import login_client


def ask(client, question):
    return client.post(
        "/api/v1/assistant/ask", {"question": question}, content_type="application/json"
    ).json()


def test_off_by_default_answers_are_the_entries_own(kb, personas, stub_server):
    body = ask(login_client(personas.member_user), "年假一年能休几天")
    assert body["phrased"] is False and body["answer"] == Entry.objects.get(kb_id=body["kb_id"]).answer
    assert stub_server.requests == []


def test_phrases_from_the_retrieved_entries(kb, personas, stub_server, settings):
    settings.ASSISTANT_LLM_URL = stub_server.url + "/v1"
    settings.ASSISTANT_LLM_KEY = "local-key"
    stub_server.reply = {
        "choices": [{"message": {"role": "assistant", "content": "干满一年就有年假，5到15天。"}}]
    }
    body = ask(login_client(personas.member_user), "年假一年能休几天")
    assert body["phrased"] is True and body["answer"] == "干满一年就有年假，5到15天。"
    assert body["kb_id"] == "kb-092"
    (request,) = stub_server.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer local-key"
    prompt = request["json"]["messages"][-1]["content"]
    assert Entry.objects.get(kb_id="kb-092").answer in prompt and "年假一年能休几天" in prompt
    assert "只根据" in request["json"]["messages"][0]["content"]


def test_a_failing_endpoint_falls_back_to_the_entry(kb, personas, stub_server, settings):
    settings.ASSISTANT_LLM_URL = stub_server.url + "/v1"
    stub_server.reply = 500
    body = ask(login_client(personas.member_user), "年假一年能休几天")
    assert body["phrased"] is False and body["answer"] == Entry.objects.get(kb_id="kb-092").answer


def test_not_asked_when_it_does_not_know(kb, personas, stub_server, settings):
    settings.ASSISTANT_LLM_URL = stub_server.url + "/v1"
    body = ask(login_client(personas.member_user), "明天股市会涨吗")
    assert body["handoff"] is True and stub_server.requests == []
