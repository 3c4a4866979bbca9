"""Each document's facet values also on its row (``Document.facets``), filled from FacetValue."""

from django.db import migrations, models

FILL = {
    "sqlite": "UPDATE searchindex_document SET facets = COALESCE((SELECT json_group_array("
    "json_array(f.name, f.value)) FROM searchindex_facetvalue f "
    "WHERE f.document_id = searchindex_document.id), '[]')",
    "postgresql": "UPDATE searchindex_document d SET facets = COALESCE((SELECT jsonb_agg("
    "jsonb_build_array(f.name, f.value) ORDER BY f.id) FROM searchindex_facetvalue f "
    "WHERE f.document_id = d.id), '[]'::jsonb) "
    "WHERE EXISTS (SELECT 1 FROM searchindex_facetvalue f WHERE f.document_id = d.id)",
}


def fill_facets(apps, schema_editor):
    sql = FILL.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("searchindex", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="document",
            name="facets",
            field=models.JSONField(blank=True, default=list, verbose_name="facets"),
        ),
        migrations.RunPython(fill_facets, migrations.RunPython.noop),
    ]
