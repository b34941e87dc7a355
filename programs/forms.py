import datetime
import zoneinfo

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.functions import Lower
from django.forms.boundfield import BoundField
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from djmoney.money import Money

from portal.forms import (
    DateInput,
    LabelledMoneyMixin,
    ListFormSet,
    LocalDateTimeInput,
    Paragraphs,
    RowsField,
)
from portal.validators import validate_single_line, validate_this_century
from programs import queries
from programs.enums import HostService, StaffRole
from programs.models import ForeignMarket, HostIncubator, Intake, MarketGroup
from programs.services import (
    BRIEFING_FIELDS,
    REVIEW_SETTINGS,
    WINDOW_FIELDS,
    capacity_below_stays,
    check_desk_offers,
    currency_change_refused,
    direction_change_refused,
    market_change_refused,
    needs_confirmation,
    reviews_due_refused,
    stays_refused,
)

TIME_ZONES = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})
TIME_ZONE_CHOICES = [(name, name.replace("_", " ")) for name in TIME_ZONES]


def checkboxes(label, queryset, help_text=""):
    """An optional choice of several rows, as checkboxes (short lists: sectors, markets)."""
    return RowsField(
        label=label,
        queryset=queryset,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


def wall_clock(value, zone):
    """A browser's datetime-local value means that time on the clocks of ``zone``."""
    return value.replace(tzinfo=None).replace(tzinfo=zone)


def unless_untouched(typed, saved):
    """``saved`` when ``typed`` is it to the minute, else ``typed``. A datetime-local input
    shows and sends a time to the minute: a saved time with seconds (the admin takes them)
    comes back without them, a change nobody made (recorded, or warning of a shorter
    deadline)."""
    if typed and saved and typed == saved.replace(second=0, microsecond=0):
        return saved
    return typed


class HiddenLines(forms.HiddenInput):
    """The hidden copy of a text box's value as drawn, read as the box is (Paragraphs): a
    browser sends both with CR LF line breaks."""

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


class DrawnField(BoundField):
    """A field of a ``SavesWhatChanged`` form. Drawn again after a refused Save, its hidden
    copy still holds the value the page was first drawn with: Django keeps it only when the
    copy was sent, and an empty list's is not (no box ticked, nothing sent), so it would take
    what was typed and the next Save would see no change there. A field a colleague changed
    meanwhile gets the value saved now: the page has shown it."""

    def as_hidden(self, attrs=None, **kwargs):
        if not (kwargs.get("only_initial") and self.form.is_bound):
            return super().as_hidden(attrs, **kwargs)
        widget = self.field.hidden_widget()
        if self.form.sent_as_drawn and self.name not in self.form.changed_by_colleague:
            value = widget.value_from_datadict(
                self.form.data, self.form.files, self.html_initial_name
            )
        else:
            value = self.field.prepare_value(self.initial)
        return widget.render(
            self.html_initial_name,
            value,
            attrs={**(attrs or {}), "id": self.html_initial_id} if self.auto_id else attrs,
            renderer=self.form.renderer,
        )


class SavesWhatChanged:
    """A form of a saved row whose Save changes only what its page changed. Each field's
    value as the page was drawn goes with it (a hidden copy), so ``changed_data`` names what
    this person changed, and a colleague's change saved since, to another field, stays. A
    field both changed is refused next to it, with what is saved now above the form and what
    was typed kept: Save again keeps this page's value (``changed_by_colleague``)."""

    bound_field_class = DrawnField

    def draw_as_saved(self):
        self.changed_by_colleague = []
        if self.instance.pk is None:
            return
        for field in self.fields.values():
            field.show_hidden_initial = True
            if isinstance(field.widget, Paragraphs):
                field.hidden_widget = HiddenLines

    @cached_property
    def sent_as_drawn(self):
        """Whether the page sent its hidden copies (a script posting the fields alone does
        not: all it sends is saved, as before)."""
        prefix = self.add_initial_prefix("")
        return self.is_bound and any(key.startswith(prefix) for key in self.data)

    def fields_to_save(self):
        """The names of the fields this page changed (all of them for a new row, or for a
        client that sent no hidden copies)."""
        if self.instance.pk is None or not self.sent_as_drawn:
            return list(self.fields)
        return self.changed_data

    def refuse_changes_a_colleague_made(self):
        """Refuse each field this page changed that is saved now with another value than the
        page was drawn with: a colleague changed it too."""
        if self.instance.pk is None or not self.sent_as_drawn:
            return
        for name in self.changed_data:
            bound = self[name]
            drawn = bound.field.hidden_widget().value_from_datadict(
                self.data, self.files, bound.html_initial_name
            )
            if isinstance(bound.field.widget, forms.MultiWidget) and isinstance(drawn, str):
                drawn = bound.field.widget.decompress(drawn)  # a sum's copy: "50.00 CAD"
            saved = bound.initial
            if isinstance(saved, datetime.datetime) and timezone.is_naive(saved):
                saved = timezone.make_aware(saved)  # as a typed time is read (a wall clock)
            # Refused when changed since drawn, unless both typed the same.
            if bound.field.has_changed(saved, drawn) and bound.field.has_changed(saved, bound.data):
                self.changed_by_colleague.append(name)
                self.add_error(
                    name,
                    _(
                        "A colleague changed this after you opened the page. Press Save "
                        "again to replace their value with yours."
                    ),
                )

    def take_saved_values(self, data, names):
        """Put in ``data``, for each of ``names`` this page did not change, the value saved
        now: the checks across fields then judge what the Save would store (this page's
        changes over a colleague's), not the page as it was drawn."""
        if self.instance.pk is None or not self.sent_as_drawn:
            return
        changed = set(self.changed_data)
        for name in names:
            if name in data and name not in changed:
                data[name] = getattr(self.instance, name)

    def colleague_changes(self):
        """(label, value saved now) of each field refused as a colleague changed it too."""
        return [(self[name].label, _saved_text(self[name])) for name in self.changed_by_colleague]


def _saved_text(bound):
    """A field's value saved now as a person reads it: choices by their labels, rows by
    their names, a list joined; a time, date or sum as an object the template writes in the
    reader's language; None for nothing."""
    field, value = bound.field, bound.initial
    if value in (None, "", []):
        return None
    if isinstance(field, forms.ModelMultipleChoiceField):
        rows = field.queryset.filter(pk__in=field.prepare_value(value))
        return ", ".join(field.label_from_instance(row) for row in rows)
    if isinstance(field, forms.ModelChoiceField):
        return field.label_from_instance(field.to_python(field.prepare_value(value)))
    if isinstance(field, forms.ChoiceField):
        labels = dict(field.choices)
        values = value if isinstance(value, list | tuple) else [value]
        return ", ".join(str(labels.get(item, item)) for item in values)
    # Written here, as the reader writes them: the template's linebreaksbr makes a string.
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, Money):
        return str(value)
    return value


class MarketForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=[("", "---------"), *TIME_ZONE_CHOICES], required=False
    )
    groups = checkboxes(_("Groups"), MarketGroup.objects.order_by("name"))

    class Meta:
        model = ForeignMarket
        fields = [
            "country",
            "currency",
            "languages",
            "time_zone",
            "groups",
            *BRIEFING_FIELDS,
        ]
        error_messages = {
            "country": {"unique": _("This country is already a market; edit it instead.")}
        }
        widgets = {name: Paragraphs(attrs={"rows": 3}) for name in fields[5:]}

    def clean_currency(self):
        return self.cleaned_data["currency"].strip().upper()


class PartnerEmailsField(forms.CharField):
    """People who act for a host, named by the email they log in with."""

    widget = Paragraphs(attrs={"rows": 2})

    def clean(self, value):
        value = super().clean(value)
        emails = [part.strip() for part in value.replace(",", " ").split() if part.strip()]
        wanted = {email.lower() for email in emails}
        users = {
            user.email_lower: user
            for user in get_user_model()
            .objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=wanted)
        }
        missing = [email for email in emails if email.lower() not in users]
        if missing:
            raise forms.ValidationError(
                _("No account uses %(emails)s. Ask them to sign up first."),
                params={"emails": ", ".join(missing)},
            )
        return list(users.values())


