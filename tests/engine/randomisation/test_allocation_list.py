"""Uploaded allocation lists: checksums, verification, row-by-row errors and allocation."""

from __future__ import annotations

import hashlib

import pytest

from placewell.engine.randomisation import (
    AllocationList,
    AllocationListError,
    AllocationListExhaustedError,
    ListState,
    PermutedBlockDesign,
    UnknownStratumError,
    allocate_from_list,
    parse_allocation_list,
)

ARMS = ("treatment", "control")
LIST = b"stratum,slot,arm\nSCR-IW,1,treatment\nSCR-IW,2,control\nSCR-OOW,1,control\nSCR-OOW,2,treatment\n"


def test_the_file_checksum_is_what_sha256sum_prints() -> None:
    """Reference: GNU coreutils ``sha256sum`` on LIST's bytes (an independent SHA-256 implementation)."""
    expected = "04c1c7e5b69cc9eb2f318152d9b94e7ef572a6de9bda09273912282ae2ef145c"
    assert parse_allocation_list(LIST, ARMS).file_sha256 == expected


def test_a_list_is_accepted_with_its_checksum_and_reverified_from_stored_rows() -> None:
    digest = hashlib.sha256(LIST).hexdigest()
    parsed = parse_allocation_list(LIST, ARMS, expected_sha256="SHA256:" + digest.upper())
    assert parsed.file_sha256 == digest
    assert parsed.entries == {"SCR-IW": ("treatment", "control"), "SCR-OOW": ("control", "treatment")}
    # The canonical form here is the file itself, so both checksums agree.
    assert parsed.checksum == digest
    stored_checksum = parsed.checksum
    reloaded = AllocationList.from_rows(parsed.rows(), ARMS)
    reloaded.verify(stored_checksum)
    tampered = [("SCR-IW", 1, "control"), *parsed.rows()[1:]]
    with pytest.raises(AllocationListError, match="altered since it was uploaded"):
        AllocationList.from_rows(tampered, ARMS).verify(stored_checksum)


def test_the_canonical_checksum_ignores_layout_but_not_content() -> None:
    shuffled = (
        "\ufeffArm, Slot ,Stratum,block\r\ncontrol,1,SCR-OOW,1\r\ncontrol,2,SCR-IW,1\r\n\r\n"
        "treatment,2,SCR-OOW,1\r\ntreatment,1,SCR-IW,1\r\n"
    ).encode()
    parsed = parse_allocation_list(shuffled, ARMS)
    assert parsed.file_sha256 == hashlib.sha256(shuffled).hexdigest() != parsed.checksum
    assert parsed.checksum == hashlib.sha256(LIST).hexdigest()
    assert parse_allocation_list(parsed.to_csv(), ARMS).file_sha256 == parsed.checksum


def test_a_wrong_checksum_is_refused() -> None:
    with pytest.raises(AllocationListError, match="does not match the one given"):
        parse_allocation_list(LIST, ARMS, expected_sha256=hashlib.sha256(LIST + b" ").hexdigest())
    with pytest.raises(AllocationListError, match="64 hexadecimal characters"):
        parse_allocation_list(LIST, ARMS, expected_sha256="abc123")


def test_every_bad_row_is_reported_by_its_line_number() -> None:
    data = (
        b"stratum,slot,arm\n"
        b"SCR-IW,1,treatment\n"  # row 2
        b"SCR-IW,2,placebo\n"  # row 3: unknown arm
        b"SCR-IW,x,control\n"  # row 4: slot not a number
        b",4,control\n"  # row 5: blank stratum
        b"SCR-IW,1,control\n"  # row 6: duplicate of row 2
        b"SCR-IW\n"  # row 7: too short
        b"SCR-IW,5,control\n"  # row 8: leaves 2, 3 and 4 missing
    )
    with pytest.raises(AllocationListError) as caught:
        parse_allocation_list(data, ARMS)
    problems = [(p.row, p.message) for p in caught.value.problems]
    assert problems == [
        (3, "arm 'placebo' is not one of the trial's arms ['treatment', 'control']"),
        (4, "slot 'x' is not a whole number of at least 1"),
        (5, "the stratum is blank"),
        (6, "stratum 'SCR-IW' slot 1 was already given in row 2"),
        (7, "this row needs three values: stratum, slot and arm"),
        (None, "stratum 'SCR-IW' has no slot 2, 3, 4; slots must run 1, 2, 3 ... without gaps"),
    ]
    assert "nothing was saved" in str(caught.value)
    assert "row 3: arm 'placebo'" in str(caught.value)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"stratum,arm\nA,treatment\n", "missing: slot"),
        (b"", "missing: stratum, slot, arm"),
        (b"stratum,slot,arm\n", "no allocations"),
        (b"stratum,slot,arm\nA,1,treatment\n".replace(b"A", b"\xff"), "not UTF-8"),
        (b"stratum,slot,arm\nA,0,treatment\n", "slot '0' is not a whole number"),
        (b"stratum,slot,arm\nWMCA-IW,1,treatment\n", "not one of the trial's strata"),
    ],
)
def test_malformed_lists_are_refused_with_what_to_do(data: bytes, message: str) -> None:
    with pytest.raises(AllocationListError, match=message):
        parse_allocation_list(data, ARMS, strata=["SCR-IW", "SCR-OOW", "WMCA-OOW"])


def test_allocation_follows_the_list_then_stops_when_it_runs_out() -> None:
    parsed = parse_allocation_list(LIST, ARMS, ratio=(1, 1))
    state: ListState | None = None
    arms = []
    for _ in range(2):
        allocation, state = allocate_from_list(state, "SCR-OOW", parsed)
        arms.append(allocation.arm)
        assert allocation.method == "allocation_list"
        assert allocation.probability_of_treatment == 0.5
    assert arms == ["control", "treatment"]
    assert state is not None and state == ListState.from_json(state.to_json())
    with pytest.raises(AllocationListExhaustedError, match="extended list"):
        allocate_from_list(state, "SCR-OOW", parsed)
    with pytest.raises(UnknownStratumError, match="no slots for stratum 'WMCA-OOW'"):
        allocate_from_list(None, "WMCA-OOW", parsed)


def test_without_a_declared_ratio_the_stratum_composition_is_recorded() -> None:
    data = b"stratum,slot,arm\nA,1,treatment\nA,2,treatment\nA,3,control\nA,4,treatment\nA,5,control\nA,6,treatment\n"
    allocation, _ = allocate_from_list(None, "A", parse_allocation_list(data, ARMS))
    assert allocation.ratio == (2, 1)
    assert allocation.probability_of_treatment == pytest.approx(2 / 3)


def test_a_list_written_from_a_design_reproduces_the_design() -> None:
    design = PermutedBlockDesign(ARMS, (2, 1), (1, 2), seed=44)
    rows = [
        (s, k, arm) for s in ("SCR-IW", "SCR-OOW") for k, arm in enumerate(design.sequence(s, 300), start=1)
    ]
    uploaded = parse_allocation_list(AllocationList.from_rows(rows, ARMS).to_csv(), ARMS, ratio=(2, 1))
    state = None
    arms = []
    for _ in range(300):
        allocation, state = allocate_from_list(state, "SCR-IW", uploaded)
        arms.append(allocation.arm)
    assert arms == design.sequence("SCR-IW", 300)
