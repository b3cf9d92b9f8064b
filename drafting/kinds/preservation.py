"""Preservation-of-evidence requests: one letter per recipient."""

from __future__ import annotations

import datetime as dt
import re

from ..context_schema import boolean, date, enum, integer, list_of, rec, text
from ..dates import business_day_on_or_after, local_text, utc_text
from ..environment import record
from ..errors import CaseFileError, shown
from ..naming import slug
from .base import FILL_IN, Inputs, Kind, Letter, PerEntry, common_context, common_schema, to_record, wrapped

KIND_LABELS = {
    "isp": "Internet service provider",
    "agency": "Investigating agency",
    "prosecutor": "Prosecuting office",
    "third-party": "Network owner",
}
GOVERNMENT = ("agency", "prosecutor")
# Without an attention line: the custodian, or counsel at a prosecutor's office.
DEFAULT_SALUTATIONS = {
    "isp": "To the Custodian of Records:",
    "agency": "To the Custodian of Records:",
    "prosecutor": "Dear Counsel:",
    "third-party": "To the Custodian of Records:",
}
# An attention line naming one of these is an office ("To the Legal Response Center:");
# any other names a person ("Dear AUSA Daniel Okoye:").
_OFFICE_WORDS = re.compile(
    r"\b(center|centre|office|department|dept|unit|bureau|division|section|team|desk|group|custodian|"
    r"records|compliance|legal|subpoena|manager|management|administrator|administration|counsel|"
    r"services|support|operations|security|clerk|evidence|property)\b",
    re.IGNORECASE,
)

# Authority that depends on the forum (LAW.md, "Corrections and additions"): discovery
# statutes, and the statute keeping material depicting minors in the State's custody.
# California lets defense counsel receive copies (Cal. Penal Code § 1054.10), so its
# letters say the request waives nothing instead of disclaiming copies.
DISCOVERY = {
    "US": "Fed. R. Crim. P. 16(a)(1)(E)",
    "CA": "Cal. Penal Code § 1054.1",
    "NY": "N.Y. Crim. Proc. Law art. 245",
    "TX": "Tex. Code Crim. Proc. art. 39.14",
    "FL": "Fla. R. Crim. P. 3.220",
}
CUSTODY = {
    "US": "18 U.S.C. § 3509(m)",
    "TX": "Tex. Code Crim. Proc. art. 39.15",
    "FL": "Fla. Stat. § 92.561",
}
COPIES_ALLOWED = {"CA": "Cal. Penal Code § 1054.10"}

# United States v. Budziak binds the federal courts of the Ninth Circuit only (and the
# District of Arizona's Gonzales is a district court within it); elsewhere neither is cited.
NINTH_CIRCUIT = ("Alaska", "Arizona", "California", "Hawaii", "Idaho", "Montana", "Nevada", "Oregon",
                 "Washington", "Guam", "Northern Mariana")
_NINTH_ONLY = ("Budziak", "Gonzales")
_FEDERAL_ONLY = ("Fed. R. Crim. P.", "U.S.C. § 3509")
_CABLE_ONLY = ("U.S.C. § 551",)


