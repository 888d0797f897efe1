"""Demo data for support (filled in with the app)."""


def load(world: dict) -> None:
    return None
