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

# (first, last, country, category, sex, language, interpretation into, listed in the report,
#  minutes attended or None for absent): enough variety for the report's statistics.
FICTIONAL_PARTICIPANTS = [
    ("Amina", "Example", "NE", "national_government", "female", "fr", "", True, 170),
    ("Moussa", "Sample", "ML", "national_government", "male", "fr", "", True, 150),
    ("Fatima", "Placeholder", "TD", "local_government", "female", "ar", "fr", False, 95),
    ("Ibrahim", "Specimen", "BF", "rec", "male", "fr", "", True, None),
    ("Aïcha", "Fictive", "MR", "au_commission", "female", "ar", "en", True, 180),
    ("Omar", "Démo", "SD", "international_org", "undisclosed", "ar", "en", False, 60),
    ("Leila", "Exemple", "EG", "national_government", "female", "ar", "", True, 120),
    ("Claire", "Sample", "CH", "development_partner", "female", "en", "fr", True, None),
]

# --- Draft report (reports app): findings and recommendations drafted from the concept note's
# objectives, in English, French and Arabic. Drafts for the demo, to be rewritten by rapporteurs.

# Illustrative: the ten countries of the UN integrated strategy for the Sahel, with Algeria,
# Libya and Sudan for the Sahara; organisers edit the list on the report.
REPORT_REGION_COUNTRIES = [
    "BF",
    "CM",
    "TD",
    "GM",
    "GN",
    "ML",
    "MR",
    "NE",
    "NG",
    "SN",
    "DZ",
    "LY",
    "SD",
]

REPORT = {
    "title": {
        "en": "Leaving No One Behind: Mainstreaming Migration in National Development Policies "
        "in the Sahel and Sahara Region — Summary Report (draft)",
        "fr": "Ne laisser personne de côté : intégrer la migration dans les politiques nationales "
        "de développement au Sahel et au Sahara — Rapport de synthèse (projet)",
        "ar": "عدم ترك أحد خلف الركب: إدماج الهجرة في سياسات التنمية الوطنية في منطقة الساحل "
        "والصحراء — تقرير موجز (مسودة)",
    },
    "executive_summary": {
        "en": "Participants agreed that migration must be mainstreamed at every stage of the "
        "national development process, at national and local levels. They identified legal, "
        "policy and institutional gaps and proposed concrete recommendations to national "
        "governments, the African Union Commission, regional economic communities and partners.",
        "fr": "Les participants ont convenu que la migration doit être intégrée à chaque étape du "
        "processus national de développement, aux niveaux national et local. Ils ont relevé des "
        "lacunes juridiques, politiques et institutionnelles et proposé des recommandations "
        "concrètes aux gouvernements, à la Commission de l'Union africaine, aux communautés "
        "économiques régionales et aux partenaires.",
        "ar": "اتفق المشاركون على ضرورة إدماج الهجرة في كل مراحل عملية التنمية الوطنية، على "
        "المستويين الوطني والمحلي. وحددوا ثغرات قانونية وسياساتية ومؤسسية، واقترحوا توصيات "
        "عملية للحكومات الوطنية ومفوضية الاتحاد الأفريقي والمجموعات الاقتصادية الإقليمية والشركاء.",
    },
    # English background and objectives come from the event (the concept note).
    "background": {
        "fr": "Migration et développement peuvent se renforcer mutuellement. Conscients du "
        "caractère propre au contexte des moteurs de la migration dans la région et des défis "
        "croissants de développement et de sécurité (conflits, terrorisme, changement climatique "
        "et, plus récemment, COVID-19), les débats ont souligné la nécessité d'intégrer "
        "systématiquement la migration à toutes les étapes du processus national de "
        "développement, aux niveaux national et local.",
        "ar": "يمكن للهجرة والتنمية أن تعزز كل منهما الأخرى. وإدراكاً للطابع الخاص بسياق دوافع "
        "الهجرة في المنطقة وللتحديات التنموية والأمنية المتزايدة (النزاعات والإرهاب وتغير "
        "المناخ ومؤخراً كوفيد-19)، سلطت المناقشات الضوء على ضرورة إدماج الهجرة بصورة منهجية "
        "في جميع مراحل عملية التنمية الوطنية على المستويين الوطني والمحلي.",
    },
    "objectives": {
        "fr": "Identifier les défis juridiques, politiques et institutionnels de l'intégration "
        "de la migration dans la planification nationale.\n"
        "Formuler des recommandations concrètes pour mettre en œuvre les cadres internationaux "
        "et continentaux.\n"
        "Éclairer la planification, la mise en œuvre et l'évaluation de programmes innovants.",
        "ar": "تحديد التحديات القانونية والسياساتية والمؤسسية لإدماج الهجرة في التخطيط الوطني.\n"
        "صياغة توصيات عملية لتنفيذ الأطر الدولية والقارية.\n"
        "الإسهام في تخطيط البرامج المبتكرة وتنفيذها وتقييمها.",
    },
    "conclusions": {
        "en": "Mainstreaming migration is a whole-of-government task that needs data, "
        "coordination mechanisms and predictable financing.",
        "fr": "L'intégration de la migration est une tâche de l'ensemble du gouvernement qui "
        "exige des données, des mécanismes de coordination et un financement prévisible.",
        "ar": "إدماج الهجرة مهمة تخص الحكومة بأكملها وتتطلب بيانات وآليات تنسيق وتمويلاً "
        "يمكن التنبؤ به.",
    },
    "next_steps": {
        "en": "Share this report with national focal points; follow up at the next workshop of "
        "the series.",
        "fr": "Partager ce rapport avec les points focaux nationaux ; en assurer le suivi lors du "
        "prochain atelier de la série.",
        "ar": "مشاركة هذا التقرير مع نقاط الاتصال الوطنية، ومتابعته في الورشة المقبلة من السلسلة.",
    },
}

