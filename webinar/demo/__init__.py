"""The demo of ``manage.py seed_demo``: the series of the concept note, its two workshops (North
Africa; Sahel and Sahara, 12 August 2020) and an upcoming follow-up webinar, in English, French
and Arabic.

The content is data: JSON files beside this package (series, events, sessions, people,
participants, reports), read by ``data`` and written to the database by ``loader``. The concept
note dates only the Sahel and Sahara workshop; the other dates and the agendas' times are
illustrative. Every person is fictional: addresses use the reserved example.org domain and
organisations say they are fictional.
"""
