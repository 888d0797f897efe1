"""core holds no tables; this module exists so post_migrate reaches CoreConfig (see apps.py)."""
