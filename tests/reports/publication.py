# ruff: noqa: E501 (sentences of the fixture are kept whole, one per line)
"""A report of believable size for looking at the PDF as its readers would (fictional people).

About 120 participants from 14 countries, every category, 10 findings and 12 recommendations
across addressees, stages and levels, all in English, French and Arabic, organisers and partners
with logos. Built with the factories; used by the publication tests and to render the pages.
"""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.base import ContentFile

from registration.models import Category, Registration
from tests.factories import (
    EventFactory,
    FindingFactory,
    RecommendationFactory,
    RegistrationFactory,
    ReportFactory,
    SeriesFactory,
    SessionFactory,
    SessionSummaryFactory,
)
from webinar.models import Organisation

# Egypt and Chad/Switzerland: French sorts "Égypte" before "Suisse" and "Tchad" only by collation.
COUNTRIES = [
    ("NE", 14),
    ("ML", 13),
    ("TD", 12),
    ("BF", 11),
    ("MR", 10),
    ("SN", 9),
    ("NG", 9),
    ("SD", 8),
    ("EG", 8),
    ("LY", 7),
    ("DZ", 6),
    ("MA", 6),
    ("CH", 4),
    ("GM", 3),
]
REGION = ["NE", "ML", "TD", "BF", "MR", "SN", "NG", "SD", "LY", "DZ", "EG", "MA", "GM", "CM", "ER"]

FINDINGS = [
    (
        "legal",
        "Laws on residence and work leave migrants outside national health and education services.",
        "Les lois sur le séjour et le travail laissent les migrants hors des services nationaux de santé et d'éducation.",
        "تترك قوانين الإقامة والعمل المهاجرين خارج الخدمات الوطنية للصحة والتعليم.",
    ),
    (
        "legal",
        "Few countries of the region have transposed the free movement protocols into national law.",
        "Peu de pays de la région ont transposé les protocoles de libre circulation dans leur droit national.",
        "قليل من بلدان المنطقة أدرجت بروتوكولات حرية التنقل في قوانينها الوطنية.",
    ),
    (
        "policy",
        "National development plans rarely mention migration, and then only as a security matter.",
        "Les plans nationaux de développement mentionnent rarement la migration, et seulement comme question de sécurité.",
        "نادراً ما تذكر خطط التنمية الوطنية الهجرة، وإن ذكرتها فكمسألة أمنية فقط.",
    ),
    (
        "policy",
        "Diaspora policies exist on paper but have no budget line in most countries.",
        "Les politiques de la diaspora existent sur le papier mais n'ont pas de ligne budgétaire dans la plupart des pays.",
        "سياسات المغتربين موجودة على الورق لكنها بلا بند في الميزانية في معظم البلدان.",
    ),
    (
        "policy",
        "Climate change is driving movement from rural areas faster than plans anticipate.",
        "Le changement climatique accélère les départs des zones rurales plus vite que ne le prévoient les plans.",
        "يدفع تغير المناخ إلى النزوح من المناطق الريفية أسرع مما تتوقعه الخطط.",
    ),
    (
        "institutional",
        "Coordination between ministries depends on individuals rather than on standing mechanisms.",
        "La coordination entre ministères dépend des personnes plutôt que de mécanismes permanents.",
        "يعتمد التنسيق بين الوزارات على الأفراد بدلاً من آليات دائمة.",
    ),
    (
        "institutional",
        "Local governments receive returnees without the mandate or the means to support them.",
        "Les collectivités locales accueillent les migrants de retour sans mandat ni moyens pour les soutenir.",
        "تستقبل الحكومات المحلية العائدين دون تفويض أو وسائل لدعمهم.",
    ),
    (
        "institutional",
        "Migration data are collected by several agencies that do not share definitions.",
        "Les données migratoires sont collectées par plusieurs agences qui ne partagent pas les mêmes définitions.",
        "تجمع بيانات الهجرة عدة جهات لا تتقاسم التعاريف نفسها.",
    ),
    (
        "operational",
        "Border posts lack staff trained to identify people in need of protection.",
        "Les postes frontières manquent de personnel formé pour identifier les personnes ayant besoin de protection.",
        "تفتقر المراكز الحدودية إلى موظفين مدربين على تحديد الأشخاص المحتاجين إلى الحماية.",
    ),
    (
        "operational",
        "COVID-19 closures interrupted reintegration programmes for several months.",
        "Les fermetures liées à la COVID-19 ont interrompu les programmes de réintégration pendant plusieurs mois.",
        "أدت الإغلاقات المرتبطة بكوفيد-19 إلى توقف برامج إعادة الإدماج لعدة أشهر.",
    ),
]

