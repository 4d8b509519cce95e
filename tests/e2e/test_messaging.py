"""Messages in a real browser: the service manager's outbox, and the participant page's messages panel with
a failed message, the opt-out and the end of support letter. axe-core checks each page (WCAG 2.2 AA)."""

from __future__ import annotations

from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, assert_no_horizontal_scroll, sign_in


def test_outbox_and_messages_panel(page, phone_page, world) -> None:  # type: ignore[no-untyped-def]
    from placewell.messaging import services
    from placewell.messaging.models import Message, OptOut
    from placewell.participants import services as ps
    from tests.messaging.conftest import person

    texted = person(world, phone="07700 900123", preferred_contact_method="text")
    services.queue_message(participant=texted, key="survey_invitation")  # sent at once, or held until 08:00
    unreachable = person(world, phone="020 7946 0000", preferred_contact_method="text")
    services.queue_message(participant=unreachable, key="survey_invitation")
    closed = person(
        world, address="1 High Street\nLeeds", postcode="LS1 1AA", preferred_contact_method="post"
    )
    ps.close(by=world.alice, participant=closed, reason="Support ended: time limit reached")

    sign_in(page, "mandy", PASSWORD)
    page.goto("/messages/outbox/")
    assert page.get_by_role("heading", name="Outbox").is_visible()
    assert_accessible(page)

    sign_in(phone_page, "alice", PASSWORD)
    phone_page.goto(f"/participants/{unreachable.pk}/")
    assert phone_page.get_by_text("not a UK mobile number").first.is_visible()
    assert_accessible(phone_page)
    assert_no_horizontal_scroll(phone_page)
    phone_page.get_by_role("button", name="They ask for no messages").click()
    phone_page.get_by_text("They will not be sent messages.").wait_for()
    assert OptOut.objects.filter(participant=unreachable).exists()
    assert_accessible(phone_page)

    page.goto(f"/participants/{closed.pk}/")
    page.get_by_role("button", name="Send the end of support letter").click()
    page.get_by_text("The end of support letter is sent.").wait_for()
    assert page.get_by_role("link", name="Open the letter (PDF)").is_visible()
    letter = Message.objects.get(template_key="support_ending")
    assert (letter.channel, letter.status) == ("letter", "sent")
    assert_accessible(page)
