"""Print the demo's log-ins and the URL to open: the last thing `make run` says before serving,
so that the reminder e-mails printed before it do not push them out of sight."""

from django.core.management.base import BaseCommand

from accounts.management.commands.load_demo_data import ADMIN_EMAIL, CUSTOMERS, PASSWORD, PROFESSIONALS
from accounts.models import User


class Command(BaseCommand):
    help = "Print the demo log-ins (load_demo_data first) and the URL to open."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="Where the site is served.")

    def handle(self, *args, url, **options):
        url = url.rstrip("/")
        emails = [ADMIN_EMAIL] + [row[0] for row in CUSTOMERS] + [row[0] for row in PROFESSIONALS]
        users = {
            user.email.lower(): user
            for user in User.objects.filter(email__in=emails).select_related("professional_profile__service")
        }
        line = "=" * 72
        self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"householdsvc is starting: open {url}/"))
        self.stdout.write(f"Log in at {url}/accounts/login/ with any of these; every password is {PASSWORD}")
        if ADMIN_EMAIL in users:
            self.stdout.write(f"  admin         {ADMIN_EMAIL}   (back office: {url}/admin/)")
        for email, *_ in CUSTOMERS:
            if email.lower() in users:
                self.stdout.write(f"  customer      {email}")
        for email, _name, service_name, *_ in PROFESSIONALS:
            if email.lower() in users:
                self.stdout.write(f"  professional  {email}   ({service_name})")
        self.stdout.write(line)