def build(inputs: Inputs) -> list[Letter]:
    letters = []
    names = suffixes(inputs.loaded)
    base = common_context(inputs, "preservation")
    case = inputs.loaded.case
    every_observation = _unique_sorted(o for r in case.preservation for o in r.observations)
    for i, request in enumerate(case.preservation):
        kind = request.recipient.kind
        government = kind in GOVERNMENT
        own = _unique_sorted(request.observations)
        # A government letter may name activity another request of the case lists: the
        # government observed it. A provider or network owner learns only its own list.
        observations = own if own or not government else every_observation
        identify = request.identify_client if request.identify_client is not None else government
        items = _items(inputs, i, request)
        cable = request.recipient.cable_operator
        if cable is None:
            cable = kind == "isp" and re.search(r"\bcable\b", request.recipient.name, re.IGNORECASE) is not None
        wording = _wording(request, kind, bool(observations), case.matter.stage)
        forum = case.matter.jurisdiction
        ninth = _in_ninth_circuit(case.matter, request)
        due = respond_by(inputs.letter_date, request)
        path = "request"
        context = dict(base)
        context["request"] = record(
            path,
            recipient=record(f"{path}.recipient", name=request.recipient.name, kind=kind,
                             kind_label=KIND_LABELS[kind], attention=request.recipient.attention,
                             address=list(request.recipient.address), email=request.recipient.email,
                             reference=request.recipient.reference, cable_operator=bool(cable)),
            salutation=salutation(kind, request.recipient.attention),
            identify_client=identify,
            account=request.account,
            period=record(f"{path}.period", start=request.period.start, end=request.period.end),
            observations=[
                record(f"{path}.observations[{j}]", ip=o.ip, ip_version=6 if ":" in o.ip else 4, port=o.port,
                       at_utc=utc_text(o.at), at_given=local_text(o.at), software=o.software)
                for j, o in enumerate(observations)
            ],
            items=[to_record(f"{path}.items[{j}]", {"id": it.id, "text": _fill(it.text, wording),
                                                     "citation": _fit_citation(it.citation, forum, ninth, cable)})
                   for j, it in enumerate(items)],
            asks_cgnat="cgnat-port-logs" in {it.id for it in items},
            authority=record(f"{path}.authority", discovery=DISCOVERY.get(forum),
                             custody=CUSTODY.get(forum), copies_allowed=COPIES_ALLOWED.get(forum),
                             ninth_circuit=forum == "US" and ninth),
            respond_within_days=request.respond_within_days,
            respond_by=due,
            respond_by_moved=due != inputs.letter_date + dt.timedelta(days=request.respond_within_days),
        )
        letters.append(Letter(suffix=names[i], context=context,
                              title=f"Preservation request ({KIND_LABELS[kind].lower()})",
                              index=i))
    return letters


def suffixes(loaded) -> list[str]:
    """Each request's file-name suffix, ``preservation-<recipient>``. A numbered second file
    would take a third recipient's own name ("Acme ISP 2"): two letters one name is
    refused, before anything is written."""
    out: list[str] = []
    used: dict[str, int] = {}
    for i, request in enumerate(loaded.case.preservation):
        where = loaded.where("preservation", i, "recipient", "name")
        name = slug(request.recipient.name, what="recipient name", where=where)
        if name in used:
            first = loaded.where("preservation", used[name], "recipient", "name")
            raise CaseFileError(
                f"gives the same file name (…-preservation-{name}.docx) as preservation[{used[name]}]"
                f".recipient.name on line {first['line']}; give each recipient a distinct name", **where)
        used[name] = i
        out.append(f"preservation-{name}")
    return out


def respond_by(letter_date: dt.date, request) -> dt.date:
    """The date a request asks the recipient to confirm by (the letter prints it; ``drafting
    calendar`` puts it in the calendar: one computation for both)."""
    return business_day_on_or_after(letter_date + dt.timedelta(days=request.respond_within_days))


def salutation(kind: str, attention: str | None) -> str:
    """Addressed to the person or office named in the attention line, else the default."""
    if not attention:
        return DEFAULT_SALUTATIONS[kind]
    addressee = attention.split(",")[0].strip()
    if _OFFICE_WORDS.search(addressee):
        article = "" if addressee.lower().startswith("the ") else "the "
        return f"To {article}{addressee}:"
    titled = _TITLE.match(addressee)
    if titled and len(addressee.split()) > 2:  # "ADA Priya Raman" -> "Dear ADA Raman:"
        return f"Dear {titled.group(1)} {addressee.split()[-1]}:"
    return f"Dear {addressee}:"


# a title written before the name in an attention line: the salutation keeps it with the surname
_TITLE = re.compile(r"^((?:Special Agent|Senior Special Agent|SAUSA|AUSA|ADA|DDA|ASA|DA|Det\.|Detective|SA|Agent|"
                    r"Officer|Sgt\.|Sergeant|Lt\.|Lieutenant|Capt\.|Captain|Inspector|Investigator|Mr\.|Ms\.|"
                    r"Mrs\.|Dr\.))\s+\S")


