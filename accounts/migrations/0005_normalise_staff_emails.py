"""Staff e-mails become the ProConnect matching key: trimmed and lower-case.

Existing duplicates are settled without losing anything: the address stays on the account
that signed in most recently (active accounts first), the others lose it and an account
event records which address was removed and why, for the administrators to fix.
"""

from django.db import migrations, models

BATCH = 2000


def normalise_emails(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    AuthEvent = apps.get_model("accounts", "AuthEvent")
    seen = {}
    ordered = User.objects.exclude(email="").order_by(
        "-is_active", models.F("last_login").desc(nulls_last=True), "id"
    )
    changed, events = [], []
    for user in ordered.only("id", "email", "username").iterator(chunk_size=BATCH):
        clean = user.email.strip().lower()
        if clean in seen:
            events.append(
                AuthEvent(
                    kind="compte",
                    user_id=user.id,
                    username=user.username,
                    reason=f"Adresse {clean} retirée : déjà utilisée par le compte "
                    f"{seen[clean]} (les adresses sont uniques).",
                )
            )
            clean = ""
        else:
            seen[clean] = user.username
        if clean != user.email:
            user.email = clean
            changed.append(user)
        if len(changed) >= BATCH:
            User.objects.bulk_update(changed, ["email"])
            changed = []
    User.objects.bulk_update(changed, ["email"], batch_size=BATCH)
    AuthEvent.objects.bulk_create(events, batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_proconnect_identities_and_auth_events")]

    operations = [
        migrations.RunPython(normalise_emails, migrations.RunPython.noop),
    ]