RECOMMENDATIONS = [
    (
        "national_governments",
        "assessment",
        "national",
        "Carry out a migration profile before each new national development plan.",
        "Réaliser un profil migratoire avant chaque nouveau plan national de développement.",
        "إعداد ملف للهجرة قبل كل خطة تنمية وطنية جديدة.",
    ),
    (
        "national_governments",
        "goals",
        "national",
        "Name migration as a development priority in the plan's strategic goals.",
        "Inscrire la migration parmi les priorités de développement dans les objectifs stratégiques du plan.",
        "إدراج الهجرة ضمن أولويات التنمية في الأهداف الاستراتيجية للخطة.",
    ),
    (
        "national_governments",
        "planning",
        "national",
        "Set up a standing inter-ministerial committee on migration and development.",
        "Créer un comité interministériel permanent sur la migration et le développement.",
        "إنشاء لجنة وزارية مشتركة دائمة للهجرة والتنمية.",
    ),
    (
        "national_governments",
        "capacity",
        "national",
        "Give diaspora policies a budget line and a results framework.",
        "Doter les politiques de la diaspora d'une ligne budgétaire et d'un cadre de résultats.",
        "تخصيص بند في الميزانية وإطار للنتائج لسياسات المغتربين.",
    ),
    (
        "local_governments",
        "implementation",
        "local",
        "Open one-stop desks for returnees in the municipalities that receive most of them.",
        "Ouvrir des guichets uniques pour les migrants de retour dans les communes qui en accueillent le plus.",
        "فتح شبابيك موحدة للعائدين في البلديات التي تستقبل أكبر عدد منهم.",
    ),
    (
        "local_governments",
        "planning",
        "local",
        "Include the needs of migrants and host communities in local development plans.",
        "Intégrer les besoins des migrants et des communautés d'accueil dans les plans locaux de développement.",
        "إدماج احتياجات المهاجرين والمجتمعات المضيفة في خطط التنمية المحلية.",
    ),
    (
        "auc",
        "evaluation",
        "continental",
        "Create a continental observatory that reviews how plans address migration.",
        "Créer un observatoire continental qui examine la place de la migration dans les plans.",
        "إنشاء مرصد قاري يراجع كيفية تناول الخطط للهجرة.",
    ),
    (
        "auc",
        "goals",
        "continental",
        "Align the continental migration framework with the Global Compact's objectives.",
        "Aligner le cadre continental sur la migration avec les objectifs du Pacte mondial.",
        "مواءمة الإطار القاري للهجرة مع أهداف الميثاق العالمي.",
    ),
    (
        "recs",
        "implementation",
        "regional",
        "Speed up the ratification of the free movement protocols by member states.",
        "Accélérer la ratification des protocoles de libre circulation par les États membres.",
        "تسريع مصادقة الدول الأعضاء على بروتوكولات حرية التنقل.",
    ),
    (
        "recs",
        "assessment",
        "regional",
        "Agree common definitions for migration statistics across the region.",
        "Adopter des définitions communes pour les statistiques migratoires dans la région.",
        "الاتفاق على تعاريف مشتركة لإحصاءات الهجرة في المنطقة.",
    ),
    (
        "international_partners",
        "capacity",
        "national",
        "Fund training for border staff on identifying people in need of protection.",
        "Financer la formation du personnel frontalier à l'identification des personnes à protéger.",
        "تمويل تدريب موظفي الحدود على تحديد الأشخاص المحتاجين إلى الحماية.",
    ),
    (
        "international_partners",
        "evaluation",
        "local",
        "Evaluate reintegration programmes with the municipalities that run them.",
        "Évaluer les programmes de réintégration avec les communes qui les mettent en œuvre.",
        "تقييم برامج إعادة الإدماج مع البلديات التي تنفذها.",
    ),
]

