"""`make audit`: pip-audit over the locked dependencies (`uv export --frozen`), failing on any known
vulnerability. When the vulnerability database cannot be reached — pip-audit then reports every package as
"not found" instead of auditing it — it says so plainly and exits 0, unless XINYE_AUDIT_REQUIRED=1 (exit 3).
A finding always fails, whatever else happened. docs/operations.md, "Dependency audit"."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="xinye-audit-") as tmp:
        req = Path(tmp) / "requirements.txt"
        report = Path(tmp) / "report.json"
        subprocess.run(
            [os.environ.get("UV", "uv"), "export", "--frozen", "--no-hashes", "--no-emit-project", "--format", "requirements-txt"]
            + ["--quiet", "-o", str(req)],
            check=True,
        )
        run = subprocess.run(
            ["pip-audit", "--no-deps", "--disable-pip", "--progress-spinner", "off", "-r", str(req)]
            + ["--format", "json", "-o", str(report)],
            capture_output=True,
            text=True,
        )
        try:
            data = json.loads(report.read_text())
        except (OSError, ValueError):
            print(run.stdout + run.stderr, file=sys.stderr)
            return _unreachable(f"pip-audit gave no report (exit {run.returncode})")
    deps = data.get("dependencies", [])
    found = [(d["name"], d["version"], v["id"], v.get("fix_versions")) for d in deps for v in d.get("vulns", [])]
    for name, version, vid, fixes in found:
        print(f"VULNERABLE {name} {version}: {vid} (fixed in {', '.join(fixes or []) or 'no release yet'})")
    audited = [d for d in deps if "skip_reason" not in d]
    skipped = [d for d in deps if "skip_reason" in d]
    if found or run.returncode not in (0, 1):
        print(f"pip-audit: {len(found)} known vulnerabilities in {len(deps)} locked packages", file=sys.stderr)
        return 1
    if not audited:
        return _unreachable(f"none of the {len(deps)} locked packages could be looked up ({skipped[0]['skip_reason'] if skipped else 'no packages'})")
    if skipped:
        print(f"pip-audit: {len(skipped)} packages could not be looked up: {', '.join(d['name'] for d in skipped)}")
    print(f"pip-audit: no known vulnerability in {len(audited)} locked packages")
    return 0


def _unreachable(why: str) -> int:
    print(
        "pip-audit: the vulnerability database (PyPI's JSON API or OSV) cannot be reached from here: "
        f"{why}. NOT AUDITED — run `make audit` where it can be reached.",
        file=sys.stderr,
    )
    return 3 if os.environ.get("XINYE_AUDIT_REQUIRED") == "1" else 0


if __name__ == "__main__":
    sys.exit(main())
