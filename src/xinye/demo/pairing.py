"""Demo data for pairing (filled in with the app)."""


def load(world: dict) -> None:
    return None