SESSIONS = [
    (
        "Opening and framing",
        "Ouverture et cadrage",
        "الافتتاح والتأطير",
        "Migration is a development matter, not only a security one\nPlans must count migrants",
        "La migration est une question de développement, pas seulement de sécurité\nLes plans doivent compter les migrants",
        "الهجرة مسألة تنمية وليست مسألة أمنية فقط\nيجب أن تحصي الخطط المهاجرين",
    ),
    (
        "Legal and policy obstacles",
        "Obstacles juridiques et politiques",
        "العقبات القانونية والسياساتية",
        "Residence laws exclude migrants from services\nFree movement protocols are not applied",
        "Les lois sur le séjour excluent les migrants des services\nLes protocoles de libre circulation ne sont pas appliqués",
        "قوانين الإقامة تستبعد المهاجرين من الخدمات\nبروتوكولات حرية التنقل غير مطبقة",
    ),
    (
        "Local governments and returnees",
        "Collectivités locales et migrants de retour",
        "الحكومات المحلية والعائدون",
        "Municipalities receive returnees without means\nOne-stop desks work where they exist",
        "Les communes accueillent les migrants de retour sans moyens\nLes guichets uniques fonctionnent là où ils existent",
        "البلديات تستقبل العائدين دون وسائل\nالشبابيك الموحدة ناجحة حيث وجدت",
    ),
]

FIRST_NAMES = ["Aïcha", "Moussa", "Fatimata", "Ibrahim", "Mariam", "Oumar", "Salma", "Youssef"]
LAST_NAMES = ["Diallo", "Traoré", "Ahmed", "Ouédraogo", "Mahamat", "Sow", "Ben Ali", "Zongo"]
CATEGORIES = [value for value in Category.values if value != Category.OTHER]


def png_logo(colour: tuple[int, int, int] = (31, 95, 139)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (240, 80), colour).save(out, format="PNG")
    return out.getvalue()


def make_organisation(
    name_en: str, name_fr: str, name_ar: str, acronym: str, colour
) -> Organisation:
    organisation = Organisation.objects.create(
        name_en=name_en, name_fr=name_fr, name_ar=name_ar, acronym=acronym
    )
    organisation.logo.save(f"{acronym.lower()}.png", ContentFile(png_logo(colour)))
    return organisation