class HostForm(SavesWhatChanged, LabelledMoneyMixin, forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    sectors = checkboxes(_("Sectors served"), queries.sectors())
    services = forms.MultipleChoiceField(
        label=_("Services offered"),
        choices=HostService.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    partner_emails = PartnerEmailsField(
        label=_("Partner staff"),
        required=False,
        help_text=_("Emails of the people who act for this host in the portal, one per line."),
    )

    class Meta:
        model = HostIncubator
        fields = [
            "name",
            "market",
            "city",
            "address",
            "website",
            "description",
            "sectors",
            "services",
            "desk_capacity",
            "desk_cost_per_day",
            "partnership",
        ]
        widgets = {
            "address": Paragraphs(attrs={"rows": 2}),
            "description": Paragraphs(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["market"].queryset = ForeignMarket.objects.order_by("country")
        if self.instance.pk:
            self.fields["partner_emails"].initial = "\n".join(
                user.email for user in self.instance.partner_staff.order_by("email")
            )
        # A colleague may save the host while this page is open (probe: an added partner
        # was removed again by a Save from an older page).
        self.draw_as_saved()

    def clean(self):
        data = super().clean()
        self.refuse_changes_a_colleague_made()
        return data

    def clean_market(self):
        market = self.cleaned_data["market"]
        if self.instance.pk and market and market.pk != self.instance.market_id:
            moved = market_change_refused(self.instance, market)
            if moved:
                raise forms.ValidationError(moved)
        return market

    def clean_desk_capacity(self):
        capacity = self.cleaned_data["desk_capacity"]
        if self.instance.pk:
            offered = queries.largest_live_desk_offer(self.instance)
            if offered and capacity < offered:
                raise forms.ValidationError(
                    _("An intake still counts on %(desks)s desks here; lower that offer first."),
                    params={"desks": offered},
                )
            # Across intakes: two intakes' stays may each fit their offer and together
            # fill more desks than the lower capacity.
            below = capacity_below_stays(self.instance, capacity)
            if below:
                raise forms.ValidationError(below)
        return capacity


# The longest placement window (three years of days: the placements board draws each one).
LONGEST_WINDOW_DAYS = 1096
# The terms IntakeForm.clean checks against each other (the times apart: they are read on
# the intake's clocks first).
CROSS_CHECKED = [
    "time_zone", "placement_starts_on", "placement_ends_on", "max_stay_days", "stipend_cap",
    "stipend_budget", "direction",
]  # fmt: skip


class IntakeForm(SavesWhatChanged, LabelledMoneyMixin, forms.ModelForm):
    """An intake's terms; times are typed in the intake's own time zone."""

    time_zone = forms.ChoiceField(
        label=_("Time zone of the intake"),
        choices=TIME_ZONE_CHOICES,
        initial=settings.TIME_ZONE,
        help_text=_("Opening and closing times are in this time zone."),
    )
    opens_at = forms.DateTimeField(
        label=_("Opens"), widget=LocalDateTimeInput(), validators=[validate_this_century]
    )
    closes_at = forms.DateTimeField(
        label=_("Closes"), widget=LocalDateTimeInput(), validators=[validate_this_century]
    )
    markets = checkboxes(
        _("Market focus"),
        ForeignMarket.objects.order_by("country"),
        help_text=_("Leave empty for no market focus."),
    )
    sectors = checkboxes(
        _("Sector focus"), queries.sectors(), help_text=_("Leave empty for no sector focus.")
    )

    class Meta:
        model = Intake
        fields = [
            "title",
            "summary",
            "direction",
            "markets",
            "sectors",
            "time_zone",
            "opens_at",
            "closes_at",
            "placement_starts_on",
            "placement_ends_on",
            "max_stay_days",
            "check_in_every_days",
            "max_host_preferences",
            "stipend_cap",
            "stipend_budget",
            "desk_invoicing",
        ]
        widgets = {
            "summary": Paragraphs(attrs={"rows": 3}),
            "direction": forms.RadioSelect,
            "placement_starts_on": DateInput(),
            "placement_ends_on": DateInput(),
        }
        help_texts = {
            "desk_invoicing": _(
                "Changing it later invoices no desk-day twice: the next invoices draw only "
                "the days no invoice already sent holds."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left empty: weekly, the model's default.
        self.fields["check_in_every_days"].required = False
        # A window typed far off (9999) broke the placements board, which draws every day.
        for name in ("placement_starts_on", "placement_ends_on"):
            self.fields[name].validators.append(validate_this_century)
        if self.instance.pk:
            zone = self.instance.zone
            for name in ("opens_at", "closes_at"):
                self.initial[name] = (
                    getattr(self.instance, name).astimezone(zone).replace(tzinfo=None)
                )
        self.draw_as_saved()

    @cached_property
    def changed_data(self):
        names = list(super().changed_data)
        # The times are typed in the intake's zone: a new zone moves them with it.
        if "time_zone" in names:
            names += [name for name in ("opens_at", "closes_at") if name not in names]
        return names

    def clean(self):
        data = super().clean()
        # The rules across fields below judge this page's changes over the terms saved now.
        self.take_saved_values(data, CROSS_CHECKED)
        zone_name = data.get("time_zone")
        zone = zoneinfo.ZoneInfo(zone_name) if zone_name else None
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if zone and opens:
            opens = data["opens_at"] = unless_untouched(
                wall_clock(opens, zone), self.instance.opens_at
            )
        if zone and closes:
            closes = data["closes_at"] = unless_untouched(
                wall_clock(closes, zone), self.instance.closes_at
            )
        self.take_saved_values(data, ["opens_at", "closes_at"])
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The intake must close after it opens."))
        start, end = data.get("placement_starts_on"), data.get("placement_ends_on")
        if start and closes and zone and start <= closes.astimezone(zone).date():
            self.add_error(
                "placement_starts_on", _("Stays can start only after the intake has closed.")
            )
        if start and end and end <= start:
            self.add_error("placement_ends_on", _("The window must end after it starts."))
        elif start and end and (end - start).days + 1 > LONGEST_WINDOW_DAYS:
            self.add_error(
                "placement_ends_on",
                forms.ValidationError(
                    _("The window can be at most %(days)s days long."),
                    params={"days": LONGEST_WINDOW_DAYS},
                ),
            )
        if data.get("check_in_every_days") is None and "check_in_every_days" in data:
            data["check_in_every_days"] = Intake._meta.get_field("check_in_every_days").default
        stay = data.get("max_stay_days")
        if start and end and stay and end > start and stay > (end - start).days + 1:
            self.add_error(
                "max_stay_days",
                forms.ValidationError(
                    _("The window is %(days)s days long; a stay cannot be longer."),
                    params={"days": (end - start).days + 1},
                ),
            )
        cap, budget = data.get("stipend_cap"), data.get("stipend_budget")
        if cap is not None and cap.amount <= 0:
            self.add_error("stipend_cap", _("The stipend cap must be more than zero."))
        if cap is not None and budget is not None:
            if budget.currency != cap.currency:
                self.add_error("stipend_budget", _("Use the same currency as the stipend cap."))
            elif 0 < budget.amount < cap.amount:
                self.add_error(
                    "stipend_budget", _("The pool cannot fund even one stipend at the cap.")
                )
        if self.instance.pk:  # the instance still holds the saved terms here
            refused = currency_change_refused(self.instance, stipend_cap=cap, stipend_budget=budget)
            for name, reason in refused.items():
                self.add_error(name, reason)
            # The desk offers saved must match the new direction: they are changed first.
            for reason in direction_change_refused(self.instance, data.get("direction")):
                self.add_error("direction", reason)
            # A window or longest stay the confirmed stays no longer fit, on its field.
            window = {name: data.get(name) for name in WINDOW_FIELDS}
            for name, reason in stays_refused(self.instance, **window).items():
                self.add_error(name, reason)
        self.refuse_changes_a_colleague_made()
        return data


class DeskOfferForm(forms.Form):
    host = forms.ModelChoiceField(label=_("Host incubator"), queryset=HostIncubator.objects.none())
    desks = forms.IntegerField(label=_("Desks"), min_value=1, max_value=500)

    def __init__(self, *args, intake, hosts, host_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.intake = intake
        self.fields["host"].queryset = hosts
        # Choices built once for the whole formset, not one query per row.
        self.fields["host"].choices = host_choices

    def clean(self):
        data = super().clean()
        host, desks = data.get("host"), data.get("desks")
        if host and desks:
            for error in check_desk_offers(self.intake, [(host, desks)]):
                field = "desks" if desks > host.desk_capacity else "host"
                self.add_error(field, error)
        return data


class BaseDeskOfferFormSet(ListFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            host = form.cleaned_data.get("host")
            if host is None:
                continue
            if host.pk in seen:
                form.add_error("host", _("This host is already listed above."))
            seen.add(host.pk)

    def offers(self):
        return [
            (form.cleaned_data["host"], form.cleaned_data["desks"])
            for form in self.forms
            if form.cleaned_data.get("host") and not form.cleaned_data.get("DELETE")
        ]


def host_choices(hosts):
    return [("", "---------")] + [
        (host.pk, f"{host.name} ({host.market.country.name}, {host.desk_capacity})")
        for host in hosts
    ]


DeskOfferFormSet = forms.formset_factory(
    DeskOfferForm, formset=BaseDeskOfferFormSet, extra=2, can_delete=True
)


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("Criterion"), max_length=120, validators=[validate_single_line])
    description = forms.CharField(
        label=_("Description"), required=False, widget=Paragraphs(attrs={"rows": 2})
    )
    weight = forms.IntegerField(
        label=_("Weight"),
        min_value=1,
        max_value=100,
        error_messages={"min_value": _("Weights must be positive.")},
    )
    scale_max = forms.IntegerField(label=_("Top score"), min_value=2, max_value=10, initial=5)


class BaseRubricFormSet(ListFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not self.criteria():
            raise forms.ValidationError(_("A rubric needs at least one criterion."))

    def criteria(self):
        return [
            (
                form.cleaned_data["name"],
                form.cleaned_data.get("description", ""),
                form.cleaned_data["weight"],
                form.cleaned_data["scale_max"],
            )
            for form in self.forms
            if form.cleaned_data.get("name") and not form.cleaned_data.get("DELETE")
        ]


RubricFormSet = forms.formset_factory(
    CriterionForm, formset=BaseRubricFormSet, extra=1, can_delete=True
)


class ConfirmChangeForm(forms.Form):
    """Asked for when an intake has opened: applications may rest on what is changing."""

    reason = forms.CharField(
        label=_("Why is this change needed?"),
        widget=Paragraphs(attrs={"rows": 2}),
        help_text=_("Recorded in the intake's history, with your name and the time."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that applicants may already rely on the current version."),
        error_messages={"required": _("Confirm the change to go ahead.")},
    )


class EligibilityForm(LabelledMoneyMixin, forms.ModelForm):
    allowed_sectors = checkboxes(
        _("Allowed sectors"), queries.sectors(), help_text=_("Leave empty to accept every sector.")
    )

    class Meta:
        model = Intake
        fields = [
            "min_years_operating",
            "min_employees",
            "min_annual_revenue",
            "proven_product_required",
            "allowed_home_countries",
            "allowed_sectors",
        ]


class ShorterDeadlineForm(forms.Form):
    """The number of drafts an earlier close cuts short, as the manager confirmed it."""

    drafts = forms.IntegerField(required=False, min_value=0, max_value=1_000_000)


def confirmation_form(intake, data=None):
    if needs_confirmation(intake):
        return ConfirmChangeForm(data, prefix="confirm")
    return None


class StaffForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=StaffRole.choices)

    def clean_email(self):
        email = self.cleaned_data["email"]
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(_("No account uses this email. Ask them to sign up first."))
        self.cleaned_data["user"] = user
        return email


class ReviewSettingsForm(forms.ModelForm):
    """How an intake is reviewed; the due time is typed in the intake's own time zone."""

    reviews_due_at = forms.DateTimeField(
        label=_("Reviews due"),
        required=False,
        widget=LocalDateTimeInput(),
        validators=[validate_this_century],
    )

    class Meta:
        model = Intake
        fields = REVIEW_SETTINGS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each setting's value when the page was drawn goes with the form, so that Save
        # changes only what this page changed (changed_data): a colleague's change made
        # since, say the dashboard's ranking, is not put back.
        for field in self.fields.values():
            field.show_hidden_initial = True
        self.fields["reviews_due_at"].help_text = _("In the intake's time zone, %(zone)s.") % {
            "zone": self.instance.time_zone
        }
        if self.instance.reviews_due_at and not self.is_bound:
            self.initial["reviews_due_at"] = self.instance.reviews_due_at.astimezone(
                self.instance.zone
            ).replace(tzinfo=None)

    def clean_reviews_due_at(self):
        due = self.cleaned_data.get("reviews_due_at")
        if not due:
            return None
        due = unless_untouched(wall_clock(due, self.instance.zone), self.instance.reviews_due_at)
        # Only a time this page changes: one saved before the intake's close moved later
        # does not stop the other settings from being saved.
        if due != self.instance.reviews_due_at:
            early = reviews_due_refused(self.instance, due)
            if early:
                raise forms.ValidationError(early)
        return due


class ScoreModeForm(forms.ModelForm):
    """The review dashboard's switch: mean or median, raw or calibrated."""

    class Meta:
        model = Intake
        fields = ["score_aggregate", "calibrate_scores"]
        widgets = {"score_aggregate": forms.RadioSelect}
