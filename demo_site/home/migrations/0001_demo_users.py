"""Create the demo users (alice and bob) in every new demo-site database."""

from django.contrib.auth.hashers import make_password
from django.db import migrations

from demo_site.home.users import DEMO_USERS


def create_users(apps, schema_editor):
    User = apps.get_model("auth", "User")
    db = schema_editor.connection.alias
    for username, password in DEMO_USERS.items():
        User.objects.using(db).create(
            username=username, password=make_password(password), email=f"{username}@example.com"
        )


def delete_users(apps, schema_editor):
    User = apps.get_model("auth", "User")
    User.objects.using(schema_editor.connection.alias).filter(username__in=DEMO_USERS).delete()


class Migration(migrations.Migration):
    dependencies = [("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_users, delete_users)]
