"""The home page each role lands on, and its query count (a contract: it must not grow with the data)."""

from __future__ import annotations

from tests.conftest import refer


def test_home_for_each_role(client_as, world, participant) -> None:  # type: ignore[no-untyped-def]
    assert "Everyone you can see, by status" in client_as("alice").get("/").content.decode()
    assert "You are supporting" in client_as("alice").get("/").content.decode()
    assert "Participants by service and status" in client_as("evan").get("/").content.decode()
    assert "Staff accounts" in client_as("ada").get("/").content.decode()


def test_home_query_count_does_not_grow(client_as, world, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    for persona in ("alice", "evan"):
        client = client_as(persona)
        refer(world, given_name="First", nhs_number="")
        with django_assert_max_num_queries(30) as first:
            client.get("/")
        for i in range(15):
            refer(world, given_name=f"More{i}", nhs_number="")
        with django_assert_max_num_queries(len(first.captured_queries)):
            client.get("/")
