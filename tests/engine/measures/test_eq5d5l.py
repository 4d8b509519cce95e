"""EQ-5D-5L: England values, the NICE DSU mapping and the crosswalk against the reference files."""

from __future__ import annotations

from itertools import product

import numpy as np
import pandas as pd
import pytest

from placewell.engine.measures import (
    InvalidOptionError,
    MissingOptionError,
    OutOfRangeError,
    get_instrument,
    score,
    score_many,
)

from ._reference import CSV_SHA256, DIMENSIONS, csv_rows, england_expected, levels_of, sha256

STATES = ["".join(map(str, levels)) for levels in product(range(1, 6), repeat=5)]
NICE_ROWS = csv_rows("eq5d5l_nice_dsu_mapping_uk.csv")
NICE = {(r["state"], r["age_band"], r["sex"]): float(r["mapped_3l_uk"]) for r in NICE_ROWS}
ENGLAND_COLUMN = {r["state"]: float(r["england_5l_index"]) for r in NICE_ROWS}
CROSSWALK = {r["state"]: float(r["crosswalk_uk"]) for r in csv_rows("eq5d5l_crosswalk_uk.csv")}


def states_frame() -> pd.DataFrame:
    return pd.DataFrame([levels_of(state) for state in STATES], index=STATES)


@pytest.mark.parametrize("name", sorted(CSV_SHA256))
def test_shipped_tables_are_the_reference_extracts_with_their_source(name: str) -> None:
    assert sha256(name) == CSV_SHA256[name]
    rows = csv_rows(name)
    assert len(rows) == (3125 if "crosswalk" in name else 31250)


def test_england_value_set_for_all_3125_states_against_the_decrement_table() -> None:
    # Source: Devlin et al. (2018), decrements typed in from the paper (INSTRUMENTS.md [X]); tolerance: exact
    # after rounding to 3 decimals.
    result = score_many("eq5d5l", states_frame())
    expected = np.array([england_expected(state) for state in STATES])
    np.testing.assert_array_equal(result["value"].to_numpy(), expected)
    assert [score("eq5d5l", levels_of(s)).value for s in STATES[::97]] == list(expected[::97])


def test_england_value_set_for_all_3125_states_against_the_nice_dsu_csv_column() -> None:
    # Source: england_5l_index column of the NICE DSU extract (R package eq5d); tolerance: 1e-12.
    result = score_many("eq5d5l", states_frame(), value_set="england_2018")
    expected = np.array([ENGLAND_COLUMN[state] for state in STATES])
    np.testing.assert_allclose(result["value"].to_numpy(), expected, rtol=0, atol=1e-12)


def test_england_published_examples() -> None:
    # Devlin et al. (2018): 11111 = 1.000 and 55555 = -0.285 (INSTRUMENTS.md [X]).
    assert score("eq5d5l", levels_of("11111")).value == 1.0
    assert score("eq5d5l", levels_of("55555")).value == -0.285
    result = score("eq5d5l", {**levels_of("21345"), "vas": 70})
    assert result.details == {"state": "21345", "vas": 70}
    assert result.complete and result.reasons == ()


@pytest.mark.parametrize("sex", ["male", "female"])
@pytest.mark.parametrize(
    ("age", "band"),
    [
        (18, "18-34"),
        (34, "18-34"),
        (35, "35-44"),
        (44, "35-44"),
        (45, "45-54"),
        (54, "45-54"),
        (55, "55-64"),
        (64, "55-64"),
        (65, "65+"),
        (99, "65+"),
    ],
)
def test_nice_dsu_mapping_at_age_band_edges_for_both_sexes(age: int, band: str, sex: str) -> None:
    # Source: mapped_3l_uk column of the NICE DSU extract (Hernandez Alava et al. 2023 via R package eq5d);
    # tolerance: exact (the table's value as published in the extract).
    for state in ("11111", "21345", "55555", "13524"):
        result = score("eq5d5l", levels_of(state), value_set="nice_dsu_3l", age=age, sex=sex)
        assert result.value == NICE[(state, band, sex)], (state, age, sex)


def test_nice_dsu_mapping_for_every_state_band_and_sex() -> None:
    # Source: all 31,250 rows of the NICE DSU extract; a representative age for each band; tolerance: exact.
    ages = {"18-34": 34, "35-44": 35, "45-54": 50, "55-64": 64, "65+": 65}
    frame = pd.DataFrame(
        [{**levels_of(r["state"]), "age": ages[r["age_band"]], "sex": r["sex"]} for r in NICE_ROWS]
    )
    result = score_many("eq5d5l", frame, value_set="nice_dsu_3l")
    expected = np.array([float(r["mapped_3l_uk"]) for r in NICE_ROWS])
    np.testing.assert_array_equal(result["value"].to_numpy(), expected)


