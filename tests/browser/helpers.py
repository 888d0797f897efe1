"""What the browser tests share."""

DEMO_PASSWORD = "Xinye@Demo2026"


def sign_in(page, base_url: str, username: str) -> None:
    """Sign `username` in to the console through its login form (an account without a second factor) and
    wait for the 工作台."""
    page.goto(f"{base_url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")
