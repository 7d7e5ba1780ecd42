"""The nine outcome measures a review rates (OUT01-OUT09), with their labels.

They belong to the review (``ycworker.assessment.reviews``); KPI 5 (``ycworker.returns.kpis``)
reads them from here.
"""

from __future__ import annotations

OUTCOMES: dict[str, str] = {
    "OUT01": "Reduced impact of caring",
    "OUT02": "Improved understanding of the cared-for person's condition",
    "OUT03": "Improved social life / friendships",
    "OUT04": "Improved family relationships",
    "OUT05": "Improvements at school / college",
    "OUT06": "Physical and emotional health and wellbeing, including resilience",
    "OUT07": "Prepared for adulthood and transition",
    "OUT08": "Confidence and participation in decisions",
    "OUT09": "The cared-for person has access to the support and benefits they need",
}

__all__ = ["OUTCOMES"]
