"""List django-unfold's msgids that no installed zh_Hans catalogue translates (unfold ships none), so that
src/xinye/locale/zh_Hans/LC_MESSAGES/django.po can be brought up to date after an unfold upgrade.

    uv run python scripts/unfold_msgids.py     # prints the missing msgids, one per line; exit 1 if any
"""

import gettext
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

import unfold

SITE = pathlib.Path(unfold.__file__).parent.parent
OURS = pathlib.Path(__file__).resolve().parents[1] / "src/xinye/locale/zh_Hans/LC_MESSAGES/django.mo"


def known() -> set[str]:
    keys: set[str] = set()
    for mo in [*SITE.glob("**/locale/zh_Hans/LC_MESSAGES/django*.mo"), OURS]:
        if mo.exists():
            with mo.open("rb") as f:
                keys |= {k if isinstance(k, str) else k[0] for k in gettext.GNUTranslations(f)._catalog}
    return keys


def unfold_msgids() -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        copy = pathlib.Path(tmp) / "unfold"
        shutil.copytree(pathlib.Path(unfold.__file__).parent, copy)
        (copy / "locale").mkdir(exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans"],
            cwd=copy,
            check=True,
            capture_output=True,
        )
        po = (copy / "locale/zh_Hans/LC_MESSAGES/django.po").read_text()
    ids = ["".join(re.findall(r'"(.*)"', m)) for m in re.findall(r"\nmsgid ((?:\"[^\n]*\"\n)+)", po)]
    unescape = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return [re.sub(r"\\(.)", lambda m: unescape.get(m.group(1), m.group(1)), i) for i in ids if i]


if __name__ == "__main__":
    have = known()
    missing = [m for m in unfold_msgids() if m not in have]
    for m in missing:
        print(m)
    sys.exit(1 if missing else 0)
