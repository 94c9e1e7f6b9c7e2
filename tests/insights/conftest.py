from ..activities.conftest import make_activity, make_offer  # noqa: F401 — the fixtures, shared
