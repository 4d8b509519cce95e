"""Choice lists for casework records.

Contact modes follow the Health-led Trials' management information (DWP research report 1025: every meeting's date,
duration, mode and purpose), with text and email added because specialists record those too. Purposes
follow the SEQF phases and what participants value (Baxter et al.'s qualitative evidence synthesis, the SESAMI study and 'Someone in my corner'): profiling, job search,
applications, interviews, benefits, health, disclosure and in-work support.
"""

from __future__ import annotations

from django.db import models


class Mode(models.TextChoices):
    FACE_TO_FACE = "face_to_face", "Face to face"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"


class Place(models.TextChoices):
    COMMUNITY = "community", "Community venue (such as a library or café)"
    HEALTH = "health", "GP surgery or health setting"
    HOME = "home", "Participant's home"
    EMPLOYER = "employer", "Employer's premises"
    OFFICE = "office", "Our office"
    REMOTE = "remote", "Remote (phone, video, text or email)"


class Whom(models.TextChoices):
    PARTICIPANT = "participant", "Participant"
    EMPLOYER = "employer", "Employer"
    HEALTH = "health", "Health professional"
    FAMILY = "family", "Family member or carer"


class Purpose(models.TextChoices):
    PROFILING = "profiling", "Vocational profiling"
    JOB_SEARCH = "job_search", "Job search"
    APPLICATIONS = "applications", "Applications and CVs"
    INTERVIEWS = "interviews", "Interview preparation"
    BENEFITS = "benefits", "Benefits advice"
    HEALTH = "health", "Health and wellbeing"
    DISCLOSURE = "disclosure", "Disclosure"
    IN_WORK = "in_work", "In-work support"
    EMPLOYER = "employer", "Employer liaison"


class Hours(models.TextChoices):
    UNDER_16 = "under_16", "Fewer than 16 hours a week"
    FROM_16_TO_29 = "16_to_29", "16 to 29 hours a week"
    FROM_30 = "30_plus", "30 hours a week or more"
    FLEXIBLE = "flexible", "Flexible or not sure yet"


class Disclosure(models.TextChoices):
    YES = "yes", "Yes, tell an employer"
    NO = "no", "No, do not tell an employer"
    UNDECIDED = "undecided", "Not decided yet"


class Owner(models.TextChoices):
    PARTICIPANT = "participant", "The participant"
    SPECIALIST = "specialist", "The employment specialist"
    TOGETHER = "together", "Both together"
    OTHER = "other", "Someone else"


class GoalStatus(models.TextChoices):
    OPEN = "open", "Working on it"
    ACHIEVED = "achieved", "Achieved"
    STOPPED = "stopped", "No longer a goal"


class LiaisonKind(models.TextChoices):
    CASE_DISCUSSION = "case_discussion", "Case discussion with the health team"
    REFERRAL = "referral", "Referral to a health service"


class BenefitTopic(models.TextChoices):
    UNIVERSAL_CREDIT = "universal_credit", "Universal Credit"
    ESA = "esa", "Employment and Support Allowance"
    PIP = "pip", "Personal Independence Payment"
    HOUSING = "housing", "Housing costs or Council Tax support"
    PERMITTED_WORK = "permitted_work", "Permitted work and work allowances"
    ACCESS_TO_WORK = "access_to_work", "Access to Work"
    MOVING_INTO_WORK = "moving_into_work", "Telling DWP about a job"
    OTHER = "other", "Something else"


class HowTold(models.TextChoices):
    FACE_TO_FACE = "face_to_face", "Face to face"
    PHONE = "phone", "Phone or video"
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email or text message"


class NoteCategory(models.TextChoices):
    """What a case note is about: the everyday subjects of IPS casework, so notes can be found by kind."""

    GENERAL = "general", "General update"
    JOB_SEARCH = "job_search", "Job search and employers"
    IN_WORK = "in_work", "In-work support"
    HEALTH = "health", "Health and wellbeing"
    BENEFITS = "benefits", "Benefits and money"
    SAFEGUARDING = "safeguarding", "Safeguarding or risk"
    ADMIN = "admin", "Arrangements and admin"


class SnoozeDays(models.IntegerChoices):
    THREE = 3, "3 days"
    SEVEN = 7, "7 days"
    FOURTEEN = 14, "14 days"
