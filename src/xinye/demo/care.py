"""Demo data for care (filled in with the app)."""


def load(world: dict) -> None:
    return None
