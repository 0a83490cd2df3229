from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Allied over HTTP with waitress (production-grade, static files by whitenoise)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, port, host, threads, **opts):
        call_command("migrate", verbosity=0, interactive=False)
        serve(host=host, port=port, threads=threads, stdout=self.stdout)


def serve(*, host: str, port: int, threads: int, stdout) -> None:
    from waitress import serve as waitress_serve

    from allied.config.wsgi import application

    stdout.write(f"Allied is running at http://{host}:{port}/  (database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]})")
    stdout.flush()
    waitress_serve(application, host=host, port=port, threads=threads, ident="allied")
