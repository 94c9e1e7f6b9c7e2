"""/api/v1/health says ready only when this process holds every artefact (core.warmup)."""

from unionhome.core import warmup


def test_health_is_503_starting_until_every_artefact_is_loaded(client, db, monkeypatch):
    held = {"yes": False}
    monkeypatch.setattr(
        warmup,
        "ARTEFACTS",
        {
            "classifier": warmup.Artefact(
                "classifier", "x.prepare", "x.load", "tests.core.test_health.always"
            ),
            "index": warmup.Artefact("index", "x.prepare", "x.load", "tests.core.test_health.held"),
        },
    )
    monkeypatch.setattr("tests.core.test_health.state", held)
    r = client.get("/api/v1/health")
    assert r.status_code == 503
    assert r.json()["status"] == "starting" and r.json()["loaded"] == {"classifier": True, "index": False}
    held["yes"] = True
    r = client.get("/api/v1/health")
    assert r.status_code == 200 and r.json()["status"] == "ready"


def test_the_apps_register_the_classifier_and_the_index():
    assert {"appeal classifier", "assistant index"} <= set(warmup.ARTEFACTS)


state = {"yes": False}


def always() -> bool:
    return True


def held() -> bool:
    return state["yes"]


def test_ready_follows_what_the_process_holds_so_a_failed_warm_up_recovers(monkeypatch):
    """A warm-up that failed (the database not there yet) leaves health at starting only until a
    first appeal or question loads what it needs: then the process is ready."""
    from unionhome.appeals import classifier
    from unionhome.assistant import engine

    monkeypatch.setattr(classifier, "_scorer", None)
    monkeypatch.setitem(engine._state, "assistant", None)
    assert not classifier.is_loaded() and not engine.is_loaded()
    classifier.suggest("食堂的饭太咸了")
    assert classifier.is_loaded()
