"""The case file and firm profile as typed models.

Every model forbids unknown keys (they are usually typos). Values arrive as the text the
user typed (see ``yamlio``) and are converted here, so each problem is reported against
its own field and line.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import unicodedata
from decimal import Decimal
from typing import Annotated, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag, model_validator

from .dates import parse_date, parse_instant
from .errors import shown
from .jurisdictions import NAMES
from .vocabulary import NOT_XML, Grade, RecipientKind, Stage

MAX_TEXT = 10_000  # characters in one field: a long paragraph, never a file pasted in

# Characters that print nothing though Unicode does not call them spaces or controls.
_BLANKS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u180e\u17b4\u17b5")


def _visible(value: str) -> bool:
    """At least one character that shows: not a space, a control or format character
    (zero-width space, word joiner, BOM, soft hyphen, RLO …), a lone combining mark or a blank glyph."""
    for ch in value:
        if ch in _BLANKS:
            continue
        if unicodedata.category(ch)[0] not in "ZCM":
            return True
    return False


def _text(value: str) -> str:
    if len(value) > MAX_TEXT:
        raise ValueError(f"is longer than {MAX_TEXT:,} characters")
    if not value.strip():
        raise ValueError("must not be empty")
    if not _visible(value):
        raise ValueError("has no visible character (only spaces, invisible or formatting characters)")
    bad = NOT_XML.search(value)
    if bad:
        raise ValueError(
            f"contains the control character U+{ord(bad.group()):04X} at position {bad.start() + 1}, "
            "which a Word document cannot hold; remove it"
        )
    return value


# A plain amount: digits, or digits grouped by commas in threes, then at most a point and
# decimals; an optional leading $. Anything else could be read two ways ("25.000,00",
# "2,5") or is not an amount.
_AMOUNT = re.compile(r"\$?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?")


def _money(value: object) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("expected an amount such as 25000 or 25000.00")
    text = str(value).strip()
    if len(text) > 40:
        raise ValueError("expected an amount such as 25000 or 25000.00")
    if text.startswith("-") or text.startswith("$-"):
        raise ValueError("must not be negative")
    if not _AMOUNT.fullmatch(text):
        if re.fullmatch(r"\$?[\d.,]+", text):
            raise ValueError(
                f"{shown(text)} could be read two ways; write a plain amount such as 25000, 25000.00 or 25,000.00 "
                "(a point for decimals, commas only between groups of three digits)")
        raise ValueError("expected an amount such as 25000 or 25000.00")
    amount = Decimal(text.lstrip("$").replace(",", ""))
    if amount > Decimal("100000000"):  # first: quantize cannot hold 29 digits or more
        raise ValueError("is implausibly large")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError("has more than two decimal places")
    return amount.quantize(Decimal("0.01"))


def _code(value: object) -> str:
    if value is None or not str(value).strip():
        raise ValueError("is empty; give a two-letter state code (CA, NY, TX, FL …) or US for a federal matter")
    code = str(value).strip().upper()
    if code not in NAMES:
        raise ValueError(
            f"unknown jurisdiction {shown(value)}; use a two-letter state code (CA, NY, TX, FL …) "
            "or US for a federal matter"
        )
    return code


_ZONE_ID = re.compile(r"[A-Za-z0-9._-]{1,32}")


def _ip(value: object) -> str:
    """The canonical text of an address (RFC 5952 for IPv6, dotted quad kept for IPv4-mapped)."""
    text = str(value).strip()
    if len(text) > 100:
        raise ValueError("is longer than 100 characters; not an IP address")
    address_part, percent, zone = text.partition("%")
    if percent and not _ZONE_ID.fullmatch(zone):
        # ipaddress takes any text after the %; a zone id is an interface name or number
        raise ValueError(f"{shown(text)} has an IPv6 zone id that is not an interface name or number "
                         "(letters, digits, . _ -)")
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        raise ValueError(f"{shown(value)} is not a valid IPv4 or IPv6 address") from None
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None and not getattr(address, "scope_id", None):
        return f"::ffff:{mapped}"
    return str(address)


Text = Annotated[str, AfterValidator(_text)]
Money = Annotated[Decimal, BeforeValidator(_money)]
LetterDate = Annotated[dt.date, BeforeValidator(parse_date)]
Instant = Annotated[dt.datetime, BeforeValidator(parse_instant)]
Code = Annotated[str, BeforeValidator(_code)]
IPAddress = Annotated[str, BeforeValidator(_ip)]
Lines = Annotated[list[Text], Field(min_length=1)]


def _none_is_empty(value: object) -> object:
    return [] if value is None else value


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


# ---------------------------------------------------------------- firm profile


class Attorney(Model):
    id: Text
    name: Text
    title: Text
    bar: Text
    email: Text
    phone: Text | None = None


class Firm(Model):
    name: Text
    address: Lines
    phone: Text
    email: Text
    website: Text | None = None
    templates: Text | None = None
    rules: Text | None = None
    attorneys: Annotated[list[Attorney], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique_attorneys(self) -> Firm:
        seen = set()
        for a in self.attorneys:
            if a.id in seen:
                raise ValueError(f"attorney id {shown(a.id)} appears twice")
            seen.add(a.id)
        return self


# ---------------------------------------------------------------- case file



class Matter(Model):
    id: Text  # any printable text; slugged for file names (naming.slug)
    jurisdiction: Code
    stage: Stage = "investigation"
    attorney: Text | None = None
    court: Text | None = None
    case_number: Text | None = None
    agency: Text | None = None


class Client(Model):
    name: Text
    salutation: Text | None = None
    address: Lines
    email: Text | None = None


class Charge(Model):
    offense: Text | None = None
    statute: Text | None = None
    title: Text | None = None
    counts: Annotated[int, Field(ge=1, le=10000)] = 1
    grade: Grade | None = None  # decides some state tiers (Cal. Penal Code § 311.11)

    @model_validator(mode="after")
    def _library_or_free_form(self) -> Charge:
        if self.offense and (self.statute or self.title):
            raise ValueError("give either offense (a library id) or statute and title, not both")
        if not self.offense and not (self.statute and self.title):
            raise ValueError("give offense (a library id), or both statute and title")
        return self


CONTINGENT_REFUSAL = (
    "a contingent fee is not permitted for representing a criminal defendant "
    "(ABA Model Rule 1.5(d)(2); Tex. Disciplinary R. Prof'l Conduct 1.04(e); R. Regulating Fla. Bar 4-1.5); "
    "use type: flat or type: hourly"
)


def _fee_kind(data: object) -> object:
    """A contingent fee is refused outright (ABA Model Rule 1.5(d)(2)); an unknown type is named."""
    if isinstance(data, dict):
        kind = str(data.get("type", "")).strip().lower()
        if "contingen" in kind or "percent" in kind or "success" in kind:
            raise ValueError(CONTINGENT_REFUSAL)
        if "type" not in data:
            raise ValueError("a fee needs its type: flat or hourly")
        if kind not in ("flat", "hourly"):
            raise ValueError(f"unknown fee type {shown(data.get('type'))}; use flat or hourly")
    return data


class FlatFee(Model):
    type: Literal["flat"]
    amount: Money | None = None

    @model_validator(mode="after")
    def _amount(self) -> FlatFee:
        if self.amount is None:
            raise ValueError("a flat fee needs amount")
        return self

    rate: ClassVar[None] = None  # not terms of a flat fee (the letter reads them as absent)
    retainer: ClassVar[None] = None


class HourlyFee(Model):
    type: Literal["hourly"]
    rate: Money | None = None
    retainer: Money | None = None

    @model_validator(mode="after")
    def _terms(self) -> HourlyFee:
        if self.rate is None or self.retainer is None:
            raise ValueError("an hourly fee needs rate and retainer")
        return self

    amount: ClassVar[None] = None  # not a term of an hourly fee


# Which terms a fee has follows from its type; a flat fee's rate, or an hourly fee's
# amount, is an unknown key there.
# (tags in angle brackets are not keys: error locations leave them out)
Fee = Annotated[Annotated[FlatFee, Tag("<flat>")] | Annotated[HourlyFee, Tag("<hourly>")],
                Discriminator(lambda v: f"<{v.get('type')}>" if isinstance(v, dict) else
                              f"<{v.type}>" if isinstance(v, (FlatFee, HourlyFee)) else None),
                BeforeValidator(_fee_kind)]


class Payor(Model):
    """Someone other than the client who pays the fee (ABA Model Rule 1.8(f))."""

    name: Text
    relationship: Text | None = None
    address: Lines | None = None
    email: Text | None = None


class TimekeeperRate(Model):
    role: Text
    rate: Money


class Engagement(Model):
    fee: Fee
    costs_deposit: Money | None = None
    excluded: list[Text] | None = None
    payor: Payor | None = None
    rates: Annotated[list[TimekeeperRate], BeforeValidator(_none_is_empty)] = []
    billing_increment_minutes: Annotated[int, Field(ge=1, le=60)] | None = None
    nonrefundable: bool = False

    @model_validator(mode="after")
    def _hourly_terms(self) -> Engagement:
        if self.fee.type != "hourly":
            if self.rates:
                raise ValueError("rates (of other timekeepers) apply to an hourly fee only")
            if self.billing_increment_minutes is not None:
                raise ValueError("billing_increment_minutes applies to an hourly fee only")
        elif self.nonrefundable:
            raise ValueError("nonrefundable applies to a flat fee only")
        return self


class Recipient(Model):
    name: Text
    kind: RecipientKind
    attention: Text | None = None
    address: Lines
    email: Text | None = None
    reference: Text | None = None
    cable_operator: bool | None = None


class Observation(Model):
    ip: IPAddress
    port: Annotated[int, Field(ge=1, le=65535)] | None = None
    at: Instant
    software: Text | None = None


class Period(Model):
    start: LetterDate = Field(alias="from")
    end: LetterDate = Field(alias="to")

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError("the period ends before it begins (to is earlier than from)")
        return self


class PreservationRequest(Model):
    recipient: Recipient
    account: Text | None = None
    period: Period
    observations: Annotated[list[Observation], BeforeValidator(_none_is_empty)] = []
    observations_file: Text | None = None  # a CSV next to the case: ip, port, at, software
    items: Annotated[list[Text], Field(min_length=1)] | None = None  # [] would leave "please preserve:" bare
    respond_within_days: Annotated[int, Field(ge=1, le=365)] = 10
    identify_client: bool | None = None


class Advisory(Model):
    state: Code | None = None


class Case(Model):
    date: LetterDate | None = None
    matter: Matter
    client: Client
    charges: Annotated[list[Charge], BeforeValidator(_none_is_empty)] = []  # `charges:` alone = none
    engagement: Engagement | None = None
    preservation: list[PreservationRequest] | None = None
    advisory: Advisory | None = None
