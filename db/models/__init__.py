"""All SQLModel tables. Importing this package registers them on SQLModel.metadata."""

from db.models.activity import ActivityDay, Booking, BookingDay, BookingOffer, HolidayActivity
from db.models.assessment import (
    Assessment,
    AssessmentScore,
    AssessmentSection,
    PlanAction,
    Review,
    ReviewOutcome,
)
from db.models.base import Record, new_id, utcnow
from db.models.case import Contact, Referral
from db.models.club import Attendance, Club, ClubMember, ClubSession
from db.models.people import (
    CaredFor,
    CaredForCondition,
    Carer,
    CareRelationship,
    District,
    Household,
    School,
    Worker,
)
from db.models.reporting import Area, AreaDistrict, ReturnNarrative, ReturnSetting
from db.models.safeguarding import SafeguardingMeeting, SafeguardingStatus
from db.models.service import (
    AwarenessSession,
    BusPass,
    Feedback,
    SafeguardingEntry,
    TrainingSession,
    TripleCEntry,
)
from db.models.signposting import Organisation, Signposting
from db.models.system import AuditEntry, SealedReturn, Setting
from db.models.team import TeamChange, TeamConflict, TeamRevision

__all__ = [
    "ActivityDay", "Area", "AreaDistrict", "Assessment", "AssessmentScore", "AssessmentSection",
    "Attendance", "AuditEntry", "AwarenessSession", "Booking", "BookingDay", "BookingOffer",
    "BusPass", "CareRelationship", "CaredFor", "CaredForCondition", "Carer", "Club", "ClubMember",
    "ClubSession", "Contact", "District", "Feedback", "HolidayActivity", "Household", "Organisation",
    "PlanAction", "Record", "Referral", "ReturnNarrative", "ReturnSetting", "Review", "ReviewOutcome",
    "SafeguardingEntry", "SafeguardingMeeting", "SafeguardingStatus", "School", "SealedReturn",
    "Setting", "Signposting", "TeamChange", "TeamConflict", "TeamRevision", "TrainingSession",
    "TripleCEntry", "Worker", "new_id", "utcnow",
]
