"""Build the bundled Word templates: engagement, preservation and advisory letters.

    python tools/build_templates.py [--out DIR]        # default: templates/

The output is committed (``templates/*.docx``); ``tests/test_templates_in_step.py``
checks that it matches what this script builds. Firms customize copies of the output in
Word. The templates use only the names in ``docs/CONTEXT.md``; an optional ("Missing")
field is printed only inside an ``{% if %}`` on that field. Shared pieces (styles,
letterhead, headers and footers, tables, signature block) are in ``tools/docx_parts.py``;
each letter below is one function per section, in the order the letter reads.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from docx_parts import (  # noqa: E402
    acknowledgement,
    cited,
    copy_line,
    data_table,
    heading,
    letterhead_and_page_furniture,
    new_document,
    opening,
    para,
    save,
    signature_block,
    table_gap,
    tag,
)

CONFIDENTIAL = "PRIVILEGED & CONFIDENTIAL \u2014 ATTORNEY-CLIENT COMMUNICATION"
CLIENT_ADDRESS = ["{{ client.name }}", ("for line in client.address", "{{ line }}")]


# =======================================================================================
# Engagement letter
# =======================================================================================


def engagement():
    doc = new_document("Engagement letter")
    letterhead_and_page_furniture(doc, "client.name")
    opening(
        doc,
        legend=CONFIDENTIAL,
        recipient_lines=CLIENT_ADDRESS,
        re_lines=[
            "Engagement of counsel \u2014 {{ client.name }}",
            "Matter No. {{ matter.id }}",
            "{{ matter.reference }}",
            ("matter.agency", "Investigating agency: {{ matter.agency }}"),
        ],
        salutation="Dear {{ client.salutation }}:",
    )
    _engagement_intro(doc)
    _engagement_charges(doc)
    _engagement_scope(doc)
    _engagement_exclusions(doc)
    _engagement_fees(doc)
    _engagement_trust(doc)
    _engagement_costs(doc)
    _engagement_third_party(doc)
    _engagement_media_rights(doc)
    _engagement_no_guarantee(doc)
    _engagement_client_duties(doc)
    _engagement_termination(doc)
    _engagement_file(doc)
    _engagement_state_clauses(doc)
    _engagement_agreement(doc)
    signature_block(doc, "Very truly yours,")
    acknowledgement(doc, "I have read and agree to the terms above."
                         "{% if engagement.payor %} I consent to {{ engagement.payor.name }} paying our "
                         "fees and costs on the terms set out under \u201cWho pays our fee\u201d.{% endif %}",
                    "{{ client.name }}")
    copy_line(doc)
    _engagement_payor_acknowledgement(doc)
    return doc


def _engagement_intro(doc):
    para(doc, "Normal",
         "Thank you for choosing {{ firm.name }}. This letter sets out the terms on which we "
         "will represent you: the work we will do, the work we will not do, what it will cost, "
         "and what each of us will do. Please read it carefully and ask us about anything that "
         "is not clear.")
    para(doc, "Normal",
         "This letter is a confidential communication between lawyer and client. It is "
         "protected by the attorney-client privilege, the rule that keeps what passes between "
         "you and your lawyer confidential. Keep it in a safe place and do not show it to "
         "anyone else: sharing it can end that protection.")


def _engagement_charges(doc):
    heading(doc, "{{ charges_heading }}")
    tag(doc, "{%p if charges %}")
    para(doc, "Lead-in",
         '{% if matter.stage == "investigation" %}No charges have been filed against you. '
         "These are the charges the investigation could lead to:"
         "{% else %}This agreement covers these charges:{% endif %}")
    data_table(
        doc,
        [("Statute", 1.9), ("Offense", 3.8), ("Counts", 0.8)],
        "charge in charges",
        ["{{ charge.statute }}", "{{ charge.title }}", "{{ charge.counts }}"],
    )
    table_gap(doc)
    tag(doc, "{%p else %}")
    para(doc, "Normal",
         '{% if matter.stage == "investigation" %}No charges have been filed against you.'
         "{% else %}The charges are not yet listed in our file. We will confirm them with you "
         "in writing.{% endif %}")
    tag(doc, "{%p endif %}")


# What the firm still does at judgment, said once where the scope ends; when an appeal is
# excluded, the firm still protects the right to one (the deadline is short).
_APPEAL_AT_JUDGMENT = (
    "{when}we will tell you in writing about your right to appeal and the deadline to file a "
    "notice of appeal{% if engagement.appeal_deadline %}, which in a federal case is "
    "{{ engagement.appeal_deadline }}{% endif %}."
    "{% if engagement.appeal_excluded %} This agreement does not cover an appeal, but if you "
    "ask us before the deadline, we will file the notice of appeal for you so that the right is "
    "not lost, and we will help you find appellate counsel.{% endif %}"
)


def _engagement_scope(doc):
    heading(doc, "Scope of our work")
    tag(doc, '{%p if matter.stage == "investigation" %}')
    para(doc, "Lead-in",
         "We will represent you during the pre-charge investigation"
         "{% if matter.agency %} by {{ matter.agency }}{% endif %}. A pre-charge investigation "
         "is the time before any charge is filed in court. During it we will:")
    for item in (
        "advise you about the investigation and about your rights, including your right not to answer questions;",
        "communicate for you with the investigators and the prosecutors, so that they deal with us and not with you;",
        "gather and preserve evidence that may help you; and",
        "where it is in your interest, try to persuade the prosecutors not to file charges, or to limit them.",
    ):
        para(doc, "Bullet Item", item)
    para(doc, "Normal",
         "**If charges are filed, this agreement does not cover defending them in court.** "
         "Representing you after charges are filed needs a new written agreement and a "
         "further fee. We will discuss both with you at that time.")
    tag(doc, '{%p elif matter.stage == "charged" %}')
    para(doc, "Lead-in",
         "We will represent you in {{ matter.reference_prose }} through trial or plea and, if "
         "you are convicted, through sentencing in the trial court. This includes:")
    for item in (
        "reviewing the evidence the prosecution must share with the defense (called discovery);",
        "investigating the facts, with experts where needed;",
        "preparing, filing and arguing pretrial motions;",
        "negotiating with the prosecutors;",
        "trial, or a plea if you decide to accept one; and",
        "sentencing in the trial court, if you are convicted.",
    ):
        para(doc, "Bullet Item", item)
    para(doc, "Normal",
         "Some decisions are yours alone: whether to plead guilty, whether to testify, and "
         "whether to give up a jury. We will advise you; you decide. Our work under this "
         "agreement ends when the trial court enters judgment or the case is dismissed. "
         + _APPEAL_AT_JUDGMENT.replace("{when}", "If you are convicted, "))
    tag(doc, "{%p else %}")
    para(doc, "Lead-in",
         "You have been convicted in {{ matter.reference_prose }}. We will represent you in "
         "the trial court from now through sentencing. This includes:")
    for item in (
        "reviewing the record of your case and any presentence report;",
        "gathering mitigating evidence, with experts where needed, and preparing a sentencing memorandum;",
        "appearing for you at the sentencing hearing; and",
        "advising you on the conditions of your sentence and on any registration duties that follow from it.",
    ):
        para(doc, "Bullet Item", item)
    para(doc, "Normal",
         "Our work under this agreement ends when the trial court enters judgment. "
         + _APPEAL_AT_JUDGMENT.replace("{when}", "When it does, "))
    tag(doc, "{%p endif %}")


def _engagement_exclusions(doc):
    heading(doc, "What this agreement does not cover")
    tag(doc, "{%p if engagement.excluded %}")
    para(doc, "Lead-in", "This agreement does not cover:")
    tag(doc, "{%p for x in engagement.excluded %}")
    para(doc, "Numbered Item", "{{ x }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    para(doc, "Normal",
         "We do not handle any other matter for you unless we both agree in writing. If you "
         "need help with a matter this agreement does not cover, we can discuss a separate "
         "written agreement or refer you to another lawyer.")


def _engagement_fees(doc):
    heading(doc, "Our fee")
    tag(doc, '{%p if engagement.fee.type == "flat" and engagement.fee.amount %}')
    para(doc, "Normal",
         "Our fee for the work described above is a flat fee of "
         "**{{ engagement.fee.amount|money }}**. A flat fee is a fixed amount for the whole "
         "of that work. It does not change with the number of hours we spend, and it does not "
         "include costs, which are described below.")
    para(doc, "Normal",
         "{% if engagement.nonrefundable %}You agree that this flat fee is nonrefundable: we "
         "earn it when we receive it.{% else %}We earn the flat fee as we do the work, and it is "
         "fully earned {{ engagement.earned_when }}. If our work ends before then, we will keep "
         "only the reasonable value of the work we have done and refund the rest.{% endif %}")
    tag(doc, "{%p endif %}")
    tag(doc, '{%p if engagement.fee.type == "hourly" and engagement.fee.rate %}')
    para(doc, "Normal",
         "{{ attorney.name }}\u2019s time is charged at **{{ engagement.fee.rate|money }} per "
         "hour**. We bill time in units of {{ engagement.billing_increment_minutes }} "
         "minutes{% if engagement.billing_increment_minutes == 6 %} (a tenth of an hour)"
         "{% endif %}; the time for each task is rounded up to the next unit. We will "
         "send you regular statements showing the work done, who did it, the time spent, and "
         "the costs incurred, and you may ask for a statement at any time.")
    tag(doc, "{%p endif %}")
    tag(doc, '{%p if engagement.fee.type == "hourly" and engagement.rates %}')
    para(doc, "Lead-in", "Others at the firm who work on your case charge for their time at these rates:")
    tag(doc, "{%p for r in engagement.rates %}")
    para(doc, "Bullet Item", "{{ r.role }}: {{ r.rate|money }} per hour")
    tag(doc, "{%p endfor %}")
    para(doc, "Normal",
         "We assign work to the person who can do it well at the lowest rate.")
    tag(doc, "{%p endif %}")
    tag(doc, '{%p if engagement.fee.type == "hourly" and engagement.fee.retainer %}')
    para(doc, "Normal",
         "Before we begin, you will pay an advance retainer of "
         "**{{ engagement.fee.retainer|money }}**. An advance retainer is a deposit against "
         "future fees. We will bill our fees and costs against it. If it runs low, we may ask "
         "you to add to it, and we will return any part of it that has not been earned when "
         "our work ends.")
    tag(doc, "{%p endif %}")
    para(doc, "Normal",
         "Our fee does not depend on the outcome of your case. The rules do not allow a "
         "contingent fee, one that depends on the result, in a criminal case "
         "(ABA Model Rule of Professional Conduct 1.5(d)(2)"
         "{% if engagement.rules.fee %}; {{ engagement.rules.fee }}{% endif %}).")


def _engagement_trust(doc):
    heading(doc, "Advance payments and the trust account")
    tag(doc, '{%p if engagement.fee.type == "hourly" %}')
    para(doc, "Normal",
         "We will deposit your advance retainer"
         "{% if engagement.costs_deposit %} and your costs deposit{% endif %} in our client "
         "trust account: a bank account that holds clients' money apart from the firm's own "
         "money. We will withdraw money from it only as we earn fees or pay costs for you "
         "(ABA Model Rule 1.15(c){% if engagement.rules.trust %}; {{ engagement.rules.trust }}"
         "{% endif %}).")
    tag(doc, "{%p elif engagement.flat_fee_in_trust %}")
    para(doc, "Normal",
         "We will deposit the flat fee in our client trust account: a bank account that holds "
         "clients' money apart from the firm's own money. The fee stays in that account until "
         "we earn it, and we will withdraw it only as it is earned (ABA Model Rule 1.15(c)"
         "{% if engagement.rules.trust %}; {{ engagement.rules.trust }}{% endif %})."
         '{% if matter.jurisdiction == "CA" %} California Rule of Professional Conduct 1.15 '
         "requires this unless you agree otherwise in writing.{% endif %}")
    tag(doc, "{%p else %}")
    # Florida: a nonrefundable fee must be agreed in writing and stays subject to the rule
    # against excessive fees (R. Regulating Fla. Bar 4-1.5; Fla. Bar Ethics Op. 93-2)
    para(doc, "Normal",
         "Because the flat fee is nonrefundable and earned when we receive it, it need not be "
         "held in a trust account (R. Regulating Fla. Bar 4-1.5), and we will deposit it in the "
         "firm\u2019s operating account. You agree to this by signing this letter. A "
         "nonrefundable fee is still subject to the rule that a lawyer\u2019s fee may not be "
         "clearly excessive: if our representation ends before the work is done, you may ask "
         "us to review whether any part of it should be refunded. Money paid in advance for costs is different: it goes into our client trust "
         "account, a bank account that holds clients' money apart from the firm's own money, "
         "and we withdraw it only as costs are incurred (R. Regulating Fla. Bar 5-1.1).")
    tag(doc, "{%p endif %}")


def _engagement_costs(doc):
    heading(doc, "Costs and expert deposit")
    para(doc, "Normal",
         "Costs are the expenses of the defense other than our fee. In a case like yours they "
         "often include a forensic examiner to analyze computers and phones, an investigator, "
         "expert witnesses, and transcripts. You are responsible for costs.")
    tag(doc, "{%p if engagement.costs_deposit %}")
    para(doc, "Normal",
         "You will pay a deposit of **{{ engagement.costs_deposit|money }}** toward costs. We "
         "hold it in our client trust account and use it only for the costs of your case. We "
         "will ask for your "
         "approval before we hire an expert or investigator. When our work ends, we will "
         "return any part of the deposit that has not been spent.")
    tag(doc, "{%p else %}")
    para(doc, "Normal",
         "We will bill costs to you as they are incurred. We will ask for your approval before "
         "we hire an expert or investigator or incur any other significant cost.")
    tag(doc, "{%p endif %}")


def _payor_rules(extra: str = "") -> str:
    return ("(ABA Model Rule 1.8(f){% if engagement.rules.payor %}; {{ engagement.rules.payor }}"
            "{% endif %}" + extra + ")")


def _engagement_third_party(doc):
    tag(doc, "{%p if engagement.payor %}")
    heading(doc, "Who pays our fee")
    para(doc, "Normal",
         "{{ engagement.payor.name }}{% if engagement.payor.relationship %}, your "
         "{{ engagement.payor.relationship }},{% endif %} will pay our fees and costs for you. "
         "A lawyer may accept payment from someone other than the client only if the client "
         "agrees{% if engagement.rules.payor_consent_in_writing %} in writing, after being told "
         "what that means{% endif %}, the lawyer\u2019s independent professional judgment is "
         "kept, and the client\u2019s information stays confidential " + _payor_rules() + ".")
    for item in (
        "**You are our only client.** {{ engagement.payor.name }} is not. We take instructions "
        "from you alone, and {{ engagement.payor.name }} has no say in how we handle your case.",
        "**Your information stays confidential.** We will not tell {{ engagement.payor.name }} "
        "anything about your case, including what we learn and what we advise, unless you tell "
        "us that we may. Paying our fees gives no right to information.",
        "**Our judgment stays independent.** If the interests of {{ engagement.payor.name }} and "
        "yours ever conflict, we will act in yours.",
        "**If the payments stop,** you remain responsible for our fees and costs under this "
        "agreement. Any refund of an unearned advance goes to {{ engagement.payor.name }}, who "
        "paid it, unless you and {{ engagement.payor.name }} agree otherwise in writing.",
    ):
        para(doc, "Bullet Item", item)
    para(doc, "Normal",
         "By signing the acknowledgement below, you consent to {{ engagement.payor.name }} "
         "paying on these terms. We will ask {{ engagement.payor.name }} to sign the separate "
         "acknowledgement on the last page, which we will send without the rest of this letter.")
    tag(doc, "{%p else %}")
    heading(doc, "If someone else pays")
    para(doc, "Normal",
         "A family member or someone else may pay our fees or costs for you, but only if you "
         "agree{% if engagement.rules.payor_consent_in_writing %} in writing{% endif %}. Whoever "
         "pays, you are our only client. We take instructions from you, not from the person who "
         "pays; that person has no say in our professional judgment; and we keep your "
         "information confidential from that person unless you tell us otherwise "
         + _payor_rules() + ".")
    tag(doc, "{%p endif %}")


def _engagement_media_rights(doc):
    heading(doc, "Media and book rights")
    para(doc, "Normal",
         "Before this matter ends, we will not make or negotiate any agreement that gives us "
         "media, book, or film rights to your story (ABA Model Rule 1.8(d)).")


def _engagement_payor_acknowledgement(doc):
    """A page of its own, so that it can go to the payor without the letter."""
    tag(doc, "{%p if engagement.payor %}")
    para(doc, "Page Heading", "Acknowledgement of the person paying our fees")
    para(doc, "Acknowledgement",
         "I, {{ engagement.payor.name }}, will pay the fees and costs of {{ firm.name }} for its "
         "representation of {{ client.name }} (matter No. {{ matter.id }}). I understand that "
         "{{ client.name }} is the firm\u2019s only client; that the firm takes instructions "
         "from {{ client.name }} alone and keeps its independent professional judgment; that it "
         "will not share {{ client.name }}\u2019s confidential information with me without "
         "{{ client.name }}\u2019s consent; and that paying gives me no right to direct the "
         "representation or to be told about it " + _payor_rules() + ".")
    para(doc, "Acknowledgement Line", "\t\t\t")
    para(doc, "Acknowledgement Name", "{{ engagement.payor.name }}\tDate")
    tag(doc, "{%p endif %}")


def _engagement_no_guarantee(doc):
    heading(doc, "No guarantee of outcome")
    para(doc, "Normal",
         "We will work hard for you, but no lawyer can promise a result. Nothing we have said "
         "or written is a promise about how your case will end. Any view we give you about "
         "likely outcomes is our professional opinion, not a guarantee.")


def _engagement_client_duties(doc):
    heading(doc, "What we need from you")
    para(doc, "Lead-in", "To defend you well, we need your help. Please:")
    for item in (
        "tell us the truth and everything you know, even if you think it hurts your case;",
        "keep us informed: tell us at once if anyone contacts you about the case (police, "
        "investigators, prosecutors, or reporters) and if your address, phone number, or "
        "email changes;",
        "**do not discuss your case with anyone except us**: not with family or friends, and "
        "not by phone, text, email, or social media. Those conversations are not "
        "confidential, and what you say can be used against you; and",
        "come to every meeting and court date, and pay fees and costs as this letter provides.",
    ):
        para(doc, "Bullet Item", item)
    para(doc, "Normal",
         "**Do not delete, wipe, reset, or dispose of any device, account, or file: no phone, "
         "computer, tablet, storage device, online account, message, or file, even one you "
         "think has nothing to do with the case.** "
         "{% if engagement.tampering %}Destroying, altering, or hiding evidence is a separate "
         "crime under {{ matter.jurisdiction_name }} law ({{ engagement.tampering }}). It can also "
         "be a federal crime, punishable by up to 20 years in prison, when a federal agency could "
         "be concerned (18 U.S.C. \u00a7 1519)"
         '{% elif matter.is_federal %}Destroying, altering, or hiding a record or object to '
         "obstruct a federal investigation is a separate federal crime, punishable by up to 20 "
         "years in prison (18 U.S.C. \u00a7 1519)"
         "{% else %}Destroying, altering, or hiding evidence can be a separate crime under state "
         "law, and a federal crime, punishable by up to 20 years in prison, when a federal agency "
         "could be concerned (18 U.S.C. \u00a7 1519){% endif %}. The federal law reaches objects "
         "that store information, such as phones and computers (*Yates v. United States*, 574 "
         "U.S. 528 (2015)). If you are unsure whether you may use, repair, or replace a device, "
         "ask us first.")
    para(doc, "Normal",
         "**Do not bring or send us any device, file, or image that may hold illegal "
         "material.** We will not take possession of contraband. If you have a question about "
         "a device or a file, talk to us first.")


def _engagement_termination(doc):
    heading(doc, "Ending our work and refunds")
    para(doc, "Normal",
         "You may end our representation at any time by telling us in writing. We may "
         "withdraw for reasons the rules of professional conduct allow, for example if fees or "
         "costs are not paid as agreed. If a case is pending in court, we may need the court's "
         "permission to withdraw, and we will keep representing you until the court gives it "
         "(ABA Model Rule 1.16(c){% if engagement.rules.termination %}; "
         "{{ engagement.rules.termination }}{% endif %}).")
    para(doc, "Normal",
         "When our work ends, for any reason, we will give you reasonable notice, return your "
         "papers and property, and refund any part of an advance payment of fees or costs that "
         "has not been earned or spent (ABA Model Rule 1.16(d){% if engagement.rules.termination %}; "
         "{{ engagement.rules.termination }}{% endif %}).")


def _engagement_file(doc):
    heading(doc, "Your file")
    para(doc, "Normal",
         "When our work ends, you may ask for your file. We will keep our file for the period "
         "our file-retention policy and the rules that govern us require, and then destroy it "
         "confidentially. We will not keep or hand over any material that the law forbids "
         "anyone but the government to possess.")


def _engagement_state_clauses(doc):
    tag(doc, "{%p if engagement.ca_6148 %}")
    heading(doc, "California Business and Professions Code \u00a7 6148")
    para(doc, "Normal",
         "California law requires a written fee agreement when the total expense to you is "
         "reasonably foreseeable to exceed $1,000 (Cal. Bus. & Prof. Code \u00a7 6148). This "
         "letter is that agreement. It states the basis of our compensation (\u201cOur fee\u201d "
         "and \u201cCosts and expert deposit\u201d), the general nature of the legal services we "
         "will provide (\u201cScope of our work\u201d), and the responsibilities of the firm and "
         "of you under this agreement (\u201cWhat we need from you\u201d and the rest of this "
         "letter). An agreement that does not meet section 6148 is voidable at your option. "
         "We will give you a copy signed by both of us.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if engagement.ny_part137 %}")
    heading(doc, "New York: letter of engagement and fee disputes")
    para(doc, "Normal",
         "This letter is our letter of engagement under 22 NYCRR Part 1215. It explains the "
         "scope of our services, our fees, our expenses, and our billing practices.")
    para(doc, "Normal",
         "New York\u2019s Fee Dispute Resolution Program (22 NYCRR Part 137) lets clients take "
         "some fee disputes with their lawyers to arbitration. That program does not apply to "
         "representation in criminal matters (22 NYCRR 137.1(b)(1)), so it may not be "
         "available for this engagement. If you disagree with any bill, please tell us "
         "promptly. We will try to resolve it with you, and we will tell you in writing about "
         "any other way of resolving it that is open to you.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if engagement.tx_grievance %}")
    heading(doc, "Texas: complaints about lawyers")
    para(doc, "Normal",
         "The State Bar of Texas investigates and prosecutes professional misconduct committed "
         "by Texas attorneys. Although not every complaint against or dispute with a lawyer "
         "involves professional misconduct, the State Bar\u2019s Office of Chief Disciplinary "
         "Counsel will give you information about how to file a complaint. Please call "
         "1-800-932-1900 (toll-free) for more information (Tex. Gov\u2019t Code \u00a7 81.079).")
    tag(doc, "{%p endif %}")


def _engagement_agreement(doc):
    heading(doc, "Our agreement")
    # kept with the closing, the signatures and the acknowledgement: the signing page is
    # never a page of signatures alone
    para(doc, "Final Paragraph",
         "This letter is our whole agreement. Any change must be in writing and signed by you "
         "and by us. If you agree to these terms, please sign and date the acknowledgement "
         "below and return this letter to us; our work begins when we receive it"
         '{% if engagement.fee.type == "flat" %} with the flat fee'
         "{% else %} with the advance retainer{% endif %}"
         "{% if engagement.costs_deposit %} and the costs deposit{% endif %}.")
    para(doc, "Final Paragraph",
         "If you have any questions, please email me at {{ attorney.email }}"
         "{% if attorney.phone %} or call me at {{ attorney.phone }}{% endif %}. We look "
         "forward to working with you.")


# =======================================================================================
# Preservation request (one letter per recipient)
# =======================================================================================


def preservation():
    doc = new_document("Preservation request")
    letterhead_and_page_furniture(doc, "request.recipient.name")
    opening(
        doc,
        legend="PRESERVATION REQUEST \u2014 DO NOT DESTROY",
        delivery=[
            ("request.recipient.email",
             "VIA EMAIL ({{ request.recipient.email }}) AND CERTIFIED MAIL",
             "VIA CERTIFIED MAIL"),
        ],
        recipient_lines=[
            "{{ request.recipient.name }}",
            ("request.recipient.attention", "Attn: {{ request.recipient.attention }}"),
            ("for line in request.recipient.address", "{{ line }}"),
        ],
        # A provider or network owner learns the account, the period and the addresses,
        # never the client or the kind of case (identify_client, SPEC).
        re_lines=[
            ("request.identify_client", "Preservation of records \u2014 {{ client.name }}",
             "Preservation of records"),
            ("request.identify_client", "{{ matter.reference }}"),
            ('request.identify_client and matter.agency and matter.agency != request.recipient.name',
             "Investigating agency: {{ matter.agency }}"),
            ("request.recipient.reference", "Your reference: {{ request.recipient.reference }}"),
            ("request.identify_client", "Our matter No. {{ matter.id }}"),
            ("request.account", "Account: {{ request.account }}"),
            "Period: {{ request.period.start|long_date }} through {{ request.period.end|long_date }}",
        ],
        salutation="{{ request.salutation }}",
    )
    _preservation_purpose(doc)
    _preservation_observations(doc)
    _preservation_items(doc)
    _preservation_isp(doc)
    _preservation_government(doc)
    _preservation_third_party(doc)
    _preservation_request_or_notice_and_deadline(doc)
    # a letter to someone outside the firm carries no internal cc (LETTERS.md)
    signature_block(doc, "Very truly yours,", keep_with_next=False)
    return doc


def _preservation_purpose(doc):
    para(doc, "Normal",
         "{% if request.identify_client %}This firm represents {{ client.name }}"
         '{% if matter.stage == "investigation" %} in connection with '
         "{% if matter.agency and request.recipient.name == matter.agency %}your pending investigation"
         "{% else %}a pending investigation{% if matter.agency %} ({{ matter.agency }}){% endif %}{% endif %}"
         "{% else %} in {{ matter.reference_prose }}{% endif %}."
         "{% else %}We write on behalf of a client of this firm.{% endif %} We ask you to "
         "preserve, and not to destroy, alter, or overwrite, the records described below for the "
         "period from {{ request.period.start|long_date }} through "
         "{{ request.period.end|long_date }}. **Please act at once.** "
         '{% if request.recipient.kind == "isp" or request.recipient.kind == "third-party" %}'
         "Records of this kind, such as logs of IP-address assignments, are often kept for "
         "only days or weeks before they are deleted or overwritten in the ordinary course."
         "{% else %}Records of this kind, such as software logs and network captures, can be "
         "overwritten or purged in routine operation within days or weeks.{% endif %}")


def _preservation_observations(doc):
    tag(doc, "{%p if request.observations %}")
    para(doc, "Lead-in",
         "The request concerns in particular the following network activity (each time in "
         "Coordinated Universal Time, UTC, and as it was recorded):")
    data_table(
        doc,
        # a UTC time fits its column on one line; IPv6 addresses and zone names may wrap
        [("IP address", 1.5), ("Port", 0.55), ("Time (UTC)", 1.75), ("Time as recorded", 1.75),
         ("Software", 0.95)],
        "obs in request.observations",
        [
            "{{ obs.ip }}",
            "{% if obs.port %}{{ obs.port }}{% else %}\u2014{% endif %}",
            "{{ obs.at_utc }}",
            "{{ obs.at_given }}",
            "{% if obs.software %}{{ obs.software }}{% else %}\u2014{% endif %}",
        ],
    )
    table_gap(doc)
    tag(doc, "{%p endif %}")


def _preservation_items(doc):
    para(doc, "Lead-in", "For the whole period, please preserve:")
    tag(doc, '{%p for item in request["items"] %}')  # not request.items: dict.items
    # the builder keeps only the parts of a citation that are authority in this forum
    cited(doc, "Numbered Item", "{{ item.text }}", "item.citation", optional=True)
    tag(doc, "{%p endfor %}")
    para(doc, "Normal",
         "This request covers records in any form, paper or electronic, including backups and "
         "archives, wherever they are kept. Please suspend any routine deletion, rotation, or "
         "overwriting that would affect them, and keep with them whatever is needed to read "
         "them, such as the time zone of each time stamp.")


def _preservation_isp(doc):
    tag(doc, '{%p if request.recipient.kind == "isp" %}')
    para(doc, "Normal",
         "We ask only for non-content records, not for the content of any communication. The "
         "Stored Communications Act permits a provider to disclose such records about a "
         "subscriber to any person other than a governmental entity (18 U.S.C. "
         "\u00a7 2702(c)(6)).")
    tag(doc, "{%p if request.recipient.cable_operator %}")
    # 47 U.S.C. § 551 binds cable operators only; § 551(e) holds off destruction for a
    # pending court order or subscriber request, not for a letter like this one.
    para(doc, "Normal",
         "As a cable operator, you may disclose subscriber information under a court order, "
         "with notice to the subscriber (47 U.S.C. \u00a7 551(c)(2)(B)). Federal law requires a "
         "cable operator to destroy personally identifiable information once it is no longer "
         "needed, unless the subscriber's own request for access to it (47 U.S.C. \u00a7 551(d)) "
         "or a court order for access to it is pending (47 U.S.C. \u00a7 551(e)). We intend to "
         "seek a court order for these records, and ask that you keep them until it is served.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if request.asks_cgnat %}")
    para(doc, "Normal",
         "If these addresses were shared through carrier-grade network address translation "
         "(CGNAT), one public IP address may have served many customers at the same moment, "
         "and only the source port, with the exact time, identifies the customer"
         "{% if request.observations %}; the ports are given above{% endif %}.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endif %}")


def _preservation_government(doc):
    tag(doc, '{%p if request.recipient.kind == "agency" or request.recipient.kind == "prosecutor" %}')
    para(doc, "Normal",
         "The records listed above are material to preparing the defense and "
         '{% if matter.stage == "investigation" %}will fall within the scope of discovery if '
         "charges are filed{% else %}fall within the scope of discovery{% endif %}"
         "{% if request.authority.discovery %} ({{ request.authority.discovery }}){% endif %}. "
         "Some may be favorable to the defense, and evidence of that kind must be disclosed "
         "(*Brady v. Maryland*, 373 U.S. 83 (1963)).")
    para(doc, "Normal",
         "The government must preserve evidence whose exculpatory value is apparent "
         "(*California v. Trombetta*, 467 U.S. 479 (1984)), and the loss of evidence that is "
         "only potentially useful violates due process when it results from bad faith "
         "(*Arizona v. Youngblood*, 488 U.S. 51 (1988)). This letter puts on record, before "
         "any loss can occur, that the defense regards these materials as significant and asks "
         "that they be kept.")
    para(doc, "Normal",
         "Those materials include the records of any software used to detect file-sharing "
         "activity: its name, version, configuration, logs, and testing."
         "{% if request.authority.ninth_circuit %} The denial of discovery about such "
         "software has been held an abuse of discretion (*United States v. Budziak*, 697 F.3d "
         "1105 (9th Cir. 2012)).{% endif %}")
    tag(doc, "{%p if request.authority.custody %}")
    para(doc, "Normal",
         "We acknowledge that material depicting a minor must remain in the care, custody, and "
         "control of the prosecution or the court ({{ request.authority.custody }}). **We do "
         "not ask for copies of any such material.** We ask only that it be preserved, so that "
         "the defense can examine it when the time comes.")
    tag(doc, "{%p elif request.authority.copies_allowed %}")
    para(doc, "Normal",
         "We ask that any material depicting a minor be preserved as well. This request is for "
         "preservation; it does not waive the defense\u2019s right to copies of such material "
         "under {{ request.authority.copies_allowed }}.")
    tag(doc, "{%p else %}")
    para(doc, "Normal",
         "We ask that any material depicting a minor be preserved as well. This request is for "
         "preservation; it does not waive any right the defense has to examine or obtain such "
         "material in discovery.")
    tag(doc, "{%p endif %}")
    tag(doc, '{%p if request.recipient.kind == "prosecutor" %}')
    para(doc, "Normal",
         "Please forward this request to the investigating agency"
         "{% if matter.agency %} ({{ matter.agency }}){% endif %} and to every laboratory, "
         "task force, or other agency that holds these materials.")
    tag(doc, "{%p else %}")
    para(doc, "Normal",
         "Please pass this request to everyone in your agency, and in any partner agency or "
         "laboratory, who holds these materials.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endif %}")


def _preservation_third_party(doc):
    tag(doc, '{%p if request.recipient.kind == "third-party" %}')
    para(doc, "Normal",
         "The records of your network may show which devices were connected to it during the "
         "period. Please do not reset, replace, or discard the router, and do not change its "
         "settings in a way that would erase its logs.")
    tag(doc, "{%p endif %}")


def _preservation_request_or_notice_and_deadline(doc):
    # To the government: notice, on the record. To a provider or network owner: a request;
    # a third party owes the defense no duty it could be threatened with (Temple Community
    # Hospital v. Superior Court, 20 Cal. 4th 464 (1999)).
    tag(doc, '{%p if request.recipient.kind == "agency" or request.recipient.kind == "prosecutor" %}')
    para(doc, "Normal",
         "This letter gives you notice that these records are relevant to "
         '{% if matter.stage == "investigation" %}a criminal investigation and to any prosecution '
         "that follows it{% else %}a pending criminal case{% endif %}. Destroying or altering "
         "relevant evidence after such notice may be treated as "
         "spoliation of evidence, and a court may impose consequences for it.")
    tag(doc, "{%p else %}")
    para(doc, "Normal",
         "A subpoena or court order for these records may follow. Until then, we ask only that "
         "you keep them; you need not send us anything now.")
    tag(doc, "{%p endif %}")
    para(doc, "Final Paragraph",
         "**Please confirm in writing by {{ request.respond_by|long_date }} "
         "({{ request.respond_within_days }} days from the date of this letter"
         "{% if request.respond_by_moved %}, moved to the next business day{% endif %}) that "
         "the records described above are being preserved.** If any of them no longer exist, "
         "please tell us which, and when they were deleted. Please send your confirmation to "
         "me at {{ attorney.email }}{% if attorney.phone %} or call me at "
         "{{ attorney.phone }}{% endif %}. Thank you for your prompt attention to this "
         "request.")


# =======================================================================================
# Registration advisory
# =======================================================================================


def advisory():
    doc = new_document("Registration advisory")
    letterhead_and_page_furniture(doc, "client.name")
    opening(
        doc,
        legend=CONFIDENTIAL,
        recipient_lines=CLIENT_ADDRESS,
        re_lines=[
            "Registration consequences \u2014 {{ client.name }}",
            "Matter No. {{ matter.id }}",
            "{{ matter.reference }}",
        ],
        salutation="Dear {{ client.salutation }}:",
    )
    _advisory_intro(doc)
    _advisory_summary(doc)
    _advisory_sections(doc)
    _advisory_authorities(doc)
    signature_block(doc, "Sincerely,")
    copy_line(doc)
    return doc


def _advisory_intro(doc):
    para(doc, "Normal", "{{ advisory.intro }} Please read it carefully and keep it private.")
    para(doc, "Normal",
         "Two words come up throughout. **Registration** means giving law enforcement your "
         "personal details, such as where you live, work, and study, and keeping them up to date "
         "on a set schedule, for a set number of years or for life. Some laws sort registrants "
         "into **tiers** or **levels**; where they do, the sections below say what each one "
         "changes, such as how long registration lasts or how often the details must be confirmed.")
    para(doc, "Normal",
         "This letter states the law as of {{ letter_date|long_date }}. The law changes, and each "
         "state has its own rules. If you plan to live, work, or study in another state, ask us first.")


def _advisory_summary(doc):
    heading(doc, "Summary")
    tag(doc, "{%p if charges %}")
    para(doc, "Lead-in",
         "The table lists each {% if matter.stage == \"investigation\" %}potential "
         "{% endif %}charge, the penalty range the law sets for it, and the registration "
         "{% if matter.stage == \"convicted\" %}consequence of the conviction{% else %}consequence a "
         "conviction would carry{% endif %}.")
    data_table(
        doc,
        [("Statute", 1.2), ("Offense", 1.45), ("Penalty range", 1.8), ("Registration", 2.05)],
        "charge in charges",
        [
            "{{ charge.statute }}",
            "{{ charge.title }}{% if charge.counts > 1 %} ({{ charge.counts }} counts){% endif %}",
            "{{ charge.penalty }}",
            "{{ charge.registration }}",
        ],
        rows_may_split=True,
    )
    table_gap(doc)
    para(doc, "Small Print",
         "Penalty ranges are the limits the law sets, not a prediction of any sentence.")
    tag(doc, "{%p else %}")
    para(doc, "Normal",
         "No charges are listed in your case at this time. The sections below describe the "
         "registration rules that would apply to a conviction for an offense that requires "
         "registration.")
    tag(doc, "{%p endif %}")


def _advisory_sections(doc):
    """Each section the matter calls for (``drafting.advice`` chooses and words them)."""
    tag(doc, "{%p for section in sections %}")
    heading(doc, "{{ section.heading }}")
    tag(doc, "{%p if section.lead %}")
    para(doc, "Lead-in", "{{ section.lead }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for p in section.paragraphs %}")
    tag(doc, "{%p if loop.index == 2 and section.levels %}")
    data_table(
        doc,
        [("{{ section.level_heading }}", 1.6), ("How long registration lasts", 2.0), ("Verification", 2.9)],
        "level in section.levels",
        ["{{ level.label }}", "{{ level.duration }}", "{{ level.verification }}"],
        keep_together=True,
    )
    table_gap(doc)
    tag(doc, "{%p endif %}")
    para(doc, "Normal",
         "{% if p.label %}**{{ p.label }}.** {% endif %}{{ p.text }}"
         "{% if p.citation %} ({{ p.citation }}){% endif %}{% if p.review %} **{{ p.review }}**{% endif %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")


def _advisory_authorities(doc):
    tag(doc, "{%p if authorities %}")
    heading(doc, "Authorities relied on")
    tag(doc, "{%p for a in authorities %}")
    para(doc, "Authority", "{{ a }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")


# =======================================================================================

LETTERS = {"engagement": engagement, "preservation": preservation, "advisory": advisory}


def build(out_dir: Path) -> list[Path]:
    written = []
    for name, make in LETTERS.items():
        path = out_dir / f"{name}.docx"
        save(make(), path)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "templates",
                        help="where to write the templates (default: templates/)")
    args = parser.parse_args(argv)
    for path in build(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
