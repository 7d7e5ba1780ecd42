"""The demo's reporting settings (issue 18): Kent's four areas grouping the twelve districts, and a
narrative for the quarter the return is usually due for (the last full quarter), written as a worker
would: case studies with made-up first names only, and youth voice. It passes the narrative check
(no first and last name, date of birth or ref of anyone on the caseload)."""

from __future__ import annotations

from ycworker.common.periods import previous_quarter
from ycworker.demo.base import Demo
from ycworker.returns.areas import link_id
from ycworker.returns.narrative import narrative_id

#: Kent's four areas (the Early Help areas the county's commissioning officers cover).
AREAS = {
    "North Kent": ("Dartford", "Gravesham", "Sevenoaks"),
    "East Kent": ("Canterbury", "Swale", "Thanet"),
    "South Kent": ("Ashford", "Dover", "Folkestone and Hythe"),
    "West Kent": ("Maidstone", "Tonbridge and Malling", "Tunbridge Wells"),
}

NARRATIVE = """## Case study: "Mia" (not her real name), 13

Mia cares for her mum, who has MS, and for her younger brother after school. She was referred by her
school in the spring, when her attendance had dropped and she was falling asleep in lessons. Her
worker helped her and her mum make a plan for mornings, and Mia now goes to the district Chill Club
each month. Her head of year says she is "back to herself" and her attendance is above 95%.

## Case study: "Tyler" (not his real name), 16

Tyler looks after his dad, who has a long-term illness. He wanted to stay on at college but worried
about leaving his dad alone. With his worker he talked to the college's young carers champion, who
arranged a later start on two days. He has a bus pass through the service and started his course in
September.

## Youth voice

- "I didn't know other people had to do this too. Now I have friends who get it." (young carer, 12)
- "The club is the one night I don't have to think about home." (young carer, 14)
- "My worker listened and didn't make me feel like a problem." (young carer, 17)
"""


def areas_and_narrative(demo: Demo, district_ids: dict[str, str]) -> None:
    """Queue the areas, each district's area and the last full quarter's narrative."""
    opened = demo.today.replace(day=1)
    for name, districts in AREAS.items():
        area_id = demo.add("area", opened, {"name": name})
        for district in districts:
            if district in district_ids:
                demo.add("area_district", opened, {"id": link_id(district_ids[district]),
                                                   "district_id": district_ids[district], "area_id": area_id})
    label = previous_quarter(demo.today).label
    demo.add("return_narrative", demo.today, {"id": narrative_id(label), "label": label, "text": NARRATIVE,
                                             "confirmed_names": "", "updated_by_id": None,
                                             "saved_at": demo.stamp(demo.today)})
