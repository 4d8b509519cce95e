"""Keeping the survey sample in step with the participant record, without the participants app knowing.

- At agreement (status becomes "agreed"), the participant joins the survey sample: the baseline survey is
  taken at agreement, before any randomisation (DWP research report 1025, section 1.6), and the contact snapshot is taken then.
- On withdrawal from research contact, open invitations close and links stop working.
- On erasure, every survey record of the person is removed (DWP research report 1025, section 1.5).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from placewell.participants.models import Participant, Status
from placewell.surveys import fieldwork
from placewell.surveys.models import SurveyEnrolment


@receiver(post_save, sender=Participant, dispatch_uid="surveys.participant_saved")
def participant_saved(sender: type[Participant], instance: Participant, created: bool, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields") or frozenset()
    if instance.status == Status.ERASED:
        fieldwork.erase_survey_data(instance)
        return
    if "withdrawn_from_research_at" in fields and instance.withdrawn_from_research_at is not None:
        fieldwork.close_for_withdrawal(instance)
        return
    if (
        "status" in fields
        and instance.status == Status.AGREED
        and instance.may_contact_for_research
        and not SurveyEnrolment.objects.filter(participant=instance).exists()
    ):
        agreement = instance.agreements.filter(all_required_agreed=True).select_related("recorded_by").first()
        fieldwork.enrol(by=agreement.recorded_by if agreement else None, participant=instance)