def test_nice_dsu_age_and_sex_may_be_options_for_all_rows() -> None:
    frame = states_frame().iloc[:50]
    result = score_many("eq5d5l", frame, value_set="nice_dsu_3l", age=64, sex="female")
    assert list(result["value"]) == [NICE[(state, "55-64", "female")] for state in frame.index]
    per_row = score_many("eq5d5l", frame, value_set="nice_dsu_3l", age=[65] * 50, sex=["male"] * 50)
    assert list(per_row["value"]) == [NICE[(state, "65+", "male")] for state in frame.index]


def test_crosswalk_for_all_3125_states() -> None:
    # Source: van Hout et al. (2012) crosswalk, UK column of the R package eq5d extract; tolerance: exact.
    result = score_many("eq5d5l", states_frame(), value_set="crosswalk_uk")
    assert list(result["value"]) == [CROSSWALK[state] for state in STATES]
    assert score("eq5d5l", levels_of("55555"), value_set="crosswalk_uk").value == CROSSWALK["55555"]


@pytest.mark.parametrize("age", [17, 121, -5, float("inf")])
def test_ages_outside_the_mapping_are_refused_naming_the_age(age: float) -> None:
    with pytest.raises(OutOfRangeError, match="age"):
        score("eq5d5l", levels_of("12345"), value_set="nice_dsu_3l", age=age, sex="male")
    frame = pd.DataFrame([levels_of("12345")] * 2).assign(age=[40, age], sex="male")
    with pytest.raises(OutOfRangeError, match="age") as caught:
        score_many("eq5d5l", frame, value_set="nice_dsu_3l")
    assert caught.value.rows == (1,)


def test_missing_age_or_sex_is_refused_when_the_mapping_needs_it() -> None:
    state = levels_of("12345")
    with pytest.raises(MissingOptionError, match="age is needed"):
        score("eq5d5l", state, value_set="nice_dsu_3l", sex="male")
    with pytest.raises(MissingOptionError, match="sex is needed"):
        score("eq5d5l", state, value_set="nice_dsu_3l", age=40)
    with pytest.raises(MissingOptionError, match="age"):
        score_many("eq5d5l", pd.DataFrame([state]).assign(sex="male"), value_set="nice_dsu_3l")
    frame = pd.DataFrame([state, state]).assign(age=[40, None], sex=["male", "female"])
    with pytest.raises(MissingOptionError, match="age") as caught:
        score_many("eq5d5l", frame, value_set="nice_dsu_3l")
    assert caught.value.rows == (1,)
    frame = pd.DataFrame([state, state]).assign(age=[40, 50], sex=[None, "female"])
    with pytest.raises(MissingOptionError, match="sex"):
        score_many("eq5d5l", frame, value_set="nice_dsu_3l")


def test_age_and_sex_are_not_needed_without_a_health_state() -> None:
    result = score("eq5d5l", {"vas": 40}, value_set="nice_dsu_3l")
    assert result.value is None and not result.complete


@pytest.mark.parametrize("sex", ["other", "", 1, True])
def test_an_unknown_sex_is_refused_naming_it(sex: object) -> None:
    with pytest.raises(InvalidOptionError, match="sex"):
        score("eq5d5l", levels_of("12345"), value_set="nice_dsu_3l", age=40, sex=sex)
    frame = pd.DataFrame([levels_of("12345")]).assign(age=40, sex=[sex])
    with pytest.raises(InvalidOptionError, match="sex"):
        score_many("eq5d5l", frame, value_set="nice_dsu_3l")


def test_sex_is_read_in_any_case() -> None:
    value = score("eq5d5l", levels_of("12345"), value_set="nice_dsu_3l", age=40, sex=" Female ").value
    assert value == NICE[("12345", "35-44", "female")]


def test_an_unknown_value_set_is_refused() -> None:
    with pytest.raises(InvalidOptionError, match="value_set"):
        score("eq5d5l", levels_of("12345"), value_set="usa_2020")


def test_a_missing_dimension_gives_no_index_and_a_missing_vas_only_incompleteness() -> None:
    partial = {**levels_of("12345"), "usual_activities": None, "vas": 60}
    result = score("eq5d5l", partial)
    assert result.value is None and not result.complete
    assert result.reasons[0] == "not answered: usual_activities"
    no_vas = score("eq5d5l", levels_of("12345"))
    assert no_vas.value == england_expected("12345")
    assert not no_vas.complete and no_vas.reasons == ("not answered: vas",)


def test_the_item_keys_are_the_issue_s_and_the_wording_is_a_marked_stand_in() -> None:
    eq5d = get_instrument("eq5d5l")
    assert eq5d.item_keys == (*DIMENSIONS, "vas")
    assert eq5d.wording_status == "stand_in"
    assert all(item.wording.startswith("Stand-in") for item in eq5d.items)
    assert (eq5d.item("vas").minimum, eq5d.item("vas").maximum) == (0, 100)
