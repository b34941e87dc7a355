# One date format and one date-time format in English, everywhere (pages, emails, lists):
# the SHORT_ names some templates use give the same text. See portal/dates.py for the zone.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
TIME_FORMAT = "H:i"
