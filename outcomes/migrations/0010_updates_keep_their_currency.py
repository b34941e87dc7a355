"""An opportunity's update written again in the same report kept the currency of the first
(services._record_update saved the amount, not its currency column): a report's "€240,000"
read "CA$240,000". Repaired where the records still tell: an update whose amount and
converted value are the opportunity's now, in another currency, said the opportunity's
currency when it is the opportunity's latest update (the opportunity holds what its latest
update recorded), or when its amount is not zero (the same amount converted to the same
value at the same rate: the same currency). An update whose currency was lost and whose
amount the firm changed since (in a later report) cannot be told apart from what it said,
and is left as it is."""

from django.db import migrations
from django.db.models import Exists, F, OuterRef, Q


def repair(apps, schema_editor):
    OpportunityUpdate = apps.get_model("outcomes", "OpportunityUpdate")
    later = OpportunityUpdate.objects.filter(opportunity=OuterRef("opportunity")).filter(
        Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), pk__gt=OuterRef("pk"))
    )
    other = (
        OpportunityUpdate.objects.exclude(value_currency=F("opportunity__value_currency"))
        .annotate(latest=~Exists(later))
        .values_list(
            "pk", "latest", "value", "value_converted",
            "opportunity__value", "opportunity__value_converted", "opportunity__value_currency",
        )
    )  # fmt: skip
    # The amounts compared here, not in the query: django-money would compare the currencies
    # too (it reads F("...value") as the amount and its currency).
    for pk, latest, said, said_converted, amount, converted, currency in list(other):
        if (said, said_converted) == (amount, converted) and (latest or said):
            OpportunityUpdate.objects.filter(pk=pk).update(value_currency=currency)


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0009_market_entry_again"),
    ]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
