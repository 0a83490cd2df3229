from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from allied.accounts.models import User
from allied.accounts.services import apikey_create


class Command(BaseCommand):
    help = "Manage API keys: `allied token create --email EMAIL` prints a new key alone on its last line."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create an API key for a user.")
        create.add_argument("--email", required=True)
        create.add_argument("--name", default="CLI key")

    def handle(self, *args, action, email, name="CLI key", **opts):
        call_command("migrate", verbosity=0, interactive=False)
        user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"No active user with email {email}")
        key, secret = apikey_create(actor=None, user=user, name=name)
        self.stdout.write(f"Created API key {key.public_id} for {user.email}. Store it now; it is not shown again.")
        self.stdout.write(secret)
