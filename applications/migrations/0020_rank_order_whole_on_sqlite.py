from django.db import migrations


def rebuild_on_sqlite(apps, schema_editor):
    """SQLite: the ranking index again, now built whole (portal.indexes.NullsOrderedIndex), so
    that its planner reads the review dashboard's page from it. Nothing on PostgreSQL."""
    if schema_editor.connection.vendor != "sqlite":
        return
    Application = apps.get_model("applications", "Application")
    index = next(i for i in Application._meta.indexes if i.name == "application_rank_order")
    schema_editor.remove_index(Application, index)
    schema_editor.add_index(Application, index)


class Migration(migrations.Migration):
    dependencies = [("applications", "0019_company_name_search")]

    operations = [migrations.RunPython(rebuild_on_sqlite, migrations.RunPython.noop)]