def _unique_sorted(observations):
    seen = {}
    for o in observations:
        seen.setdefault((o.ip, o.port, o.at.astimezone(dt.timezone.utc)), o)
    return sorted(seen.values(), key=lambda o: (o.at.astimezone(dt.timezone.utc), o.ip))


def _wording(request, kind: str, listed: bool, stage: str) -> dict[str, str]:
    """What the catalogue's ``{addresses}`` and ``{account}`` say in this letter: the
    letter never points at a list it does not print, and a network owner has no account."""
    if listed:
        addresses = "the IP addresses listed above"
    elif kind == "isp":
        addresses = "the IP addresses assigned to the account"
    elif kind == "third-party":
        addresses = "the IP addresses your network used"
    else:
        addresses = ("the IP addresses under investigation" if stage == "investigation"
                     else "the IP addresses at issue in this case")
    if kind == "third-party":
        account = "your network"
    elif request.account:
        account = f"account {request.account}"
    else:
        account = "the subscriber's account"
    return {"addresses": addresses, "account": account}


def _fill(text: str, wording: dict[str, str]) -> str:
    for token, phrase in wording.items():
        text = text.replace("{" + token + "}", phrase)
    return text


def _fit_citation(citation: str | None, forum: str, ninth: bool, cable: bool) -> str | None:
    """The parts of an item's citation that are authority in this forum, to this recipient."""
    if not citation:
        return None
    kept = []
    for part in (p.strip() for p in citation.split(";")):
        if forum != "US" and any(marker in part for marker in _FEDERAL_ONLY):
            continue
        if not (forum == "US" and ninth) and any(marker in part for marker in _NINTH_ONLY):
            continue
        if not cable and any(marker in part for marker in _CABLE_ONLY):
            continue
        kept.append(part)
    return "; ".join(kept) or None


def _in_ninth_circuit(matter, request) -> bool:
    """A federal matter before a court in the Ninth Circuit (from the court's name, or a
    U.S. Attorney's office named for its district)."""
    if matter.jurisdiction != "US":
        return False
    places = [matter.court or ""]
    if request.recipient.kind == "prosecutor":
        places.append(request.recipient.name)
    return any(re.search(rf"\b{state}\b", place) for place in places for state in NINTH_CIRCUIT)


def _items(inputs: Inputs, i: int, request):
    kind = request.recipient.kind
    rules = inputs.rules
    if request.items is None:
        return rules.items_for(kind)
    chosen = []
    for j, item_id in enumerate(request.items):
        where = inputs.loaded.where("preservation", i, "items", j)
        item = rules.item(item_id, **where)
        if kind not in item.kinds:
            suits = [it.id for it in rules.preservation.values() if kind in it.kinds]
            raise CaseFileError(
                f"item {shown(item_id)} does not suit a recipient of kind {kind}; items for {kind}: {', '.join(suits)}",
                **where,
            )
        chosen.append(item)
    order = list(rules.preservation)
    unique = {it.id: it for it in chosen}
    return sorted(unique.values(), key=lambda it: order.index(it.id))


def skeleton(rules, jurisdiction: str | None) -> list[str]:
    """The preservation: section of `drafting new`."""
    fill = f"  {FILL_IN}"
    return [
        "preservation:                     # one letter per recipient; copy the entry for more",
        "  - recipient:",
        f"      name: \"\"{fill}: who holds the records, e.g. Sierra Cable Communications, LLC",
        "      kind: isp                   # isp | agency | prosecutor | third-party",
        "      # attention: Legal Response Center",
        f"      address: []{fill}: postal address, one line per item",
        "      # email: legal@example.net",
        "      # reference: \"305A-SC-3345678\"  # the recipient's own file number",
        "    # account: \"8835-1120\"",
        "    # identify_client: false      # default: true for agency/prosecutor, false for isp/third-party",
        "    period:",
        f"      from: \"\"{fill}: first day of the period, e.g. 2026-08-01",
        f"      to: \"\"{fill}: last day of the period, e.g. 2026-10-31",
        "    # observations:               # optional; IPv4 or IPv6; times in any zone",
        "    #   - {ip: 203.0.113.45, port: 51413, at: \"2026-09-14 03:22:10 -07:00\", software: BitTorrent}",
        "    #   - {ip: \"2001:db8::45\", port: 6881, at: \"2026-10-03T18:40:00Z\"}",
        "    # items: [ip-assignment-logs]  # optional; default: the catalogue's items for the kind:",
        *wrapped("    #                               ", ", ".join(rules.preservation)),
        "    # respond_within_days: 10",
    ]


