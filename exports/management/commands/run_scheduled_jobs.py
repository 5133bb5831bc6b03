"""Runs the periodic jobs once, in this process: what beat would queue, for the embedded demo
(``make run`` has no beat) or to catch up by hand. Safe to repeat: whatever was already sent
for the day or month is not sent again."""

import datetime as dt

from django.core.management.base import BaseCommand

from exports.reminders import daily_reminders_send
from exports.reports import monthly_reports_send
from exports.services import export_files_prune, export_jobs_fail_stale
from tracking.services import location_updates_prune


class Command(BaseCommand):
    help = (
        "Send today's reminders and last month's reports, delete expired export files and old "
        "tracking points, once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", type=dt.date.fromisoformat, help="Report on this month (YYYY-MM-01).")

    def handle(self, *args, month=None, **options):
        reminders = daily_reminders_send()
        reports = monthly_reports_send(month=month)
        expired = export_files_prune()
        stale = export_jobs_fail_stale()
        points = location_updates_prune()
        self.stdout.write(
            f"Scheduled jobs: {reminders} reminders and {reports} monthly reports sent, "
            f"{expired} export files expired, {stale} stale exports failed, "
            f"{points} old tracking points deleted."
        )
