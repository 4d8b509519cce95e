"""The demo service: built through the same actions as real work, so it exercises the real rules.

Participant characteristics follow the Health-led Trials' baseline profile (DWP research report 1025, Tables 1.2 to 1.10):
26% under 30 and 33% over 50, 52% male, 79% White, stress or anxiety 81%, depression 66%, and so on.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping
from decimal import Decimal

from django.db import transaction

from placewell.accounts import services as accounts
from placewell.accounts.models import Organisation, Role, Service, Team, User
from placewell.participants import choices, services
from placewell.participants.erasure import ErasureReason
from placewell.participants.identifiers import nhs_check_digit
from placewell.participants.models import AgreementDocument, EligibilityRuleSet, Participant
from placewell.ui.demo_clock import DemoClock
from placewell.ui.extensions import demo_steps

DEMO_COMMISSIONER = "Northshire Combined Authority"
DEMO_PASSWORD = "demo-password-placewell"  # noqa: S105 - printed by ./run demo for the demo logins only
DEFAULT_PARTICIPANTS = 300

# username, first, last, role, team key (or service key for managers)
STAFF = [
    ("aisha", "Aisha", "Rahman", Role.SPECIALIST, "north"),
    ("ben", "Ben", "Okafor", Role.SPECIALIST, "north"),
    ("carla", "Carla", "Nowak", Role.SPECIALIST, "south"),
    ("dev", "Dev", "Patel", Role.SPECIALIST, "south"),
    ("erin", "Erin", "McLeod", Role.SPECIALIST, "city"),
    ("femi", "Femi", "Adeyemi", Role.SPECIALIST, "city"),
    ("tara", "Tara", "Whitfield", Role.TEAM_LEADER, "north"),
    ("mo", "Mohammed", "Hussain", Role.SERVICE_MANAGER, "brightpath"),
    ("sian", "Sian", "Roberts", Role.SERVICE_MANAGER, "steps"),
    ("eve", "Eve", "Lindqvist", Role.EVALUATOR, None),
    ("adam", "Adam", "Clarke", Role.ADMINISTRATOR, None),
]

FIRST_NAMES = {
    "male": [
        "James",
        "Oliver",
        "Mohammed",
        "Daniel",
        "Liam",
        "Kwame",
        "Tomasz",
        "Rhys",
        "Arjun",
        "Connor",
        "Sean",
        "David",
        "Imran",
        "Marcus",
        "Jack",
        "Ravi",
        "Callum",
        "Hassan",
        "Peter",
        "Gareth",
        "Ahmed",
        "Joseph",
    ],
    "female": [
        "Sarah",
        "Emma",
        "Fatima",
        "Chloe",
        "Amara",
        "Priya",
        "Megan",
        "Zainab",
        "Hannah",
        "Siobhan",
        "Grace",
        "Aaliyah",
        "Lucy",
        "Nia",
        "Joanne",
        "Agnieszka",
        "Rebecca",
        "Yasmin",
        "Claire",
        "Leah",
        "Mei",
        "Bethan",
    ],
}
LAST_NAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Khan",
    "Ali",
    "Evans",
    "Thomas",
    "Roberts",
    "Walker",
    "Wright",
    "Hughes",
    "Patel",
    "Begum",
    "Murphy",
    "O'Connor",
    "Kowalski",
    "Mensah",
    "Chen",
    "Green",
    "Hall",
    "Wood",
    "Ahmed",
    "Clarke",
    "Jackson",
    "Campbell",
    "Hussain",
    "Reid",
    "Singh",
    "Lewis",
]


def logins() -> list[tuple[str, str, str]]:
    """The demo accounts: user name, role and where they work."""
    where = {
        "north": "Brightpath, North team",
        "south": "Brightpath, South team",
        "city": "Steps into Work, City team",
        "brightpath": "Brightpath IPS service",
    }
    out = [(u, Role(r).label, where.get(k or "", "")) for u, _, _, r, k in STAFF]
    out[-2] = (out[-2][0], out[-2][1], DEMO_COMMISSIONER)
    out[-1] = (out[-1][0], out[-1][1], "configures services, teams and staff")
    return out


def other_logins(listed: set[str]) -> list[tuple[str, str, str]]:
    """Demo accounts added by other apps' demo steps (such as the full-size trial's service manager) that can
    sign in: user name, role and their service or team."""
    rows = []
    users = User.objects.filter(is_active=True).exclude(username__in=listed).select_related("service", "team")
    for user in users.order_by("role", "username"):
        if user.has_usable_password():
            place = user.team or user.service
            rows.append((user.username, Role(user.role).label, str(place) if place else ""))
    return rows


def _nhs_number(rng: random.Random) -> str:
    while True:
        first = "9" + "".join(str(rng.randint(0, 9)) for _ in range(8))  # 9xx: not issued to real people
        check = nhs_check_digit(first)
        if check is not None:
            return first + str(check)


def _pick_many(rng: random.Random, shares: dict[str, float]) -> list[str]:
    return [key for key, share in shares.items() if rng.random() < share]


def _weighted(rng: random.Random, options: Mapping[str, float]) -> str:
    return rng.choices(list(options), weights=list(options.values()))[0]


HEALTH = {  # DWP research report 1025, Table 1.5, all recruits
    "stress_anxiety": 0.81,
    "depression": 0.66,
    "fatigue_concentration": 0.63,
    "pain": 0.57,
    "neck_back": 0.39,
    "legs_feet": 0.38,
    "dizziness": 0.33,
    "arms_hands": 0.26,
    "digestion": 0.25,
    "chest_breathing": 0.24,
    "arthritis": 0.22,
    "learning_difficulties": 0.18,
    "other_mental_health": 0.14,
    "hearing": 0.11,
}
BARRIERS = {  # DWP research report 1025, Table 1.9
    "suitable_job": 0.77,
    "mental_health": 0.62,
    "confidence": 0.57,
    "qualifications": 0.52,
    "physical_health": 0.49,
    "transport": 0.35,
    "worse_off": 0.29,
    "caring": 0.17,
    "childcare": 0.09,
}
LIMITATION = {"great_deal": 33, "some_extent": 44, "little": 18, "not_at_all": 4}  # Table 1.6
QUALIFICATION = {
    "degree": 17,
    "higher_below_degree": 6,
    "a_level": 19,
    "gcse_a_c": 29,
    "gcse_d_g": 12,
    "other": 5,
    "none": 12,
}
ETHNICITY = {
    "white_british": 74,
    "white_other": 5,
    "asian_pakistani": 4,
    "asian_indian": 3,
    "asian_bangladeshi": 2,
    "asian_other": 1,
    "black_african": 4,
    "black_caribbean": 3,
    "mixed_white_black_caribbean": 2,
    "mixed_other": 1,
    "other_arab": 1,
}
AGE_BANDS = [(18, 29, 26), (30, 39, 20), (40, 49, 21), (50, 64, 33)]  # Table 1.2


def _ensure_structure(progress: Callable[[str], None]) -> tuple[dict[str, Team], dict[str, Service]]:
    commissioner = accounts.create_organisation(by=None, name=DEMO_COMMISSIONER, kind="commissioner")
    brightpath = accounts.create_organisation(by=None, name="Brightpath Employment", kind="provider")
    steps = accounts.create_organisation(by=None, name="Steps into Work CIC", kind="provider")
    svc_bp = accounts.create_service(
        by=None,
        provider=brightpath,
        name="Brightpath IPS",
        model=Service.Model.IPS,  # time-unlimited, as IPS is: no pre-employment or in-work limit
        caseload_target=20,
        public_description="Support for people with a health condition to find work or stay in work.",
        # Ofcom reserves 01632 960000 to 960999 for drama, so the demo's number reaches nobody.
        public_area="North and South Northshire",
        public_phone="01632 960 101",
        public_email="hello@brightpath.example.org",
        opening_hours="Monday to Friday, 9am to 5pm",
    )
    svc_bp.commissioner = commissioner
    svc_bp.save(update_fields=["commissioner"])
    svc_steps = accounts.create_service(
        by=None,
        provider=steps,
        name="Steps into Work",
        model=Service.Model.SEQF,
        caseload_target=25,
        public_description="Help to find paid work that suits you, and support once you start.",
        public_area="Northshire city centre",
        public_phone="01632 960 202",
        public_email="team@stepsintowork.example.org",
        opening_hours="Monday to Thursday, 9am to 4pm",
    )
    svc_steps.commissioner = commissioner
    svc_steps.save(update_fields=["commissioner"])
    teams = {
        "north": accounts.create_team(by=None, service=svc_bp, name="North"),
        "south": accounts.create_team(by=None, service=svc_bp, name="South"),
        "city": accounts.create_team(by=None, service=svc_steps, name="City"),
    }
    for key in ("hlt-scr-out-of-work", "hlt-scr-in-work"):
        services.adopt_rule_set(
            by=None, service=svc_bp, template=EligibilityRuleSet.objects.get(service=None, key=key)
        )
    services.adopt_rule_set(
        by=None,
        service=svc_steps,
        template=EligibilityRuleSet.objects.get(service=None, key="hlt-wmca-out-of-work"),
    )
    for username, first, last, role, place in STAFF:
        accounts.create_staff(
            by=None,
            username=username,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            email=f"{username}@demo.placewell.invalid",
            role=role,
            team=teams.get(place or ""),
            service={"brightpath": svc_bp, "steps": svc_steps}.get(place or ""),
            organisation=commissioner
            if role == Role.EVALUATOR
            else (brightpath if role == Role.ADMINISTRATOR else None),
            fte=Decimal("0.8") if username == "ben" else Decimal("1.00"),
        )
    progress("Created organisations, services, teams and staff")
    return teams, {"bp": svc_bp, "steps": svc_steps}


def _make_participant(
    rng: random.Random, team: Team, today: dt.date, referral_day: dt.date, stage: str
) -> Participant:
    sex = "male" if rng.random() < 0.52 else "female"
    low, high, _ = rng.choices(AGE_BANDS, weights=[b[2] for b in AGE_BANDS])[0]
    age = rng.randint(low, high)
    born = today - dt.timedelta(days=age * 365 + rng.randint(0, 364))
    out_of_work = team.name == "City" or rng.random() < 0.6
    specialists = list(User.objects.filter(team=team, role=Role.SPECIALIST).order_by("pk"))
    return services.refer_participant(
        by=specialists[0],
        service=team.service,
        team=team,
        # Referrals still waiting are often not yet allocated: they wait in the referral queue.
        specialist=None if stage == "referred" and rng.random() < 0.6 else rng.choice(specialists),
        source=_weighted(
            rng,
            {
                "gp": 18,
                "specialist_health": 24,
                "talking_therapies": 12,
                "self": 22,
                "jobcentre": 18,
                "other": 6,
            },
        ),
        referral_date=referral_day,
        given_name=rng.choice(FIRST_NAMES[sex]),
        family_name=rng.choice(LAST_NAMES),
        date_of_birth=born,
        nhs_number=_nhs_number(rng),
        email=f"person{rng.randint(1000, 99999)}@example.org" if rng.random() < 0.8 else "",
        phone=f"07700 9{rng.randint(0, 99999):05d}",
        preferred_contact_method=_weighted(rng, {"phone": 45, "text": 30, "email": 20, "post": 5}),
        survey_mode=_weighted(rng, {"web": 50, "phone": 40, "face_to_face": 10}),
        gender=sex,
        ethnic_group=_weighted(rng, ETHNICITY),
        highest_qualification=_weighted(rng, QUALIFICATION),
        health_conditions=_pick_many(rng, HEALTH) or ["stress_anxiety"],
        activity_limitation=_weighted(rng, LIMITATION),
        employment_status=choices.EmploymentStatus.OUT_OF_WORK
        if out_of_work
        else choices.EmploymentStatus.IN_WORK,
        work_history=_weighted(
            rng,
            {"always": 5, "more_than_half": 20, "less_than_half": 25, "none": 50}
            if out_of_work
            else {"always": 76, "more_than_half": 14, "less_than_half": 10},
        ),
        barriers=_pick_many(rng, BARRIERS),
    )


STAGES = (
    "referred",
    "ineligible",
    "eligible",
    "agreed",
    "active",
    "in_work",
    "closed",
    "withdrawn",
    "erased",
)


def _draw_stage(rng: random.Random) -> str:
    """A service with 18 months of history: most people it has helped have finished their support, about 30%
    are still open (a third of those in work), so caseloads sit near the IPS target of about 20 a specialist
    once the demo trial's treatment group is added."""
    return _weighted(
        rng,
        {
            "referred": 6,
            "ineligible": 6,
            "eligible": 3,
            "agreed": 3,
            "active": 20,
            "in_work": 10,
            "closed": 47,
            "withdrawn": 4,
            "erased": 1,
        },
    )


