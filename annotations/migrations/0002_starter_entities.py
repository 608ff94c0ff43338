from django.db import migrations

from annotations.kb import STARTER, read_jsonl, upsert_entities


def load_starter(apps, schema_editor):
    upsert_entities(apps.get_model("annotations", "Entity"), read_jsonl(STARTER))


class Migration(migrations.Migration):
    dependencies = [("annotations", "0001_knowledge_base")]

    operations = [migrations.RunPython(load_starter, migrations.RunPython.noop)]
