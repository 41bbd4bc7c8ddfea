"""Demo content from the concept note, used by ``manage.py seed_demo``.

The concept note dates only the second workshop (12 August 2020); the North Africa workshop's
date and both agendas' times are illustrative. Every participant is fictional: their addresses
use the reserved example.org domain and their organisations say "(fictional)".
"""

from __future__ import annotations

import datetime as dt

SERIES = {
    "slug": "mainstreaming-migration",
    "title": "Mainstreaming Migration in National Development Policies",
    "description": (
        "A series of workshops on mainstreaming migration in national development policies, "
        "organised by the Cairo International Centre for Conflict Resolution, Peacekeeping and "
        "Peacebuilding (CCCPA) in cooperation with the International Organization for Migration "
        "(IOM), with the support of the Swiss Confederation."
    ),
}

ORGANISERS = [
    ("Cairo International Centre for Conflict Resolution, Peacekeeping and Peacebuilding", "CCCPA"),
    ("International Organization for Migration", "IOM"),
]
PARTNERS = [("Swiss Confederation", "")]

SAHEL_DESCRIPTION = (
    "Migration and development can be mutually reinforcing. While development is an important "
    "factor in shaping migration decisions and outcomes, safe, orderly, and regular migration in "
    "an enabling environment enhances countries' ability to achieve their developmental goals.\n\n"
    "Mindful of the context-specific nature of drivers of migration in the region and the growing "
    "developmental and security challenges it faces (conflict, terrorism, climate change, and more "
    "recently COVID-19), discussions will shed light on the imperative for systematically "
    "mainstreaming migration at all stages of the national development process (situation "
    "assessment, setting strategic goals and national priorities, planning, capacity building and "
    "financing, implementation, and evaluation) on both the national and local levels."
)

SAHEL_OBJECTIVES = "\n".join(
    [
        "Identify the legal, policy and institutional challenges faced by Sahel and Sahara "
        "countries in mainstreaming migration in national planning.",
        "Develop concrete recommendations to strengthen the implementation of relevant migration "
        "and development international and continental frameworks, and to enhance regional and "
        "international cooperation.",
        "Inform the planning, implementation and evaluation of innovative and sustainable "
        "programmes: services to migrants, reintegration of returnees, diaspora engagement, and "
        "community stabilisation and peacebuilding.",
    ]
)

EVENTS = [
    {
        "slug": "north-africa",
        "title": "Mainstreaming Migration in National Development Policies in North Africa",
        "region": "North Africa",
        "summary": "The first workshop of the series, for national and local government "
        "officials of North Africa working on migration and development.",
        "description": "The first workshop focused on mainstreaming migration in development "
        "policies in North Africa. It brought together national and local government officials "
        "working on migration and development.",
        "objectives": "",
        # Not dated in the concept note: an illustrative date before the second workshop.
        "start": dt.datetime(2020, 7, 15, 10, 0),
        "hours": 3,
        "time_zone": "Africa/Cairo",
    },
    {
        "slug": "sahel-sahara-2020",
        "title": "Leaving No One Behind: Mainstreaming Migration in National Development "
        "Policies in the Sahel and Sahara Region",
        "region": "Sahel and Sahara",
        "summary": "The second workshop of the series, for government officials of the Sahel and "
        "Sahara region, the African Union Commission, regional economic communities and "
        "international partners.",
        "description": SAHEL_DESCRIPTION,
        "objectives": SAHEL_OBJECTIVES,
        "start": dt.datetime(2020, 8, 12, 10, 0),
        "hours": 3,
        "time_zone": "Africa/Cairo",
    },
]

UPCOMING = {
    "slug": "demo-upcoming",
    "title": "Migration, Climate and Development in the Sahel: Follow-up Webinar (demo)",
    "region": "Sahel and Sahara",
    "summary": "A demonstration webinar, 30 days from when the demo data was loaded, with "
    "registration open.",
    "description": SAHEL_DESCRIPTION,
    "objectives": SAHEL_OBJECTIVES,
    "hours": 3,
    "time_zone": "Africa/Cairo",
    "capacity": 100,
}

# (minutes from the start, minutes long, kind, title)
AGENDA = [
    (0, 20, "opening", "Opening remarks by the organisers"),
    (20, 40, "panel", "Challenges: legal, policy and institutional obstacles to mainstreaming"),
    (60, 40, "panel", "Frameworks: the 2030 Agenda, the Global Compact and continental policy"),
    (100, 10, "break", "Break"),
    (110, 45, "working_group", "Programmes: services to migrants, returnees and the diaspora"),
    (155, 15, "closing", "Closing and next steps"),
]

FICTIONAL_PARTICIPANTS = [
    ("Amina", "Example", "NE", "national_government"),
    ("Moussa", "Sample", "ML", "national_government"),
    ("Fatima", "Placeholder", "TD", "local_government"),
    ("Ibrahim", "Specimen", "BF", "rec"),
    ("Aïcha", "Fictive", "MR", "au_commission"),
    ("Omar", "Démo", "SD", "international_org"),
    ("Leila", "Exemple", "EG", "national_government"),
    ("Claire", "Sample", "CH", "development_partner"),
]
