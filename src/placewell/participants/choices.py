"""Answer categories for the participant record.

Health conditions, activity limitation, work history, barriers and qualifications follow the Health-led
Trials baseline survey (DWP research report 1025, Tables 1.5 to 1.10); ethnic groups follow the ONS 2021 Census
(England and Wales) classification.
"""

from django.db import models


class ReferralSource(models.TextChoices):
    GP = "gp", "GP"
    SPECIALIST_HEALTH = "specialist_health", "Specialist health service"
    TALKING_THERAPIES = "talking_therapies", "NHS Talking Therapies"
    SELF = "self", "Self-referral"
    JOBCENTRE = "jobcentre", "Jobcentre Plus"
    OTHER = "other", "Other"


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    POST = "post", "Letter"


class SurveyMode(models.TextChoices):
    WEB = "web", "Online"
    PHONE = "phone", "By phone"
    FACE_TO_FACE = "face_to_face", "Face to face"


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NON_BINARY = "non_binary", "Non-binary"
    OTHER = "other", "Another gender"
    NOT_SAID = "not_said", "Prefer not to say"


class EthnicGroup(models.TextChoices):
    """ONS 2021 Census ethnic groups, England and Wales (19 categories)."""

    ASIAN_BANGLADESHI = "asian_bangladeshi", "Asian or Asian British: Bangladeshi"
    ASIAN_CHINESE = "asian_chinese", "Asian or Asian British: Chinese"
    ASIAN_INDIAN = "asian_indian", "Asian or Asian British: Indian"
    ASIAN_PAKISTANI = "asian_pakistani", "Asian or Asian British: Pakistani"
    ASIAN_OTHER = "asian_other", "Asian or Asian British: any other Asian background"
    BLACK_AFRICAN = "black_african", "Black, Black British, Caribbean or African: African"
    BLACK_CARIBBEAN = "black_caribbean", "Black, Black British, Caribbean or African: Caribbean"
    BLACK_OTHER = "black_other", "Black, Black British, Caribbean or African: any other Black background"
    MIXED_WHITE_ASIAN = "mixed_white_asian", "Mixed or Multiple: White and Asian"
    MIXED_WHITE_BLACK_AFRICAN = "mixed_white_black_african", "Mixed or Multiple: White and Black African"
    MIXED_WHITE_BLACK_CARIBBEAN = (
        "mixed_white_black_caribbean",
        "Mixed or Multiple: White and Black Caribbean",
    )
    MIXED_OTHER = "mixed_other", "Mixed or Multiple: any other Mixed or Multiple background"
    WHITE_BRITISH = "white_british", "White: English, Welsh, Scottish, Northern Irish or British"
    WHITE_IRISH = "white_irish", "White: Irish"
    WHITE_GYPSY = "white_gypsy", "White: Gypsy or Irish Traveller"
    WHITE_ROMA = "white_roma", "White: Roma"
    WHITE_OTHER = "white_other", "White: any other White background"
    OTHER_ARAB = "other_arab", "Other ethnic group: Arab"
    OTHER_ANY = "other_any", "Other ethnic group: any other ethnic group"
    NOT_SAID = "not_said", "Prefer not to say"


class Qualification(models.TextChoices):
    """DWP research report 1025, Table 1.10."""

    DEGREE = "degree", "Degree, higher degree or equivalent; NVQ or SVQ level 4 or 5"
    HIGHER_BELOW_DEGREE = "higher_below_degree", "Higher education qualification below degree level"
    A_LEVEL = "a_level", "A levels or Highers; NVQ or SVQ level 3"
    GCSE_A_C = "gcse_a_c", "GCSE grades A to C (9 to 4) or equivalent"
    GCSE_D_G = "gcse_d_g", "GCSE grades D to G (3 to 1) or equivalent"
    OTHER = "other", "Other qualifications, including vocational and from outside the UK"
    NONE = "none", "No formal qualifications"


class HealthCondition(models.TextChoices):
    """DWP research report 1025, Table 1.5: conditions lasting 12 months or more."""

    STRESS_ANXIETY = "stress_anxiety", "Stress or anxiety"
    DEPRESSION = "depression", "Depression"
    FATIGUE_CONCENTRATION = "fatigue_concentration", "Fatigue or problems with concentration or memory"
    PAIN = "pain", "Pain or discomfort"
    NECK_BACK = "neck_back", "Problems with neck or back"
    LEGS_FEET = "legs_feet", "Problems with legs or feet"
    DIZZINESS = "dizziness", "Dizziness or balance problems"
    ARMS_HANDS = "arms_hands", "Problems with arms or hands"
    DIGESTION = "digestion", "Problems with bowels, stomach, liver, kidneys or digestion"
    CHEST_BREATHING = "chest_breathing", "Chest or breathing problems"
    ARTHRITIS = "arthritis", "Arthritis"
    SKIN_ALLERGIES = "skin_allergies", "Skin conditions or allergies"
    HEART_BLOOD_PRESSURE = "heart_blood_pressure", "Heart or blood pressure problems"
    LEARNING_DIFFICULTIES = "learning_difficulties", "Learning difficulties"
    OTHER_MENTAL_HEALTH = "other_mental_health", "Mental health condition (other than depression or stress)"
    SEEING = "seeing", "Difficulty with seeing"
    HEARING = "hearing", "Difficulty with hearing"
    ALCOHOL_DRUGS = "alcohol_drugs", "Problems due to alcohol or drug use"
    SPEECH = "speech", "Speech problems"
    PROGRESSIVE = "progressive", "Progressive illness not covered above"
    OTHER = "other", "Other health condition or disability"


class ActivityLimitation(models.TextChoices):
    """DWP research report 1025, Table 1.6."""

    GREAT_DEAL = "great_deal", "A great deal"
    SOME_EXTENT = "some_extent", "To some extent"
    LITTLE = "little", "A little"
    NOT_AT_ALL = "not_at_all", "Not at all"


class EmploymentStatus(models.TextChoices):
    IN_WORK = "in_work", "In work"
    OUT_OF_WORK = "out_of_work", "Out of work"


class WorkHistory(models.TextChoices):
    """DWP research report 1025, Table 1.7: paid employment in the last 2 years."""

    ALWAYS = "always", "Always been in paid work"
    MORE_THAN_HALF = "more_than_half", "In paid work for more than half the time"
    LESS_THAN_HALF = "less_than_half", "In paid work for less than half the time"
    NONE = "none", "Not in paid work in the last 2 years"


class Barrier(models.TextChoices):
    """DWP research report 1025, Table 1.9: what has made it difficult to find work."""

    SUITABLE_JOB = "suitable_job", "Difficulty finding a suitable job"
    MENTAL_HEALTH = "mental_health", "Mental health condition"
    CONFIDENCE = "confidence", "Lack of confidence in abilities or skills"
    QUALIFICATIONS = "qualifications", "Lack of qualifications or experience"
    PHYSICAL_HEALTH = "physical_health", "Physical health condition"
    TRANSPORT = "transport", "Availability or cost of transport to work"
    WORSE_OFF = "worse_off", "Being worse off financially"
    CARING = "caring", "Caring for a child, or an older or disabled family member"
    CHILDCARE = "childcare", "Availability or cost of childcare"
    OTHER = "other", "Another reason"