# The share of the demo's own referrals each team receives: Brightpath's two teams also run the demo trial,
# whose treatment group adds to their caseloads, so the City team takes a larger share of ordinary referrals.
TEAM_SHARES = {"north": 0.23, "south": 0.23, "city": 0.54}


def _referral_day(rng: random.Random, clock: DemoClock, stage: str) -> dt.date:
    """People wait days, not months, between referral and screening; those further on came earlier."""
    days_ago = (
        rng.randint(0, 21)
        if stage in {"referred", "ineligible", "eligible", "agreed"}
        else rng.randint(14, 540)
    )
    return clock.today - dt.timedelta(days=days_ago)


def _advance(
    rng: random.Random,
    clock: DemoClock,
    p: Participant,
    by: User,
    manager: User,
    stage: str,
    referred: dt.date,
) -> None:
    """Move a participant along the journey to ``stage`` through the real actions, each on a plausible day."""
    if stage == "referred":
        return
    rule_sets = list(EligibilityRuleSet.objects.filter(service=p.service).prefetch_related("questions"))
    in_work = p.employment_status == choices.EmploymentStatus.IN_WORK
    rule_set = next((r for r in rule_sets if ("in-work" in r.key) == in_work), rule_sets[0])
    answers = {q.key: q.qualifying_answer for q in rule_set.questions.all()}
    if stage == "ineligible":
        q = rng.choice(list(rule_set.questions.all()))
        answers[q.key] = not q.qualifying_answer
    first_meeting = clock.day_after(referred, 1, 10)
    with clock.at(first_meeting, 10):
        services.screen_participant(by=by, participant=p, rule_set=rule_set, answers=answers)
    if stage in {"ineligible", "eligible"}:
        return
    doc = (
        AgreementDocument.objects.filter(service=None, published_at__isnull=False)
        .order_by("-version")
        .first()
    )
    assert doc is not None
    statements = list(doc.statements.all())
    with clock.at(first_meeting, 11):
        services.record_agreement(
            by=by,
            participant=p,
            document=doc,
            format="easy_read" if rng.random() < 0.2 else "plain",
            answers={s.pk: (s.required or rng.random() < 0.7) for s in statements},
        )
    if stage == "agreed":
        return
    started = clock.day_after(first_meeting, 0, 7)
    with clock.at(started):
        services.start_support(by=by, participant=p)
    if stage == "in_work":
        with clock.at(clock.day_after(started, 30, 240)):
            services.record_in_work(by=by, participant=p)
    elif stage == "closed":
        with clock.at(clock.day_after(started, 60, 400)):
            services.close(
                by=by,
                participant=p,
                reason=rng.choice(["Support finished", "Moved out of the area", "No contact for 3 months"]),
            )
    elif stage == "withdrawn":
        with clock.at(clock.day_after(started, 14, 200)):
            services.withdraw(by=by, participant=p, scope=rng.choice(["service", "research", "both"]))
    elif stage == "erased":
        erased_on = clock.day_after(started, 30, 300)
        reference = f"DSR-{erased_on.year}-{p.pk:04d}"
        reason = ErasureReason(erased_on - dt.timedelta(days=3), "role:data_protection_officer", reference)
        with clock.at(erased_on):
            services.erase(by=manager, participant=p, reason=reason)


