"""The schedule of household jobs: professionals' weekly working hours and time off, the
bookable slots of a service in a pin code, and the rule that a professional never holds two
overlapping jobs.

Working hours are wall-clock times in the site's time zone (``TIME_ZONE``), turned into UTC
instants day by day with ``zoneinfo``: a 09:00 start stays 09:00 across a daylight-saving
change. Time off and every job's time range are instants, stored in UTC.
"""
