"""Multiple-choice questions in a real browser: a specialist ticks several answers on a contact and on the
vocational profile, a service manager sets up a trial randomised separately by two factors, and every ticked
answer is read back from the saved record. Bad values are refused beside their fields, all at once, with
nothing saved. axe-core (WCAG 2.2 AA) checks every page visited.

Each box is ticked with the space bar, as a keyboard user would (GOV.UK Design System, "Checkboxes").
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, sign_in


def tick(page, label: str) -> None:  # type: ignore[no-untyped-def]
    box = page.get_by_role("checkbox", name=label, exact=True)
    if not box.is_checked():
        box.focus()
        page.keyboard.press("Space")
    assert box.is_checked(), label


def save(page, button: str, *, in_place: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Press the button by keyboard; wait for the next page unless the form is sent in place by htmx."""
    page.get_by_role("button", name=button).focus()
    if in_place:
        page.keyboard.press("Enter")
        return
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_contact_keeps_every_person_and_purpose_ticked(page, world) -> None:  # type: ignore[no-untyped-def]
    from placewell.casework import choices
    from placewell.casework.models import Contact
    from placewell.ui.forms import FREE_TEXT_LIMIT
    from tests.casework.conftest import supported

    person = supported(world, started=timezone.localdate() - dt.timedelta(days=20), given_name="Jordan")
    sign_in(page, "alice", PASSWORD)
    url = f"/casework/participants/{person.pk}/contacts/"
    page.goto(url)
    assert_accessible(page)
    assert page.get_by_role("group", name="Who with").get_by_role("radio").count() == 0

    # Two people and three purposes.
    page.get_by_label("How long it took, in minutes").fill("45")
    page.get_by_label("How", exact=True).select_option(label="Face to face")
    page.get_by_label("Where").select_option(label="Community venue (such as a library or café)")
    tick(page, "Participant")
    tick(page, "Employer")
    for purpose in ("Job search", "Applications and CVs", "Interview preparation"):
        tick(page, purpose)
    save(page, "Save contact", in_place=True)
    page.get_by_text("Contact recorded").wait_for()
    assert_accessible(page)
    first = Contact.objects.get(participant=person)
    assert sorted(first.whom) == ["employer", "participant"]
    assert sorted(first.purposes) == ["applications", "interviews", "job_search"]

    # Bad values: every error shown at once, beside its field and in the summary; nothing saved.
    page.goto(url)
    page.get_by_label("How long it took, in minutes").fill("ten")
    page.get_by_label("How", exact=True).select_option(label="Phone")
    page.get_by_label("Where").select_option(label="Remote (phone, video, text or email)")
    tick(page, "Benefits advice")
    page.get_by_label("Note (optional)").fill("x" * (FREE_TEXT_LIMIT + 1))
    save(page, "Save contact", in_place=True)
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert summary.get_by_role("link", name="How long it took must be a whole number of minutes").is_visible()
    assert summary.get_by_role("link", name="Note must be 10,000 characters or fewer").is_visible()
    assert "Ensure this value" not in page.content()
    assert_accessible(page)
    assert Contact.objects.filter(participant=person).count() == 1

    # Every choice of both questions at once.
    page.goto(url)
    page.get_by_label("How long it took, in minutes").fill("60")
    page.get_by_label("How", exact=True).select_option(label="Face to face")
    page.get_by_label("Where").select_option(label="Community venue (such as a library or café)")
    for _, label in choices.Whom.choices:
        tick(page, label)
    for _, label in choices.Purpose.choices:
        tick(page, label)
    save(page, "Save contact", in_place=True)
    page.get_by_text("Contact recorded").wait_for()
    assert_accessible(page)
    last = Contact.objects.filter(participant=person).latest("id")
    assert sorted(last.whom) == sorted(choices.Whom.values)
    assert sorted(last.purposes) == sorted(choices.Purpose.values)