# (session index in AGENDA, {language: key points, one per line})
REPORT_SESSION_SUMMARIES = [
    (
        1,
        {
            "en": "Migration is rarely costed in national development plans.\n"
            "Ministries lack a shared mandate on migration and development.",
            "fr": "La migration est rarement chiffrée dans les plans nationaux de développement.\n"
            "Les ministères n'ont pas de mandat commun sur migration et développement.",
            "ar": "نادراً ما تُحتسب تكاليف الهجرة في خطط التنمية الوطنية.\n"
            "تفتقر الوزارات إلى ولاية مشتركة بشأن الهجرة والتنمية.",
        },
    ),
    (
        2,
        {
            "en": "The Global Compact and the 2030 Agenda give a common language for planning.",
            "fr": "Le Pacte mondial et le Programme 2030 offrent un langage commun de "
            "planification.",
            "ar": "يوفر الاتفاق العالمي وخطة 2030 لغة مشتركة للتخطيط.",
        },
    ),
]

# (challenge type, programme area, session index or None, {language: text})
REPORT_FINDINGS = [
    (
        "legal",
        "services",
        1,
        {
            "en": "Legal frameworks do not always guarantee migrants' access to basic services.",
            "fr": "Les cadres juridiques ne garantissent pas toujours l'accès des migrants aux "
            "services de base.",
            "ar": "لا تضمن الأطر القانونية دائماً وصول المهاجرين إلى الخدمات الأساسية.",
        },
    ),
    (
        "policy",
        "drivers",
        1,
        {
            "en": "Development plans seldom address conflict, climate change and COVID-19 as "
            "drivers of migration.",
            "fr": "Les plans de développement traitent rarement les conflits, le changement "
            "climatique et la COVID-19 comme moteurs de la migration.",
            "ar": "نادراً ما تتناول خطط التنمية النزاعات وتغير المناخ وكوفيد-19 بوصفها دوافع "
            "للهجرة.",
        },
    ),
    (
        "institutional",
        "governance",
        2,
        {
            "en": "Coordination between national ministries and local government is weak.",
            "fr": "La coordination entre les ministères et les collectivités locales est faible.",
            "ar": "التنسيق بين الوزارات الوطنية والحكومات المحلية ضعيف.",
        },
    ),
    (
        "operational",
        "reintegration",
        4,
        {
            "en": "Reintegration programmes for returnees are short-term and under-funded.",
            "fr": "Les programmes de réintégration des rapatriés sont de courte durée et "
            "sous-financés.",
            "ar": "برامج إعادة إدماج العائدين قصيرة الأمد وتعاني من نقص التمويل.",
        },
    ),
]

