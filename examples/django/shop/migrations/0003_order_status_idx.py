from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('shop', '0002_order'),
    ]

    # An index Django's models cannot express: written in SQL, with the SQL that removes it.
    operations = [
        migrations.RunSQL(
            sql='CREATE INDEX order_status_lower_idx ON shop_order (lower(status))',
            reverse_sql='DROP INDEX order_status_lower_idx',
        ),
    ]