def test_the_profile_keeps_every_job_type_ticked(page, world) -> None:  # type: ignore[no-untyped-def]
    from placewell.casework.models import ProfileVersion
    from tests.casework.conftest import supported

    person = supported(world, started=timezone.localdate() - dt.timedelta(days=20), given_name="Kai")
    sign_in(page, "alice", PASSWORD)
    url = f"/casework/participants/{person.pk}/profile/change/"
    page.goto(url)
    assert_accessible(page)
    page.get_by_label("Job goals").fill("Outdoor work or care work")
    wanted = [
        "Any job in: Elementary occupations (group 9)",
        "Any job in: Caring, leisure and other service occupations (group 6)",
        "Skilled agricultural and related trades (51)",
    ]
    for label in wanted:
        tick(page, label)
    save(page, "Save profile")
    assert_accessible(page)
    saved = ProfileVersion.objects.filter(participant=person).latest("version")
    assert sorted(saved.job_types) == ["51", "6", "9"]

    # The change page shows every saved answer ticked; unticking one keeps the others.
    page.goto(url)
    assert_accessible(page)
    for label in wanted:
        assert page.get_by_role("checkbox", name=label, exact=True).is_checked(), label
    page.get_by_role("checkbox", name=wanted[0], exact=True).focus()
    page.keyboard.press("Space")
    save(page, "Save profile")
    again = ProfileVersion.objects.filter(participant=person).latest("version")
    assert again.version == saved.version + 1 and sorted(again.job_types) == ["51", "6"]


def test_a_trial_set_up_to_randomise_separately_by_two_factors(page, world) -> None:  # type: ignore[no-untyped-def]
    from placewell.trials.models import Trial

    sign_in(page, "mandy", PASSWORD)
    page.goto("/trials/new/")
    assert_accessible(page)
    page.get_by_label("Trial name").fill("Two-factor trial")
    page.get_by_label("Registration number").fill("ISRCTN12345678")
    stratify = page.get_by_role("group", name="Randomise separately by site and by")
    assert stratify.get_by_role("radio").count() == 0
    tick(page, "Employment status")
    tick(page, "Paid work in the last 2 years")
    for part, value in zip(("Day", "Month", "Year"), ("1", "1", "2027"), strict=True):
        page.get_by_role("group", name="Recruitment opens").get_by_label(part).fill(value)
    for part, value in zip(("Day", "Month", "Year"), ("31", "12", "2027"), strict=True):
        page.get_by_role("group", name="Recruitment closes").get_by_label(part).fill(value)
    page.get_by_label("Recruitment target").fill("0")
    save(page, "Continue")
    page.locator(".govuk-error-summary").wait_for()
    assert (
        page.locator(".govuk-error-summary")
        .get_by_role("link", name="Recruitment target must be 1 or more")
        .is_visible()
    )
    assert_accessible(page)
    assert not Trial.objects.exists()
    # The answers survive the error: both factors still ticked.
    assert page.get_by_role("checkbox", name="Employment status", exact=True).is_checked()
    assert page.get_by_role("checkbox", name="Paid work in the last 2 years", exact=True).is_checked()
    page.get_by_label("Recruitment target").fill("400")
    save(page, "Continue")
    trial = Trial.objects.get()
    assert sorted(trial.stratify_by) == ["employment_status", "work_history"]
    assert_accessible(page)

    # The design page shows both saved factors ticked; every factor can be chosen, and one taken away again.
    page.goto(f"/trials/{trial.pk}/design/")
    assert_accessible(page)
    assert page.get_by_role("checkbox", name="Employment status", exact=True).is_checked()
    assert page.get_by_role("checkbox", name="Paid work in the last 2 years", exact=True).is_checked()
    tick(page, "Health limits everyday activities")
    save(page, "Continue")
    trial.refresh_from_db()
    assert sorted(trial.stratify_by) == ["activity_limitation", "employment_status", "work_history"]
    page.goto(f"/trials/{trial.pk}/design/")
    box = page.get_by_role("checkbox", name="Health limits everyday activities", exact=True)
    assert box.is_checked()
    box.focus()
    page.keyboard.press("Space")
    save(page, "Continue")
    trial.refresh_from_db()
    assert sorted(trial.stratify_by) == ["employment_status", "work_history"]

    # A site recruited by both teams.
    page.goto(f"/trials/{trial.pk}/sites/new/")
    assert_accessible(page)
    page.get_by_label("Site name").fill("Northshire")
    page.get_by_label("Short code").fill("north")
    tick(page, "North")
    tick(page, "South")
    save(page, "Continue")
    site = trial.sites.get()
    assert sorted(site.teams.values_list("name", flat=True)) == ["North", "South"]

    # The groups to recruit: every combination of the site and the two factors, several ticked.
    page.goto(f"/trials/{trial.pk}/strata/")
    assert_accessible(page)
    boxes = page.get_by_role("group", name="Which groups does the trial recruit?").get_by_role("checkbox")
    from placewell.trials.design import possible_strata

    cells = possible_strata(trial)
    assert boxes.count() == len(cells) >= 4
    for cell in cells[:3]:
        tick(page, cell.label)
    save(page, "Continue")
    assert sorted(trial.strata.values_list("key", flat=True)) == sorted(c.key for c in cells[:3])
    assert_accessible(page)
