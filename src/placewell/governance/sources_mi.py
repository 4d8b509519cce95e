"""Management information and survey outcomes for the people in an extract, one aggregate query each.

MI summaries follow what the Health-led Trials collected for the treatment group (DWP research report 1025, BRIEF.md
"Management information"): every meeting's date, duration and mode; time from randomisation to the first
session; sessions over 15 minutes. A session is a contact with the participant; other contacts (with an
employer, health professional or family member on the person's behalf, without them) are counted apart.

Survey outcomes come by wave (baseline, 4 and 12 months in the Health-led Trials, section 6.3): the
invitation's status (so non-response is visible, not just missing) and each instrument's score.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd
from django.db.models import Count, Min, Q, QuerySet, Sum

from placewell.casework.choices import Mode
from placewell.casework.models import Contact
from placewell.engine.measures import INSTRUMENTS
from placewell.governance.dictionary import BOOLEAN, DATE, INTEGER, NUMBER, STRING, Column, codes
from placewell.governance.sources import frame, local_dates
from placewell.participants.models import Participant
from placewell.surveys.models import Invitation, Response, SurveyWave

CONTACTS = "casework: Contact"
LONG_SESSION_MINUTES = 15  # "sessions over 15 minutes" (DWP research report 1025, MI; BRIEF.md)


def contacts(qs: QuerySet[Participant]) -> tuple[pd.DataFrame, list[Column]]:
    session = Q(with_participant=True)
    aggregates = {
        "sessions_n": Count("id", filter=session),
        "sessions_over_15_min_n": Count("id", filter=session & Q(duration_minutes__gt=LONG_SESSION_MINUTES)),
        "session_minutes_total": Sum("duration_minutes", filter=session),
        "sessions_face_to_face_n": Count("id", filter=session & Q(mode=Mode.FACE_TO_FACE)),
        "sessions_phone_n": Count("id", filter=session & Q(mode=Mode.PHONE)),
        "sessions_video_n": Count("id", filter=session & Q(mode=Mode.VIDEO)),
        "sessions_text_or_email_n": Count("id", filter=session & Q(mode__in=[Mode.TEXT, Mode.EMAIL])),
        "contacts_on_behalf_n": Count("id", filter=~session),
        "contacts_with_employer_n": Count("id", filter=Q(with_employer=True)),
        "_first": Min("happened_at", filter=session),
    }
    rows = list(
        Contact.objects.filter(participant__in=qs.values("pk"))
        .order_by()
        .values("participant_id")
        .annotate(**aggregates)
        .values_list("participant_id", *aggregates)
    )
    df = frame(rows, ["participant_id", *aggregates])
    df["first_session_on"] = local_dates(df.pop("_first"))
    columns = [
        Column(
            "sessions_n",
            "Sessions: contacts with the participant",
            INTEGER,
            "0 or more",
            CONTACTS,
            "Count of contacts with the participant present",
        ),
        Column(
            "sessions_over_15_min_n",
            "Sessions over 15 minutes",
            INTEGER,
            "0 or more",
            CONTACTS,
            f"Count of sessions with duration_minutes over {LONG_SESSION_MINUTES}",
        ),
        Column(
            "session_minutes_total",
            "Total session time (minutes)",
            INTEGER,
            "0 or more",
            CONTACTS,
            "Sum of duration_minutes over sessions",
        ),
        Column(
            "sessions_face_to_face_n",
            "Face-to-face sessions",
            INTEGER,
            "0 or more",
            CONTACTS,
            "Sessions with mode face_to_face",
        ),
        Column(
            "sessions_phone_n", "Phone sessions", INTEGER, "0 or more", CONTACTS, "Sessions with mode phone"
        ),
        Column(
            "sessions_video_n", "Video sessions", INTEGER, "0 or more", CONTACTS, "Sessions with mode video"
        ),
        Column(
            "sessions_text_or_email_n",
            "Text or email sessions",
            INTEGER,
            "0 or more",
            CONTACTS,
            "Sessions with mode text or email",
        ),
        Column(
            "contacts_on_behalf_n",
            "Contacts without the participant (employer, health or family, on their behalf)",
            INTEGER,
            "0 or more",
            CONTACTS,
            "Count of contacts with with_participant false",
        ),
        Column(
            "contacts_with_employer_n",
            "Casework contacts that included an employer",
            INTEGER,
            "0 or more",
            CONTACTS,
            "Count of contacts with with_employer true",
        ),
        Column(
            "first_session_on",
            "Date of the first session",
            DATE,
            "a date; empty if none",
            CONTACTS,
            "Earliest happened_at of a session, as a local date",
        ),
    ]
    return df, columns


def column_key(text: str) -> str:
    """A wave key as part of a column name: lower case, underscores, never starting with a digit."""
    key = re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_")
    return f"w{key}" if key[:1].isdigit() else key


def waves(service_ids: Sequence[int] | None) -> list[tuple[str, str, list[str]]]:
    """(wave key, wave name, instruments) for every wave of the services, merged by key, in wave order."""
    qs = SurveyWave.objects.order_by("order", "offset_months", "key")
    if service_ids is not None:
        qs = qs.filter(service_id__in=list(service_ids))
    merged: dict[str, tuple[str, list[str]]] = {}
    for key, name, instruments in qs.values_list("key", "name", "instruments"):
        entry = merged.setdefault(key, (name, []))
        entry[1].extend(i for i in instruments or () if i in INSTRUMENTS and i not in entry[1])
    return [(key, name, instruments) for key, (name, instruments) in merged.items()]


def surveys(
    qs: QuerySet[Participant], service_ids: Sequence[int] | None
) -> tuple[pd.DataFrame, list[Column]]:
    """By wave: the invitation status and date, and each instrument's score and completeness."""
    wave_list = waves(service_ids)
    invites = pd.DataFrame.from_records(
        list(
            Invitation.objects.filter(participant__in=qs.values("pk"))
            .order_by("participant_id", "wave__key", "-created_at")
            .values_list("participant_id", "wave__key", "status", "due_date", "mode")
        ),
        columns=["participant_id", "wave", "status", "due_on", "mode"],
    ).drop_duplicates(["participant_id", "wave"])
    answers = pd.DataFrame.from_records(
        list(
            Response.objects.filter(participant__in=qs.values("pk"), state=Response.State.SUBMITTED)
            .exclude(invitation=None)
            .order_by("participant_id", "invitation__wave__key", "instrument_id", "-completed_on", "-id")
            .values_list(
                "participant_id",
                "invitation__wave__key",
                "instrument_id",
                "value",
                "complete",
                "completed_on",
            )
        ),
        columns=["participant_id", "wave", "instrument", "value", "complete", "completed_on"],
    ).drop_duplicates(["participant_id", "wave", "instrument"])
    parts: list[pd.DataFrame] = []
    columns: list[Column] = []
    statuses = codes(Invitation.Status, extra="not_invited (no invitation for this wave)")
    for key, name, instruments in wave_list:
        w = column_key(key)
        inv = invites[invites["wave"] == key].set_index("participant_id")
        part = pd.DataFrame(
            {f"{w}_status": inv["status"], f"{w}_due_on": inv["due_on"], f"{w}_mode": inv["mode"]}
        )
        ans = answers[answers["wave"] == key]
        done = ans.groupby("participant_id")["completed_on"].min()
        part = part.join(done.rename(f"{w}_completed_on"), how="outer")
        source = "surveys: Invitation"
        columns += [
            Column(
                f"{w}_status",
                f"{name}: survey status",
                STRING,
                statuses,
                source,
                "The latest invitation's status for the wave",
            ),
            Column(
                f"{w}_due_on",
                f"{name}: date the survey fell due",
                DATE,
                "a date; empty if not invited",
                source,
                "Invitation.due_date",
            ),
            Column(
                f"{w}_mode",
                f"{name}: survey mode",
                STRING,
                "web; phone; face_to_face; empty if not invited",
                source,
                "Invitation.mode",
            ),
            Column(
                f"{w}_completed_on",
                f"{name}: date answered",
                DATE,
                "a date; empty if no response",
                "surveys: Response",
                "Earliest completed_on of the wave's submitted responses",
            ),
        ]
        for instrument_id in instruments:
            instrument = INSTRUMENTS[instrument_id]
            one = ans[ans["instrument"] == instrument_id].set_index("participant_id")
            col = f"{w}_{column_key(instrument_id)}"
            part = part.join(one["value"].rename(col), how="outer")
            part = part.join(one["complete"].rename(f"{col}_complete"), how="outer")
            low_high = instrument.value_range
            allowed = (
                f"{low_high[0]:g} to {low_high[1]:g}; empty if not answered or not scored"
                if low_high
                else "a number"
            )
            columns += [
                Column(
                    col,
                    f"{name}: {instrument.title} score",
                    NUMBER,
                    allowed,
                    "surveys: Response",
                    f"The engine's score (version {instrument.version}) of the latest submitted response; source: {instrument.source}",
                ),
                Column(
                    f"{col}_complete",
                    f"{name}: {instrument.title} answered fully enough to score",
                    BOOLEAN,
                    "true; false; empty if not answered",
                    "surveys: Response",
                    "Response.complete (the instrument's missing-item rule)",
                ),
            ]
        parts.append(part)
    df = pd.concat(parts, axis=1) if parts else pd.DataFrame()
    df.index.name = "participant_id"
    return df, columns


def fill_survey_status(df: pd.DataFrame, columns: Sequence[Column]) -> None:
    """People with no invitation for a wave are "not_invited", so a blank never hides non-response."""
    for c in columns:
        if c.name.endswith("_status") and c.source == "surveys: Invitation":
            df[c.name] = df[c.name].fillna("not_invited") if c.name in df else "not_invited"
