from django.core.management import call_command
from django.core.management.base import BaseCommand

from allied.partners.models import Partner
from allied.simulate.ecosystem import demo_logins

from .serve import serve


class Command(BaseCommand):
    help = "Create/migrate the SQLite demo database, seed it if empty, and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--partners", type=int, default=300)
        parser.add_argument("--no-serve", action="store_true", help="Prepare the database and print logins only.")

    def handle(self, *args, port, host, partners, no_serve, **opts):
        call_command("migrate", verbosity=0, interactive=False)
        if not Partner.objects.exists():
            call_command("seed", partners=partners, seed=1, stdout=self.stdout)
        else:
            self.stdout.write("Demo logins:")
            for email, password, who in demo_logins():
                self.stdout.write(f"  {email:<40} {password}   ({who})")
        self.stdout.write(f"\nOpen http://{host}:{port}/ — apply as a partner at http://{host}:{port}/apply/\n")
        if not no_serve:
            serve(host=host, port=port, threads=8, stdout=self.stdout)