def make_publication_report(*, participants: int = 120):
    """The report, its event, series, sessions and participants; returns the report."""
    series = SeriesFactory(
        title_en="Policy webinars on migration and development",
        title_fr="Webinaires politiques sur la migration et le développement",
        title_ar="ندوات سياساتية عبر الإنترنت حول الهجرة والتنمية",
    )
    series.organisers.add(
        make_organisation(
            "Cairo International Center for Conflict Resolution (fictional)",
            "Centre international du Caire pour la résolution des conflits (fictif)",
            "مركز القاهرة الدولي لتسوية النزاعات (خيالي)",
            "CCCPA",
            (120, 30, 30),
        )
    )
    series.organisers.add(
        make_organisation(
            "International Organization for Migration (fictional)",
            "Organisation internationale pour les migrations (fictive)",
            "المنظمة الدولية للهجرة (خيالية)",
            "IOM",
            (0, 51, 160),
        )
    )
    series.partners.add(
        make_organisation(
            "Swiss Agency for Development (fictional)",
            "Agence suisse pour le développement (fictive)",
            "الوكالة السويسرية للتنمية (خيالية)",
            "SDC",
            (200, 0, 0),
        )
    )
    start = dt.datetime(2020, 8, 12, 8, 0, tzinfo=dt.UTC)
    event = EventFactory(
        series=series,
        title_en="Leaving No One Behind: Mainstreaming Migration in the Sahel and Sahara Region",
        title_fr="Ne laisser personne de côté : intégrer la migration au Sahel et au Sahara",
        title_ar="عدم ترك أحد خلف الركب: إدماج الهجرة في منطقة الساحل والصحراء",
        region_en="Sahel and Sahara",
        region_fr="Sahel et Sahara",
        region_ar="الساحل والصحراء",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=4),
        time_zone="Africa/Cairo",
    )
    report = ReportFactory(
        event=event,
        title_en="Leaving No One Behind: Mainstreaming Migration in the Sahel and Sahara Region",
        title_fr="Ne laisser personne de côté : intégrer la migration au Sahel et au Sahara",
        title_ar="عدم ترك أحد خلف الركب: إدماج الهجرة في منطقة الساحل والصحراء",
        short_title_en="Mainstreaming migration in the Sahel and Sahara",
        short_title_fr="Intégrer la migration au Sahel et au Sahara",
        short_title_ar="إدماج الهجرة في الساحل والصحراء",
        executive_summary_en=(
            "Government officials of fourteen countries, the African Union Commission, regional "
            "economic communities and partners discussed how migration can be part of national "
            "development plans.\n\nThey agreed on twelve recommendations, addressed to national "
            "and local governments, the African Union Commission, the regional economic "
            "communities and international partners."
        ),
        executive_summary_fr=(
            "Des responsables gouvernementaux de quatorze pays, la Commission de l'Union "
            "africaine, les communautés économiques régionales et des partenaires ont examiné "
            "comment intégrer la migration dans les plans nationaux de développement.\n\nIls se "
            "sont accordés sur douze recommandations, adressées aux gouvernements nationaux et "
            "locaux, à la Commission de l'Union africaine, aux communautés économiques régionales "
            "et aux partenaires internationaux."
        ),
        executive_summary_ar=(
            "ناقش مسؤولون حكوميون من أربعة عشر بلداً ومفوضية الاتحاد الأفريقي والجماعات "
            "الاقتصادية الإقليمية والشركاء كيفية إدماج الهجرة في خطط التنمية الوطنية.\n\n"
            "واتفقوا على اثنتي عشرة توصية موجهة إلى الحكومات الوطنية والمحلية ومفوضية الاتحاد "
            "الأفريقي والجماعات الاقتصادية الإقليمية والشركاء الدوليين."
        ),
        background_en="Migration and development can reinforce each other when plans count migrants.",
        background_fr="La migration et le développement se renforcent quand les plans comptent les migrants.",
        background_ar="يمكن أن تعزز الهجرة والتنمية إحداهما الأخرى عندما تحصي الخطط المهاجرين.",
        conclusions_en="Mainstreaming migration is a task of the whole government.",
        conclusions_fr="Intégrer la migration est une tâche de tout le gouvernement.",
        conclusions_ar="إدماج الهجرة مهمة الحكومة بأكملها.",
        region_countries=REGION,
    )
    for number, (en, fr, ar, points_en, points_fr, points_ar) in enumerate(SESSIONS):
        session = SessionFactory(
            event=event,
            title_en=en,
            title_fr=fr,
            title_ar=ar,
            starts_at=start + dt.timedelta(minutes=60 * number),
            ends_at=start + dt.timedelta(minutes=60 * number + 50),
            order=number,
        )
        SessionSummaryFactory(
            report=report,
            session=session,
            key_points_en=points_en,
            key_points_fr=points_fr,
            key_points_ar=points_ar,
        )
    for order, (kind, en, fr, ar) in enumerate(FINDINGS):
        FindingFactory(
            report=report, challenge_type=kind, order=order, text_en=en, text_fr=fr, text_ar=ar
        )
    for order, (addressee, stage, level, en, fr, ar) in enumerate(RECOMMENDATIONS):
        RecommendationFactory(
            report=report,
            addressee=addressee,
            stage=stage,
            level=level,
            order=order,
            priority=1 + order % 3,
            sdg_target="10.7" if order % 2 else "",
            gcm_objective=1 + order if order % 3 == 0 else None,
            text_en=en,
            text_fr=fr,
            text_ar=ar,
        )
    codes = [code for code, count in COUNTRIES for _n in range(count)]
    for n in range(participants):
        RegistrationFactory(
            event=event,
            first_name=FIRST_NAMES[n % len(FIRST_NAMES)],
            last_name=f"{LAST_NAMES[(n // 3) % len(LAST_NAMES)]} {n}",
            country=codes[n % len(codes)],
            category=CATEGORIES[n % len(CATEGORIES)],
            organization=f"Institution {n % 40} (fictional)",
            sex=["female", "male", "female", "male", "undisclosed"][n % 5],
            language=["fr", "en", "ar"][n % 3],
            attended=n % 6 != 0,
            consent_listing=n % 10 != 0,
            status=Registration.Status.APPROVED,
        )
    return report
