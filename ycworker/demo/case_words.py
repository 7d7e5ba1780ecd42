"""The words and weights the demo's cases are drawn from: referral sources and referrers, reasons,
closure notes, assessment sections, plan actions, review ratings and comments, contact notes.

``ycworker.demo.cases`` picks from these at random (with the weights given) as it lays out each
carer's referrals; nothing here describes a real person.
"""

from __future__ import annotations

SOURCES = ("school", "gp", "health", "self", "parent", "early_help", "social_care", "other")
SOURCE_WEIGHTS = (38, 7, 10, 4, 12, 13, 11, 5)
REFERRERS = {
    "school": ("Designated safeguarding lead", "Head of year", "SENCo", "Pastoral lead", "Class teacher",
               "Young Carer Champion"),
    "gp": ("GP", "Practice nurse", "Social prescriber"),
    "health": ("School nurse", "Health visitor", "CAMHS practitioner", "Hospital social worker",
               "Community nurse"),
    "self": ("Self-referral",),
    "parent": ("Parent", "Mum", "Dad", "Grandparent"),
    "early_help": ("Early Help worker", "Family support worker"),
    "social_care": ("Social worker", "Children's services duty team", "Adult social care"),
    "other": ("Youth worker", "Police (Operation Encompass)", "Charity support worker", "Housing officer"),
}
RELATION_WORD = {"mother": "mum", "father": "dad", "brother": "brother", "sister": "sister",
                 "grandparent": "grandparent", "other": "a relative"}
CONDITION_WORD = {
    "physical_disability": "a physical disability", "long_term_illness": "a long-term illness",
    "mental_health": "mental health needs", "substance_misuse": "an alcohol or drug problem",
    "learning_disability_send": "SEND", "other": "health needs",
}
SIGNS = ("often late for school", "tired in class", "falling behind with homework", "worried about home",
         "missing school to help at home", "few friends outside school", "anxious and withdrawn",
         "doing most of the cooking and shopping", "up at night to help", "attendance has dropped")
CLOSURE_WEIGHTS = (("intervention_completed", 45), ("stepped_down", 33), ("disengaged", 6),
                   ("moved_away", 5), ("transferred", 3), ("other", 2))
EARLY_CLOSURE = (("not_a_young_carer", 35), ("disengaged", 30), ("moved_away", 25), ("transferred", 10))
CLOSURE_NOTES = {
    "intervention_completed": ("Plan goals met; carer and family happy to close.",
                               "Support completed; school champion will keep an eye.",
                               "Outcomes achieved; knows how to come back to us."),
    "stepped_down": ("Stepped down to clubs only.", "Closed to 1:1; stays in the Chill Club.",
                     "Doing well; clubs and holiday activities only."),
    "consent_not_given": ("Parent declined support for now.", "Family did not want a service.",
                          "No consent after three attempts to contact."),
    "not_a_young_carer": ("Caring role is age-appropriate; signposted.", "Not a young carer after visit."),
    "moved_away": ("Family moved out of Kent; details passed on.", "Moved out of area."),
    "disengaged": ("No response to calls or letters.", "Did not engage after several attempts."),
    "aged_out": ("Turned 25; passed to adult carers' service.", "Transition completed to adult services."),
    "transferred": ("Transferred to social care (child in need).", "Transferred to another service."),
    "other": ("Closed at the family's request.",),
}
SECTIONS = (
    ("care_provided", ("Helps with {tasks}.", "Does {tasks} most days.")),
    ("reliance", ("Family relies on them most evenings.", "Other adult helps at weekends only.",
                  "Sole carer when the other parent is at work.")),
    ("impact", ("Tired at school; worries about {rel}.", "Has stopped seeing friends after school.",
                "Copes well but has little time for themself.", "Attendance has dropped this term.")),
    ("excessive_tasks", ("Some personal care; not appropriate for their age.", "None found excessive.",
                         "Giving medication unsupervised; discussed with parent.")),
    ("wishes", ("Wants time with friends and a break.", "Would like help with homework.",
                "Wants to understand {rel}'s condition better.", "Wants to go to a club.")),
    ("education", ("In school full time.", "At college; part-time job at weekends.",
                   "Attendance 84%; school aware.", "Not in education or work; wants an apprenticeship.")),
)
PLAN_ACTIONS = (
    ("Join the district club", "Worker", 1.0),
    ("Register with Kooth for online support", "Carer", 0.5),
    ("Meet the school's Young Carer Champion about homework deadlines", "School", 0.8),
    ("Apply for a young carer ID card", "Worker", 0.6),
    ("Ask adult social care for a carer's assessment for the parent", "Worker", 0.5),
    ("Fortnightly 1:1 sessions for six weeks", "Worker", 0.0),
    ("Apply for a bus pass for clubs", "Worker", 0.3),
    ("Invite to holiday activities", "Worker", 0.6),
    ("Information session about the cared-for person's condition", "Worker", 0.4),
    ("Check free school meals entitlement with the family", "Parent", 0.3),
)
HAPPY_COMMENTS = ("Really helped to have someone to talk to.", "Loved the club.",
                  "Wish sessions were more often.", "School understands more now.",
                  "Took a long time to get a visit.", "Made new friends who get it.")
UNHAPPY_COMMENTS = ("Didn't feel it changed much.", "Too many cancelled visits.")
CORE_SECTIONS = ("care_provided", "impact", "wishes", "education")
OUTCOMES = tuple(f"OUT0{i}" for i in range(1, 10))
RATINGS = ("improved", "no_change", "worse", "not_applicable")
RATING_WEIGHTS = (70, 21, 3, 6)
CONTACT_NOTES = {
    "one_to_one": ("1:1 at school; talked about stress and sleep.", "1:1 walk and talk; coping better.",
                   "Worked on a plan for exam weeks.", "Talked about friendships."),
    "phone_call": ("Called parent to arrange visit.", "Phoned carer to check in.",
                   "Spoke to school about attendance."),
    "school_visit": ("Met with Young Carer Champion.", "Saw carer at school with head of year."),
    "home_visit": ("Home visit with family.", "Home visit; assessment conversation."),
    "note": ("Letter sent about holiday activities.", "Emailed school with consent.",
             "Club place confirmed."),
}

SURNAMES = ("Harper", "Okoye", "Bennett", "Singh", "Patel", "Walsh", "Reeves", "Mensah", "Kowalska",
            "Lambert", "Ahmed", "Doyle", "Fraser", "Turner", "Hussain", "Marsh", "Quinn", "Nolan")
