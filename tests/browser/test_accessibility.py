"""axe-core (from npm) checks pages for WCAG 2.1 A/AA violations in real Chromium."""

from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# Violations only: axe then skips collecting every passing node (the slow part of a run).
RUN_AXE = """async () => {
    const result = await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
        resultTypes: ['violations'],
    });
    return result.violations.map(v => ({
        impact: v.impact,
        text: `${v.id}: ${v.nodes.map(n => n.target).join(' | ')}`,
    }));
}"""


def _run_axe(page):
    # The strict CSP forbids injected <script> tags; evaluate() runs outside the page's CSP. A
    # context made with add_init_script(path=AXE) has it on every page already (half a megabyte
    # less to send per check).
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    return page.evaluate(RUN_AXE)


def axe_violations(page):
    """axe-core's violations on the page (WCAG 2.1 A/AA)."""
    return [v["text"] for v in _run_axe(page)]


def test_public_pages_have_no_accessibility_violations(page, live_server, demo):
    found = {}
    for path in ("/", "/accounts/login/", "/accounts/password_reset/"):
        page.goto(f"{live_server.url}{path}")
        found[path] = axe_violations(page)
    assert found == {path: [] for path in found}


def test_dashboards_have_no_accessibility_violations(login, page):
    found = {}
    for username in ("patient", "specialist", "editor", "admin"):
        page.context.clear_cookies()
        found[username] = axe_violations(login(username))
    assert found == {username: [] for username in found}


def serious_violations(page):
    """axe-core's serious and critical violations on the page (WCAG 2.1 A/AA)."""
    return [v["text"] for v in _run_axe(page) if v["impact"] in ("serious", "critical")]


# Every page of every role is checked in tests/browser/test_layout.py, in the same walk as the
# widths. The shared admin is Django's own templates (with a small stylesheet of ours): its model
# pages are checked on one model's list, change form and history, for each staff role that
# opens them.
ADMIN_SAMPLE = {"admin:clinic.patient:changelist", "admin:clinic.patient:change",
                "admin:clinic.patient:history", "admin:education.article:changelist",
                "admin:education.article:change"}  # fmt: skip