SCHEMA = rec(
    _doc="One context per recipient.",
    **common_schema("preservation"),
    request=rec(
        recipient=rec(name=text("Sierra Cable Communications, LLC"), kind=enum(*KIND_LABELS),
                      kind_label=enum(*KIND_LABELS.values()), attention=text(optional=True),
                      address=list_of(text(), min_items=1), email=text("legal@example.net", optional=True),
                      reference=text("305A-SC-3345678", optional=True,
                                     doc="the recipient's own file or case number"),
                      cable_operator=boolean(doc="the case's `cable_operator`; default: an ISP with \"Cable\" "
                                                 "in its name")),
        salutation=text("To the Custodian of Records:",
                        doc='to the person or office of the attention line ("Dear AUSA Daniel Okoye:", '
                            '"To the Legal Response Center:"), else "To the Custodian of Records:" '
                            '(isp, third-party, agency) or "Dear Counsel:" (prosecutor)'),
        identify_client=boolean(doc="whether the letter may name the client and the matter (the case's "
                                    "`identify_client`; default true for agency and prosecutor, false otherwise)"),
        account=text("8835-1120", optional=True),
        period=rec(start=date(), end=date()),
        observations=list_of(rec(ip=text("203.0.113.45", doc='canonical ("203.0.113.45", "2001:db8::1")'),
                                 ip_version=enum(4, 6), port=integer(51413, optional=True),
                                 at_utc=text("2026-09-14 10:22:10 UTC", doc='"2026-09-14 10:22:10 UTC"'),
                                 at_given=text("2026-09-14 03:22:10 -07:00",
                                               doc='the time as the case gave it: "2026-09-14 03:22:10 -07:00", '
                                                   '"… PDT", "… America/Los_Angeles"'),
                                 software=text(optional=True)),
                             each="obs",
                             doc="sorted by time, duplicates dropped; for an agency or prosecutor whose own list "
                                 "is empty, the observations of every request of the case"),
        items=list_of(rec(id=text("ip-assignment-logs", doc='"ip-assignment-logs"'),
                          text=text(doc="what to preserve, one sentence ({addresses} and {account} filled in)"),
                          citation=text(optional=True, doc="only the parts that are authority in the matter's "
                                                           "forum")),
                      each="item", doc="in catalogue order"),
        asks_cgnat=boolean(doc="the items include cgnat-port-logs"),
        authority=rec(discovery=text("Fed. R. Crim. P. 16(a)(1)(E)", optional=True,
                                     doc='the forum\'s discovery rule ("Fed. R. Crim. P. 16(a)(1)(E)", '
                                         '"Cal. Penal Code § 1054.1", …)'),
                      custody=text("18 U.S.C. § 3509(m)", optional=True,
                                   doc="the statute keeping material depicting minors in the prosecution's "
                                       "custody (\"18 U.S.C. § 3509(m)\", Texas, Florida)"),
                      copies_allowed=text("Cal. Penal Code § 1054.10", optional=True,
                                          doc="where defense counsel may receive copies "
                                              "(\"Cal. Penal Code § 1054.10\")"),
                      ninth_circuit=boolean(doc="a federal matter before a court of the Ninth Circuit (Budziak is "
                                                "its authority)")),
        respond_within_days=integer(10),
        respond_by=date(doc="moved to the next business day (weekends, U.S. federal holidays)"),
        respond_by_moved=boolean(doc="whether it was moved"),
    ),
)

KIND = Kind(
    name="preservation",
    title="Preservation request",
    summary="request to preserve file-sharing evidence, one letter per recipient",
    sections=("preservation",),
    build=build,
    schema=SCHEMA,
    skeleton=skeleton,
    suffixes=suffixes,
    per_entry=PerEntry(section="preservation", name="request"),
)