# (addressee, stage, level, SDG target, GCM objective, priority, {language: text})
REPORT_RECOMMENDATIONS = [
    (
        "national_governments",
        "assessment",
        "national",
        "17.18",
        1,
        1,
        {
            "en": "Collect and use disaggregated migration data in national situation assessments.",
            "fr": "Collecter et utiliser des données ventilées sur la migration dans les "
            "diagnostics nationaux.",
            "ar": "جمع بيانات مصنفة عن الهجرة واستخدامها في تقييمات الوضع الوطنية.",
        },
    ),
    (
        "national_governments",
        "planning",
        "national",
        "10.7",
        23,
        1,
        {
            "en": "Set up an inter-ministerial mechanism on migration and development.",
            "fr": "Créer un mécanisme interministériel sur la migration et le développement.",
            "ar": "إنشاء آلية مشتركة بين الوزارات للهجرة والتنمية.",
        },
    ),
    (
        "local_governments",
        "implementation",
        "local",
        "11.3",
        15,
        2,
        {
            "en": "Give local governments the mandate and budget to deliver services to migrants.",
            "fr": "Donner aux collectivités locales le mandat et le budget pour fournir des "
            "services aux migrants.",
            "ar": "منح الحكومات المحلية الولاية والميزانية لتقديم الخدمات للمهاجرين.",
        },
    ),
    (
        "auc",
        "goals",
        "continental",
        "",
        23,
        2,
        {
            "en": "Align national priorities with the Migration Policy Framework for Africa.",
            "fr": "Aligner les priorités nationales sur le Cadre de politique migratoire pour "
            "l'Afrique.",
            "ar": "مواءمة الأولويات الوطنية مع إطار سياسة الهجرة لأفريقيا.",
        },
    ),
    (
        "recs",
        "capacity",
        "regional",
        "10.7",
        21,
        2,
        {
            "en": "Pool training on reintegration of returnees across member states.",
            "fr": "Mutualiser les formations sur la réintégration des rapatriés entre États "
            "membres.",
            "ar": "تجميع التدريب على إعادة إدماج العائدين بين الدول الأعضاء.",
        },
    ),
    (
        "international_partners",
        "evaluation",
        "national",
        "17.18",
        1,
        3,
        {
            "en": "Fund joint evaluations of migration-related development programmes.",
            "fr": "Financer des évaluations conjointes des programmes de développement liés à "
            "la migration.",
            "ar": "تمويل تقييمات مشتركة لبرامج التنمية المتصلة بالهجرة.",
        },
    ),
]

