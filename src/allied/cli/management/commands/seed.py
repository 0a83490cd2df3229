import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from allied.partners.models import Partner
from allied.simulate.ecosystem import seed_ecosystem

from ._progress import progress_bar


class Command(BaseCommand):
    help = "Build a realistic synthetic partner ecosystem, deterministic by seed."

    def add_arguments(self, parser):
        parser.add_argument("--partners", type=int, default=300, help="How many partners (default 300).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed; the same seed gives the same ecosystem.")
        parser.add_argument("--append", action="store_true", help="Add to a database that already has partners.")

    def handle(self, *args, partners, seed, append, **opts):
        if partners < 1 or partners > 200_000:
            raise CommandError("--partners must be between 1 and 200000")
        call_command("migrate", verbosity=0, interactive=False)
        if Partner.objects.exists() and not append:
            raise CommandError("The database already has partners; pass --append to add more, or use a new DATABASE_URL.")
        started = time.perf_counter()
        with progress_bar() as bar:
            task = bar.add_task("Seeding ecosystem", total=partners * 3)  # seed_ecosystem reports 3 units per partner
            result = seed_ecosystem(partners=partners, seed=seed, progress=lambda stage, n: bar.update(task, advance=n, description=f"Seeding {stage}"))
            bar.update(task, completed=partners * 3, description="Seeded")
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Seeded {result.partners} partners, {result.users} partner users, {result.achievements} history records, "
            f"{result.tasks} onboarding tasks, {result.applications} applications, {result.accounts} customer accounts, "
            f"{result.deals} deal registrations, {result.leads} leads, {result.mapped_accounts} partner accounts mapped "
            f"({result.account_matches} matches, {result.mapping_s:.1f}s), {result.courses} courses with {result.course_completions} "
            f"completions and {result.certifications_held} active certifications ({result.learning_s:.1f}s) in {elapsed:.1f}s."
        )
        self.stdout.write("Demo logins:")
        for email, password, who in result.logins:
            self.stdout.write(f"  {email:<40} {password}   ({who})")
