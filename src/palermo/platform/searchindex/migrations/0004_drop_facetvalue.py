"""Facet values no longer have rows of their own: each document keeps them on its row (0002) and
as tokens in the text index (0003); nothing read the rows, and writing them was a third of an
index build."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("searchindex", "0003_access_terms"),
    ]

    operations = [
        migrations.DeleteModel(
            name="FacetValue",
        ),
    ]