def load(
    n_participants: int = DEFAULT_PARTICIPANTS, seed: int = 2026, progress: Callable[[str], None] = print
) -> bool:
    """Create the demo unless it is there already. Returns whether anything was created."""
    if Organisation.objects.filter(name=DEMO_COMMISSIONER).exists():
        return False
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    clock = DemoClock(rng)
    with transaction.atomic():
        teams, _ = _ensure_structure(progress)
        # Each service's own manager agrees its erasures (erasure checks the manager's scope itself).
        managers = {
            u.service_id: u
            for u in User.objects.filter(role=Role.SERVICE_MANAGER, username__in=["mo", "sian"])
        }
        team_keys = list(TEAM_SHARES)
        for i in range(n_participants):
            # The first few cover every stage and team, so even a small demo shows them all.
            key = team_keys[i % len(team_keys)] if i < 2 * len(STAGES) else _weighted(rng, TEAM_SHARES)
            team = teams[key]
            stage = STAGES[i] if i < len(STAGES) else _draw_stage(rng)
            referred = _referral_day(rng, clock, stage)
            with clock.at(referred):
                p = _make_participant(rng, team, clock.today, referred, stage)
            worker = p.specialist or User.objects.filter(team=team, role=Role.SPECIALIST).first()
            _advance(rng, clock, p, worker, managers[team.service_id], stage, referred)  # type: ignore[arg-type]
            if (i + 1) % 50 == 0 or i + 1 == n_participants:
                progress(f"Participants: {i + 1} of {n_participants}")
        for step in demo_steps():
            step(rng, progress)
    return True
