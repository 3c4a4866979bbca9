"""Names of the UN M49 regions and the UN regional groups, marked for translation.

They are reference data (English, from ``data/``) but a small fixed set, so the interface shows
them in the page's language through the translation catalogues. ``gettext_noop`` only marks
them for ``makemessages``; ``Region.__str__`` and ``RegionalGroup.__str__`` translate them.
A test checks this list covers every name in the shipped files.
"""

from django.utils.translation import gettext_noop

REGION_NAMES = [
    gettext_noop("Africa"),
    gettext_noop("Americas"),
    gettext_noop("Asia"),
    gettext_noop("Australia and New Zealand"),
    gettext_noop("Caribbean"),
    gettext_noop("Central America"),
    gettext_noop("Central Asia"),
    gettext_noop("Channel Islands"),
    gettext_noop("Eastern Africa"),
    gettext_noop("Eastern Asia"),
    gettext_noop("Eastern Europe"),
    gettext_noop("Europe"),
    gettext_noop("Latin America and the Caribbean"),
    gettext_noop("Melanesia"),
    gettext_noop("Micronesia"),
    gettext_noop("Middle Africa"),
    gettext_noop("Northern Africa"),
    gettext_noop("Northern America"),
    gettext_noop("Northern Europe"),
    gettext_noop("Oceania"),
    gettext_noop("Polynesia"),
    gettext_noop("South America"),
    gettext_noop("South-eastern Asia"),
    gettext_noop("Southern Africa"),
    gettext_noop("Southern Asia"),
    gettext_noop("Southern Europe"),
    gettext_noop("Sub-Saharan Africa"),
    gettext_noop("Western Africa"),
    gettext_noop("Western Asia"),
    gettext_noop("Western Europe"),
]

GROUP_NAMES = [
    gettext_noop("African Group"),
    gettext_noop("Asia-Pacific Group"),
    gettext_noop("Eastern European Group"),
    gettext_noop("Latin American and Caribbean Group"),
    gettext_noop("Western European and Others Group"),
]
