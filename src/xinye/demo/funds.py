"""Demo data for funds (filled in with the app)."""


def load(world: dict) -> None:
    return None
