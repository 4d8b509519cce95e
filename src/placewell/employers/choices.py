"""Choice lists for employers, engagement and vacancies.

Sectors are the 21 sections of the UK Standard Industrial Classification 2007 (ONS, "UK SIC 2007",
https://www.ons.gov.uk/methodology/classificationsandstandards/ukstandardindustrialclassificationofeconomicactivities/uksic2007).
Size bands follow the UK's definitions of micro (under 10 staff), small (10 to 49), medium (50 to 249) and
large (250 or more) businesses; small and medium-sized enterprises (SMEs) are those under 250. Disability
Confident levels are the scheme's three (DWP, https://www.gov.uk/government/collections/disability-confident-campaign).
Purposes of an employer contact are those listed in DWP research report 1025 (sections 1.8, 3.3.2, 4.4.4-4.4.5).
"""

from __future__ import annotations

from django.db import models

from placewell.engine.matching import ADJUSTMENTS, CONDITIONS


class Sector(models.TextChoices):
    A = "A", "Agriculture, forestry and fishing"
    B = "B", "Mining and quarrying"
    C = "C", "Manufacturing"
    D = "D", "Electricity, gas, steam and air conditioning supply"
    E = "E", "Water supply, sewerage, waste management and remediation"
    F = "F", "Construction"
    G = "G", "Wholesale and retail trade; repair of motor vehicles"
    H = "H", "Transportation and storage"
    I = "I", "Accommodation and food service activities"  # noqa: E741 - the SIC section letter
    J = "J", "Information and communication"
    K = "K", "Financial and insurance activities"
    L = "L", "Real estate activities"
    M = "M", "Professional, scientific and technical activities"
    N = "N", "Administrative and support service activities"
    O = "O", "Public administration and defence; compulsory social security"  # noqa: E741
    P = "P", "Education"
    Q = "Q", "Human health and social work activities"
    R = "R", "Arts, entertainment and recreation"
    S = "S", "Other service activities"
    T = "T", "Activities of households as employers"
    U = "U", "Activities of extraterritorial organisations"


class Size(models.TextChoices):
    MICRO = "micro", "Micro (fewer than 10 staff)"
    SMALL = "small", "Small (10 to 49 staff)"
    MEDIUM = "medium", "Medium (50 to 249 staff)"
    LARGE = "large", "Large (250 staff or more)"


SME_SIZES = {Size.MICRO, Size.SMALL, Size.MEDIUM}


class DisabilityConfident(models.TextChoices):
    NONE = "", "Not signed up or not known"
    COMMITTED = "committed", "Level 1: Disability Confident Committed"
    EMPLOYER = "employer", "Level 2: Disability Confident Employer"
    LEADER = "leader", "Level 3: Disability Confident Leader"


class Purpose(models.TextChoices):
    RELATIONSHIP = "relationship", "Building the relationship"
    VACANCY = "vacancy", "Discussing a vacancy"
    JOB_CARVING = "job_carving", "Job carving or job design"
    ADJUSTMENTS = "adjustments", "Reasonable adjustments and Access to Work information"
    IN_WORK = "in_work", "In-work support for a placed participant"
    AWARENESS = "awareness", "Disability awareness session"


class Source(models.TextChoices):
    ADVERTISED = "advertised", "Advertised"
    HIDDEN = "hidden", "Hidden (not advertised)"
    DEVELOPED = "developed", "Developed with the employer"


class PayBasis(models.TextChoices):
    HOUR = "hour", "An hour"
    WEEK = "week", "A week"
    YEAR = "year", "A year"


class VacancyStatus(models.TextChoices):
    OPEN = "open", "Open"
    FILLED = "filled", "Filled"
    CLOSED = "closed", "Closed"


class MatchStatus(models.TextChoices):
    SUGGESTED = "suggested", "Suggested to them"
    APPLIED = "applied", "Applied"
    INTERVIEW = "interview", "Interview"
    OFFERED = "offered", "Offered the job"
    NOT_INTERESTED = "not_interested", "Not interested"


CONDITION_CHOICES = [(k, v[:1].upper() + v[1:]) for k, v in CONDITIONS.items()]
ADJUSTMENT_CHOICES = [(k, v[:1].upper() + v[1:]) for k, v in ADJUSTMENTS.items()]
