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

# Fictional people for the demo agendas: names are invented; organisations say "(fictional)"
# unless the person represents an organiser of the series. Emails use the reserved domain.
# key: (honorific, name, position, organisation, country, bio)
PEOPLE = {
    "cccpa": (
        "Amb.",
        "Samira Exemple",
        "Director (fictional representative)",
        "CCCPA",
        "EG",
        "A fictional diplomat who has worked on peacebuilding and migration governance in the "
        "Sahel and the Horn of Africa. Demo data.",
    ),
    "iom": (
        "Ms",
        "Hélène Specimen",
        "Regional Director (fictional representative)",
        "IOM",
        "SN",
        "A fictional migration and development specialist with twenty years of field work "
        "in West and Central Africa. Demo data.",
    ),
    "swiss": (
        "Mr",
        "Lukas Beispiel",
        "Programme Officer (fictional)",
        "Swiss development cooperation (fictional)",
        "CH",
        "A fictional programme officer for migration and protection in North Africa. Demo data.",
    ),
    "au": (
        "Dr",
        "Kwame Placeholder",
        "Senior Policy Officer, Migration (fictional)",
        "African Union Commission (fictional)",
        "ET",
        "A fictional policy officer following the Migration Policy Framework for Africa. "
        "Demo data.",
    ),
    "niger": (
        "Mr",
        "Issoufou Démo",
        "Director of Planning (fictional)",
        "Ministry of Planning (fictional)",
        "NE",
        "A fictional planner who led a national development plan's migration chapter. Demo data.",
    ),
    "mali": (
        "Ms",
        "Mariam Sample",
        "Head of Diaspora Affairs (fictional)",
        "Ministry of Malians Abroad (fictional)",
        "ML",
        "A fictional official working on diaspora investment and skills transfer. Demo data.",
    ),
    "chad": (
        "Mr",
        "Abakar Fictif",
        "Mayor (fictional)",
        "Municipality of a border town (fictional)",
        "TD",
        "A fictional mayor of a town that receives returnees and displaced people. Demo data.",
    ),
    "ecowas": (
        "Dr",
        "Adama Exemplaire",
        "Free Movement Adviser (fictional)",
        "Regional economic community (fictional)",
        "NG",
        "A fictional adviser on free movement protocols and labour mobility. Demo data.",
    ),
    "academic": (
        "Prof.",
        "Nadia Modèle",
        "Professor of Development Studies (fictional)",
        "University (fictional)",
        "MA",
        "A fictional researcher on climate change, conflict and mobility. Demo data.",
    ),
    "egypt": (
        "Ms",
        "Yasmine Mithal",
        "Migration Policy Adviser (fictional)",
        "Ministry of Emigration (fictional)",
        "EG",
        "A fictional adviser on services to migrants and returnees. Demo data.",
    ),
}

# (minutes from the start, minutes long, kind, title, description, [(person key, role)])
# The four working groups run in parallel breakout rooms: their overlap is intended.
AGENDA = [
    (
        0,
        20,
        "opening",
        "Opening remarks by the organisers",
        "Welcome by the convening centre and IOM, with the support of the Swiss Confederation.",
        [("cccpa", "speaker"), ("iom", "speaker"), ("swiss", "speaker"), ("au", "moderator")],
    ),
    (
        20,
        35,
        "panel",
        "Challenges: legal, policy and institutional obstacles to mainstreaming migration",
        "Objective 1 of the concept note: the challenges countries face in mainstreaming "
        "migration at each stage of national and local development planning.",
        [("au", "moderator"), ("niger", "speaker"), ("chad", "speaker"), ("egypt", "rapporteur")],
    ),
    (
        55,
        35,
        "panel",
        "Frameworks and cooperation: the 2030 Agenda, the Global Compact and continental policy",
        "Objective 2 of the concept note: recommendations to implement international and "
        "continental frameworks and to strengthen regional and international cooperation.",
        [
            ("iom", "moderator"),
            ("ecowas", "speaker"),
            ("academic", "discussant"),
            ("mali", "rapporteur"),
        ],
    ),
    (90, 10, "break", "Break", "", []),
    (
        100,
        45,
        "working_group",
        "Working group: services to migrants",
        "Programme area: access to services for migrants in countries of transit and destination.",
        [("egypt", "chair"), ("niger", "rapporteur")],
    ),
    (
        100,
        45,
        "working_group",
        "Working group: reintegration of returnees",
        "Programme area: sustainable reintegration, including at the local level.",
        [("chad", "chair"), ("ecowas", "rapporteur")],
    ),
    (
        100,
        45,
        "working_group",
        "Working group: diaspora engagement",
        "Programme area: diaspora investment, skills and remittances for development.",
        [("mali", "chair"), ("swiss", "rapporteur")],
    ),
    (
        100,
        45,
        "working_group",
        "Working group: community stabilisation and peacebuilding",
        "Programme area: drivers of migration (conflict, terrorism, climate change, COVID-19).",
        [("academic", "chair"), ("au", "rapporteur")],
    ),
    (
        150,
        30,
        "closing",
        "Closing and next steps",
        "Reports from the working groups, recommendations and the next workshop of the series.",
        [("cccpa", "chair"), ("iom", "speaker")],
    ),
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
