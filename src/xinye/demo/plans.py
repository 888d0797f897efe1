"""Demo data for plans (filled in with the app)."""


def load(world: dict) -> None:
    return None
