"""Demo data for honours (filled in with the app)."""


def load(world: dict) -> None:
    return None
