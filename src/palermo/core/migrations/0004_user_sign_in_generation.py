# Deactivating a user ends their sessions and password-reset links: the sign-in generation is
# mixed into the session hash and the reset token (see User._get_session_auth_hash).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_user_language_job_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="sign_in_generation",
            field=models.PositiveIntegerField(
                default=0,
                editable=False,
                help_text="Raised when the account is deactivated: every session and password-reset link issued before then stops working, even once the account is active again.",
                verbose_name="sign-in generation",
            ),
        ),
    ]
