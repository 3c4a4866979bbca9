"""Titles of the shipped instruments, marked for translation.

The titles in ``data/`` are the English ones; the Convention and its Protocols have official
titles in all six UN languages, which the catalogues hold. ``Instrument.local_title`` and
``local_short_title`` show them in the page's language; an instrument added later as data keeps
its own title until a translation is added. A test checks this list covers the shipped titles.
"""

from django.utils.translation import gettext_noop

TITLES = [
    gettext_noop("United Nations Convention against Transnational Organized Crime"),
    gettext_noop(
        "Protocol to Prevent, Suppress and Punish Trafficking in Persons, Especially Women and "
        "Children"
    ),
    gettext_noop("Protocol against the Smuggling of Migrants by Land, Sea and Air"),
    gettext_noop(
        "Protocol against the Illicit Manufacturing of and Trafficking in Firearms, Their Parts "
        "and Components and Ammunition"
    ),
]

SHORT_TITLES = [
    gettext_noop("Organized Crime Convention"),
    gettext_noop("Trafficking in Persons Protocol"),
    gettext_noop("Smuggling of Migrants Protocol"),
    gettext_noop("Firearms Protocol"),
]
