"""The loading-dose log (docs/dose-log.md).

``store`` (DoseLog: the private SQLite log; ``migrations``, ``_rows``), ``models`` (profiles,
manual entries, session rows), ``program`` (the pillar program file), ``weekdata`` (one week
of logged work), ``week`` (the met / partial / missed report), ``steadiness`` (balance holds
per stance vs an earlier week), ``checks`` (warnings), ``baseline`` (RepBaseline for the
rushed/jerky flags), ``exchange`` (export / import).
"""
