"""Demo data for teams (filled in with the app)."""


def load(world: dict) -> None:
    return None
