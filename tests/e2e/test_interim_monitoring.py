"""Interim monitoring in a real browser: the trial's service manager (blind to arms) opens recruitment and
the interim monitoring page of a small load of the full-size demo trial; axe-core checks both pages, also at
320 px."""

from __future__ import annotations

from placewell.trials import demo_fullsize
from placewell.web.demo import DEMO_PASSWORD
from tests.e2e.conftest import assert_accessible, sign_in


def test_interim_monitoring_pages(page, world) -> None:  # type: ignore[no-untyped-def]
    loaded = demo_fullsize.load_fullsize_trial(scale=0.01, progress=lambda _m: None)
    assert loaded is not None
    sign_in(page, demo_fullsize.MANAGER, DEMO_PASSWORD)
    page.goto(f"/trials/{loaded.trial.pk}/recruitment/")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Interim monitoring").first.click()
    assert_accessible(page)
    body = page.content()
    assert "Treatment: IPS-LITE support" not in body  # the manager is not shown anything by arm
    page.set_viewport_size({"width": 320, "height": 800})
    assert_accessible(page)
