"""Content every installation starts with: eligibility rule-set templates and an agreement document.

The three eligibility templates are the Health-led Employment Trials' site rules (DWP research report 1025, sections 1.3 and
5.1.2): SCR out-of-work, SCR in-work and WMCA out-of-work, each with the all-site rules (able to give
informed agreement, aged over 18, wants voluntary support, in no other employment programme beyond
Jobcentre Plus work coach support; excluded if on the Care Programme Approach, supported by a Community
Mental Health Team or on a Serious Mental Illness register). A service copies a template to use it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

SOURCE = "Health-led Employment Trials 12-month synthesis, sections 1.3 and 5.1.2"

# (key, text, hint, qualifying answer, reason recorded when the answer does not qualify)
_ALL_SITES_BEFORE: list[tuple[str, str, str, bool, str]] = [
    ("over_18", "Is the person aged over 18?", "", True, "Aged 18 or under"),
]
_ALL_SITES_AFTER: list[tuple[str, str, str, bool, str]] = [
    (
        "wants_support",
        "Do they want to take part in voluntary support to find or stay in work?",
        "",
        True,
        "Does not want voluntary support",
    ),
    (
        "other_programme",
        "Are they taking part in another employment programme?",
        "Support from a Jobcentre Plus work coach does not count.",
        False,
        "In another employment programme",
    ),
    (
        "severe_condition",
        "Are they on the Care Programme Approach, supported by a Community Mental Health Team, or on a Serious Mental Illness register?",
        "",
        False,
        "Severe health condition (CPA, CMHT or SMI register)",
    ),
    (
        "can_agree",
        "Are they able to give informed agreement?",
        "",
        True,
        "Not able to give informed agreement",
    ),
]

RULE_SETS: dict[str, dict[str, Any]] = {
    "hlt-scr-out-of-work": {
        "name": "Health-led Trial: SCR out of work",
        "description": "Out of work, with a self-defined mild or moderate mental or physical health condition that is an obstacle to work.",
        "questions": [
            *_ALL_SITES_BEFORE,
            ("out_of_work", "Is the person out of work?", "", True, "Not out of work"),
            (
                "condition_obstacle",
                "Do they have a mild or moderate mental or physical health condition that they see as an obstacle to working?",
                "Self-defined: what the person says.",
                True,
                "No health condition that is an obstacle to work",
            ),
            *_ALL_SITES_AFTER,
        ],
    },
    "hlt-scr-in-work": {
        "name": "Health-led Trial: SCR in work",
        "description": "In work but off sick or struggling at work because of a self-defined mild or moderate mental or physical health condition.",
        "questions": [
            *_ALL_SITES_BEFORE,
            (
                "in_work",
                "Is the person in paid work?",
                "Include people who are off sick from their job.",
                True,
                "Not in work",
            ),
            (
                "off_sick_or_struggling",
                "Are they off sick, or struggling at work, because of a mild or moderate mental or physical health condition?",
                "Self-defined: what the person says.",
                True,
                "Not off sick or struggling at work because of a health condition",
            ),
            *_ALL_SITES_AFTER,
        ],
    },
    "hlt-wmca-out-of-work": {
        "name": "Health-led Trial: WMCA out of work",
        "description": "Out of work for more than 4 weeks, wants to work, and disabled or has a health condition that is an obstacle to work.",
        "questions": [
            *_ALL_SITES_BEFORE,
            (
                "out_of_work_4_weeks",
                "Has the person been out of work for more than 4 weeks?",
                "",
                True,
                "Out of work for 4 weeks or less",
            ),
            ("wants_work", "Do they want to find work?", "", True, "Does not want to find work"),
            (
                "disabled_or_condition",
                "Are they disabled, or do they have a health condition that is an obstacle to getting work?",
                "",
                True,
                "Not disabled and no health condition that is an obstacle to work",
            ),
            *_ALL_SITES_AFTER,
        ],
    },
}

AGREEMENT_KEY = "participant-agreement"
AGREEMENT_TITLE = "Taking part: information and agreement"
AGREEMENT_INFORMATION_PLAIN = """This service helps people with health conditions or disabilities to find paid work, or to stay in work. An employment specialist works with you on the jobs you want, and keeps supporting you and your employer once you start.

Taking part is your choice. You can stop at any time without giving a reason, and this will not affect your health care or your benefits.

We keep a record of the support you get. It includes information about your health, so only the team that supports you and their manager can see it. People who check how well the service works see information without your name or contact details.

We may ask you to answer some questions about your health and wellbeing now and later on. You can say no to these at any time.

You can ask us to erase your information. If we agree, your details are removed from our records and reports."""
AGREEMENT_INFORMATION_EASY_READ = """We help people get a paid job. We also help people keep their job.

You choose if you want our help. You can stop at any time. This will not change your health care or your money from benefits.

We write down how we help you. Only your team can see your name.

We may ask you some questions about how you feel. You can say no.

You can ask us to delete what we know about you."""

# (plain English, easy read, required)
AGREEMENT_STATEMENTS: list[tuple[str, str, bool]] = [
    (
        "I have read the information sheet, or had it read to me, and had the chance to ask questions.",
        "I have read the information. I could ask questions.",
        True,
    ),
    (
        "I understand that taking part is my choice and that I can stop at any time without giving a reason.",
        "I know I can choose. I can stop when I want.",
        True,
    ),
    (
        "I agree that the service can keep a record of my support, including information about my health.",
        "It is OK to write down how you help me and about my health.",
        True,
    ),
    (
        "I understand that staff who check the quality of the service may see my record.",
        "People who check the service can look at my record.",
        True,
    ),
    (
        "I agree to be asked questions about my health, wellbeing and work now and later.",
        "It is OK to ask me questions now and later.",
        True,
    ),
    (
        "I agree that my information can be used, without my name, to find out how well the service works.",
        "You can use what you know about me to see if the service works. You will not use my name.",
        True,
    ),
    (
        "I am happy to be contacted about future research (optional).",
        "You can contact me about other research. I do not have to say yes.",
        False,
    ),
]


@transaction.atomic
def install(apps: Any = None) -> None:
    """Create the templates if they are missing. Safe to run again: nothing is duplicated or changed."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    RuleSet = apps.get_model("participants", "EligibilityRuleSet")
    Question = apps.get_model("participants", "EligibilityQuestion")
    Document = apps.get_model("participants", "AgreementDocument")
    Statement = apps.get_model("participants", "AgreementStatement")
    for key, spec in RULE_SETS.items():
        rule_set, created = RuleSet.objects.get_or_create(
            service=None,
            key=key,
            defaults={"name": spec["name"], "description": spec["description"], "source": SOURCE},
        )
        if created:
            for order, (qkey, text, hint, qualifying, reason) in enumerate(spec["questions"], 1):
                Question.objects.create(
                    rule_set=rule_set,
                    order=order,
                    key=qkey,
                    text=text,
                    hint=hint,
                    qualifying_answer=qualifying,
                    reason_if_not=reason,
                )
    if not Document.objects.filter(service=None, key=AGREEMENT_KEY).exists():
        doc = Document.objects.create(
            service=None,
            key=AGREEMENT_KEY,
            version=1,
            title=AGREEMENT_TITLE,
            information_plain=AGREEMENT_INFORMATION_PLAIN,
            information_easy_read=AGREEMENT_INFORMATION_EASY_READ,
            published_at=timezone.now(),
        )
        for order, (plain, easy, required) in enumerate(AGREEMENT_STATEMENTS, 1):
            Statement.objects.create(
                document=doc, order=order, text_plain=plain, text_easy_read=easy, required=required
            )
