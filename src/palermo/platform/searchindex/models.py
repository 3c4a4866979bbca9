"""The search index's rows: one document per indexed record and provider, its facet values on the row.

The text itself lives beside them, per backend: on SQLite in the FTS5 table ``searchindex_fts``
(rowid = the document's id; columns ``a`` … ``d`` by weight, ``ra`` … ``rd`` for restricted
fields, ``t`` for the tokens of facet values and access terms), on PostgreSQL in the
document's ``vector`` (with those tokens as lexemes starting with ``_``) and ``rvector``
(tsvector, GIN-indexed). They are created by migrations 0001 and 0003 and written only by
``searchindex.backends``. (Facet values were also kept as rows of their own until migration
0004: nothing read them.)
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Document(models.Model):
    """One record as a search provider indexed it."""

    provider = models.CharField(_("provider"), max_length=60)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    #: The record's primary key as its own table stores it (``CAST(pk AS text)``).
    object_pk = models.CharField(_("record"), max_length=64)
    language = models.CharField(_("language"), max_length=10, blank=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    #: The ``[name, value]`` pairs of its facet values, copied on the row so that a search
    #: counts facets from the documents it has already read (a facet filter matches the facet
    #: tokens in the text index, ``backends.facet_token``).
    facets = models.JSONField(_("facets"), default=list, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "object_pk"], name="searchindex_one_document_per_record"
            )
        ]
        indexes = [models.Index(fields=["provider", "language"], name="searchindex_doc_lang")]
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self):
        return f"{self.provider}:{self.object_pk}"
