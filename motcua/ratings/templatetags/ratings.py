from django import template

from motcua.dossiers.statuses import DossierStatus
from motcua.ratings.models import Feedback, Rating
from motcua.ratings.services import rating_link

register = template.Library()


@register.inclusion_tag("ratings/_dossier_rating.html")
def dossier_rating(dossier) -> dict:
    """The officers' dossier page: its rating and feedback, or the link to rate it.

    Only a returned dossier can carry a rating, so any other costs the page no query."""
    if dossier.status != DossierStatus.RETURNED:
        return {"rating": None, "feedback": None, "link": ""}
    rating = Rating.objects.select_related("feedback").filter(dossier=dossier).first()
    if rating is None:
        return {"rating": None, "feedback": None, "link": rating_link(dossier)}
    try:
        feedback = rating.feedback
    except Feedback.DoesNotExist:
        feedback = None
    return {"rating": rating, "feedback": feedback, "link": ""}
