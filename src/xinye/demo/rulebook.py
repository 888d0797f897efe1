"""Demo data for rulebook (filled in with the app)."""


def load(world: dict) -> None:
    return None
