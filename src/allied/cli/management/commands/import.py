"""`allied import accounts|opportunities FILE --as EMAIL`: large CRM exports from the command line.

The same services as the console's import page (all or nothing, every bad row named by row and
column), without a web request's time limit — a 200,000-row Salesforce export takes about a minute.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from allied.accounts.models import User
from allied.core.errors import DomainError
from allied.customers import services
from allied.customers.imports import ImportRejected


class Command(BaseCommand):
    help = "Import the account master from a Salesforce, HubSpot or Allied CSV: `allied import accounts FILE --as EMAIL`."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["accounts", "opportunities"])
        parser.add_argument("file")
        parser.add_argument("--as", dest="email", required=True, help="Email of the vendor user the import is recorded for.")
        parser.add_argument("--format", default="auto", choices=["auto", "salesforce", "hubspot", "allied"])
        parser.add_argument("--date-order", default="auto", choices=["auto", "mdy", "dmy"],
                            help="How slash dates read when the file does not settle it (mdy: US exports).")

    def handle(self, *args, kind, file, email, format, date_order, **opts):
        call_command("migrate", verbosity=0, interactive=False)
        actor = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user with email {email}")
        importer = services.accounts_import if kind == "accounts" else services.opportunities_import
        console = Console(stderr=True)
        try:
            with open(file, "rb") as fh, console.status(f"Checking and importing {file} ..."):
                result = importer(actor=actor, file=fh, fmt=format, date_order=date_order)
        except FileNotFoundError:
            raise CommandError(f"No such file: {file}")
        except ImportRejected as exc:
            for problem in exc.problems[:200]:
                self.stderr.write(f"  {problem}")
            more = f" (first 200 of {len(exc.problems)} shown)" if len(exc.problems) > 200 else ""
            raise CommandError(f"Nothing was imported: {len(exc.problems)} problem(s) in the file{more}.")
        except DomainError as exc:
            raise CommandError(exc.message)
        self.stdout.write(f"Imported {result.rows} {kind} ({result.format} format): {result.created} created, "
                          f"{result.updated} updated, {result.unchanged} unchanged.")
