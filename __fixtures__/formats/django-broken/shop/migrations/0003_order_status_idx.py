from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('shop', '0002_order'),
    ]

    # Broken on purpose: reverse_sql=RunSQL.noop makes the migration "reversible" for Django,
    # but undoing it leaves the index behind.
    operations = [
        migrations.RunSQL(
            sql='CREATE INDEX order_status_lower_idx ON shop_order (lower(status))',
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
