from tests.browser.conftest import screenshot


def test_demo_patient_logs_in_through_the_form_and_sees_the_dashboard(login, live_server):
    page = login("patient")
    assert page.url == f"{live_server.url}/"
    assert page.get_by_role("heading", name="Hello, Maria").is_visible()
    assert page.get_by_role("heading", name="Your reading list").is_visible()
    assert screenshot(page, "patient-dashboard").stat().st_size > 0


def test_wrong_password_stays_on_the_login_page(page, live_server, demo):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("patient")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    assert "/accounts/login/" in page.url
    assert page.get_by_text("Please enter a correct username and password").is_visible()


def test_dashboard_is_usable_at_390_pixels_wide(login, page):
    page.set_viewport_size({"width": 390, "height": 844})
    login("patient")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(page, "patient-dashboard-390")
