"""Kent's twelve districts, their towns and postcodes, schools, venues and the service's workers.

Phone numbers are from Ofcom's ranges reserved for drama (01632 960xxx, 07700 900xxx), so no
demo number rings a real phone.
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random


@dataclass(frozen=True)
class DistrictInfo:
    name: str
    weight: float  # share of the county's young carers
    towns: tuple[str, ...]
    postcodes: tuple[str, ...]
    tilt: dict[str, float]  # multipliers on names.BASE_MIX for this district's communities


DISTRICTS: tuple[DistrictInfo, ...] = (
    DistrictInfo("Ashford", 8.5, ("Ashford", "Tenterden", "Kennington", "Willesborough"),
                 ("TN23", "TN24", "TN25", "TN26", "TN30"),
                 {"eastern_european": 1.3, "south_asian_other": 2.5}),
    DistrictInfo("Canterbury", 9.0, ("Canterbury", "Herne Bay", "Whitstable", "Sturry"),
                 ("CT1", "CT2", "CT3", "CT5", "CT6"), {"chinese": 2.5, "other": 1.5}),
    DistrictInfo("Dartford", 7.0, ("Dartford", "Swanscombe", "Greenhithe", "Stone"),
                 ("DA1", "DA2", "DA9", "DA10"), {"black_african": 3.5, "indian": 2.0, "mixed": 1.5,
                                                "caribbean": 2.0, "british": 0.75}),
    DistrictInfo("Dover", 7.5, ("Dover", "Deal", "Sandwich", "Aylesham"),
                 ("CT13", "CT14", "CT15", "CT16", "CT17"), {"other": 2.0, "british": 1.05}),
    DistrictInfo("Folkestone and Hythe", 7.0, ("Folkestone", "Hythe", "New Romney", "Lydd"),
                 ("CT18", "CT19", "CT20", "CT21", "TN28", "TN29"), {"south_asian_other": 3.0}),
    DistrictInfo("Gravesham", 6.5, ("Gravesend", "Northfleet", "Meopham", "Higham"),
                 ("DA11", "DA12", "DA13"), {"indian": 6.0, "black_african": 2.0, "roma": 1.5,
                                            "british": 0.8, "pakistani": 1.5}),
    DistrictInfo("Maidstone", 10.0, ("Maidstone", "Shepway", "Park Wood", "Headcorn", "Marden"),
                 ("ME14", "ME15", "ME16", "ME17"), {"eastern_european": 1.8, "traveller": 1.5, "roma": 1.4}),
    DistrictInfo("Sevenoaks", 6.0, ("Sevenoaks", "Swanley", "Edenbridge", "Westerham"),
                 ("TN13", "TN14", "TN15", "TN8", "BR8"), {"traveller": 2.0, "british": 1.05}),
    DistrictInfo("Swale", 10.5, ("Sittingbourne", "Sheerness", "Faversham", "Minster"),
                 ("ME10", "ME11", "ME12", "ME13"), {"eastern_european": 1.4, "roma": 1.5, "british": 1.05}),
    DistrictInfo("Thanet", 12.0, ("Margate", "Ramsgate", "Broadstairs", "Birchington", "Cliftonville"),
                 ("CT7", "CT9", "CT10", "CT11", "CT12"),
                 {"eastern_european": 1.8, "roma": 2.5, "other": 1.5}),
    DistrictInfo("Tonbridge and Malling", 7.5, ("Tonbridge", "West Malling", "Snodland", "Larkfield"),
                 ("TN9", "TN10", "TN11", "ME6", "ME19", "ME20"), {"traveller": 1.6, "british": 1.05}),
    DistrictInfo("Tunbridge Wells", 6.5, ("Tunbridge Wells", "Southborough", "Paddock Wood", "Cranbrook"),
                 ("TN1", "TN2", "TN3", "TN4", "TN12", "TN17"), {"british": 1.05, "chinese": 1.5}),
)

STREETS = (
    "Station Road", "High Street", "Church Lane", "Victoria Road", "Mill Lane", "Park Avenue",
    "Queens Road", "London Road", "Orchard Close", "The Crescent", "Manor Road", "Hop Garden Way",
    "Cherry Tree Walk", "Beacon Road", "Oast Court", "Marine Parade", "Harbour Street", "Downs Road",
    "Meadow View", "Chapel Street", "Albert Road", "Nelson Avenue", "Windmill Rise", "Kingsdown Close",
    "Elm Grove", "Fairview Gardens", "Saxon Way", "Cliff Terrace", "Ashdown Close", "Poplar Drive",
    "Holly Bank", "Brook Street", "Wellington Place", "Greenfield Road", "Hawthorn Avenue",
)

SCHOOL_WORDS = ("Oakfield", "Hillview", "Meadowbank", "Brookside", "St Peter's CofE", "Holy Trinity",
                "St Mary's Catholic", "Riverside", "Westlands", "Downs View", "Cherry Orchard",
                "Seaview", "Beechwood", "Elmstead", "Chalk Hill", "Woodlands", "Parkside", "Sandgate")
SECONDARY_WORDS = ("Academy", "High School", "Grammar School", "School", "Community College")
VENUES = ("Youth Centre", "Community Hall", "Family Hub", "Library meeting room", "Scout Hut",
          "Leisure Centre studio", "Methodist Church Hall")
CHAMPION_TITLES = ("Mrs", "Mr", "Ms", "Miss")

# The service's workers: fictional names.
WORKER_NAMES = (
    "Joanne Fairbrass", "Marcus Ellingham", "Priya Sandhu", "Kirsty Bellingham", "Dominic Ashworth",
    "Tunde Adebisi", "Gemma Hollowell", "Callum Treharne", "Agnieszka Nowicka", "Rebecca Whitlock",
    "Imran Qadir", "Laura Pennycott",
)


def phone(rng: Random, mobile: bool = True) -> str:
    if mobile:
        return f"07700 900{rng.randrange(1000):03d}"
    return f"01632 960{rng.randrange(1000):03d}"


def postcode(rng: Random, district: DistrictInfo) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    outward = rng.choice(district.postcodes)
    return f"{outward} {rng.randrange(1, 10)}{rng.choice(letters)}{rng.choice(letters)}"


def address(rng: Random, town: str) -> str:
    return f"{rng.randrange(1, 140)} {rng.choice(STREETS)}, {town}"
