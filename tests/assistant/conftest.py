import pytest

from unionhome.assistant import engine, services


@pytest.fixture
def kb(db, monkeypatch):
    """The shipped knowledge base, and an assistant that looks for changes on every question."""
    monkeypatch.setattr(engine, "REFRESH_SECONDS", 0.0)
    engine.invalidate()
    services.load_default()
    return engine