# French and Arabic versions of the demo's content texts, keyed by the English text, so that
# the demo shows the site in each reader's language (and its visible fallback where a text,
# such as the concept, is left in English on purpose).
CONTENT_TRANSLATIONS = {
    "Mainstreaming Migration in National Development Policies": {
        "fr": "Intégrer la migration dans les politiques nationales de développement",
        "ar": "إدماج الهجرة في سياسات التنمية الوطنية",
    },
    "Mainstreaming Migration in National Development Policies in North Africa": {
        "fr": "Intégrer la migration dans les politiques nationales de développement en "
        "Afrique du Nord",
        "ar": "إدماج الهجرة في سياسات التنمية الوطنية في شمال أفريقيا",
    },
    "Leaving No One Behind: Mainstreaming Migration in National Development Policies in the "
    "Sahel and Sahara Region": {
        "fr": "Ne laisser personne de côté : intégrer la migration dans les politiques "
        "nationales de développement dans la région du Sahel et du Sahara",
        "ar": "عدم ترك أحد خلف الركب: إدماج الهجرة في سياسات التنمية الوطنية في منطقة "
        "الساحل والصحراء",
    },
    "Migration, Climate and Development in the Sahel: Follow-up Webinar (demo)": {
        "fr": "Migration, climat et développement au Sahel : webinaire de suivi (démonstration)",
        "ar": "الهجرة والمناخ والتنمية في منطقة الساحل: ندوة متابعة عبر الإنترنت (تجريبية)",
    },
    "The first workshop of the series, for national and local government officials of North "
    "Africa working on migration and development.": {
        "fr": "Le premier atelier de la série, destiné aux responsables des administrations "
        "nationales et locales d'Afrique du Nord chargés de la migration et du développement.",
        "ar": "الورشة الأولى من السلسلة، موجهة إلى مسؤولي الحكومات الوطنية والمحلية في شمال "
        "أفريقيا العاملين في مجال الهجرة والتنمية.",
    },
    "The second workshop of the series, for government officials of the Sahel and Sahara "
    "region, the African Union Commission, regional economic communities and international "
    "partners.": {
        "fr": "Le deuxième atelier de la série, destiné aux responsables gouvernementaux de la "
        "région du Sahel et du Sahara, à la Commission de l'Union africaine, aux communautés "
        "économiques régionales et aux partenaires internationaux.",
        "ar": "الورشة الثانية من السلسلة، موجهة إلى المسؤولين الحكوميين في منطقة الساحل "
        "والصحراء ومفوضية الاتحاد الأفريقي والمجموعات الاقتصادية الإقليمية والشركاء الدوليين.",
    },
    "A demonstration webinar, 30 days from when the demo data was loaded, with registration "
    "open.": {
        "fr": "Un webinaire de démonstration, 30 jours après le chargement des données de "
        "démonstration, avec les inscriptions ouvertes.",
        "ar": "ندوة تجريبية عبر الإنترنت بعد 30 يومًا من تحميل البيانات التجريبية، والتسجيل "
        "فيها مفتوح.",
    },
    "North Africa": {"fr": "Afrique du Nord", "ar": "شمال أفريقيا"},
    "Sahel and Sahara": {"fr": "Sahel et Sahara", "ar": "الساحل والصحراء"},
    "Opening remarks by the organisers": {
        "fr": "Allocutions d'ouverture des organisateurs",
        "ar": "كلمات افتتاحية للجهات المنظمة",
    },
    "Challenges: legal, policy and institutional obstacles to mainstreaming migration": {
        "fr": "Défis : obstacles juridiques, politiques et institutionnels à l'intégration de "
        "la migration",
        "ar": "التحديات: العقبات القانونية والسياساتية والمؤسسية أمام إدماج الهجرة",
    },
    "Frameworks and cooperation: the 2030 Agenda, the Global Compact and continental policy": {
        "fr": "Cadres et coopération : le Programme 2030, le Pacte mondial et les politiques "
        "continentales",
        "ar": "الأطر والتعاون: خطة عام 2030 والاتفاق العالمي والسياسات القارية",
    },
    "Break": {"fr": "Pause", "ar": "استراحة"},
    "Working group: services to migrants": {
        "fr": "Groupe de travail : services aux migrants",
        "ar": "فريق عمل: الخدمات المقدمة للمهاجرين",
    },
    "Working group: reintegration of returnees": {
        "fr": "Groupe de travail : réintégration des migrants de retour",
        "ar": "فريق عمل: إعادة إدماج العائدين",
    },
    "Working group: diaspora engagement": {
        "fr": "Groupe de travail : mobilisation de la diaspora",
        "ar": "فريق عمل: إشراك المغتربين",
    },
    "Working group: community stabilisation and peacebuilding": {
        "fr": "Groupe de travail : stabilisation communautaire et consolidation de la paix",
        "ar": "فريق عمل: تحقيق الاستقرار المجتمعي وبناء السلام",
    },
    "Closing and next steps": {
        "fr": "Clôture et prochaines étapes",
        "ar": "الختام والخطوات التالية",
    },
}
