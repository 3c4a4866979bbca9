"""The completeness rules (``cooperation.rules``), plain: each rule with a request that breaks it
and one that does not, starting from a complete request for bank records."""

from dataclasses import replace
from datetime import date

import pytest

from palermo.cooperation import rules
from palermo.cooperation.rules import (
    Kind,
    Offence,
    Person,
    Request,
    Requested,
    RequestError,
    Severity,
    check,
    read_request,
)


def bank_records(**changes) -> Request:
    """A complete request for bank records under the Convention (fictional)."""
    request = Request(
        kind=Kind.MLA,
        requesting_state="ARG",
        requested_state="ESP",
        requesting_authority="Fictional Central Authority of Argentina",
        subject_matter="Laundering of the proceeds of trafficking in persons",
        proceeding="investigation",
        conducting_authority="Fictional Federal Prosecutor No. 3",
        conducting_functions="directs the criminal investigation",
        facts="Between 2021 and 2023 the fictional group moved proceeds through accounts …",
        purposes=["records"],
        assistance="Certified copies of the statements of account ES00 0000 from 2021 to 2023.",
        persons=[Person(name="A. B.", location="Madrid", nationality="ARG", role="suspect")],
        purpose="To prove the flow of proceeds at trial",
        offences=[
            Offence(
                name="Money laundering",
                provision="Penal Code art. 303",
                max_penalty_years=10,
                dual_criminality=True,
                organized_group=True,
                group_size=5,
                transnational=["several-states"],
            )
        ],
        use_limited_to_request=True,
        language="es",
        channel="central_authority",
    )
    return replace(request, **changes)


def spain(**changes) -> Requested:
    requested = Requested(
        code="ESP",
        name="Spain",
        party_since=date(2002, 3, 1),
        has_entry=True,
        authority="Fictional Ministry of Justice, International Cooperation",
        languages=["es"],
        channels=["central_authority", "diplomatic"],
        convention_accepted=True,
    )
    return replace(requested, **changes)


def codes(request, requested=None, severity=None):
    return check(request, requested or spain()).codes(severity)


def test_a_complete_request_can_be_finalised():
    report = check(bank_records(), spain())
    assert report.finalisable, [f.message for f in report.blocking]
    assert codes(bank_records(), severity=Severity.ESSENTIAL) == []


@pytest.mark.parametrize(
    "changes, code, field",
    [
        ({"requesting_authority": ""}, "18-15-a", "requesting_authority"),
        ({"subject_matter": " "}, "18-15-b", "subject_matter"),
        ({"conducting_functions": ""}, "18-15-b-authority", "conducting_authority"),
        ({"facts": ""}, "18-15-c", "facts"),
        ({"purposes": []}, "18-3", "purposes"),
        ({"purposes": ["telepathy"]}, "18-3-unknown", "purposes"),
        ({"assistance": ""}, "18-15-d", "assistance"),
        ({"purpose": ""}, "18-15-f", "purpose"),
        ({"purposes": ["videoconference"]}, "18-18", "hearing_of"),
        ({"purposes": ["production"]}, "data", "data_description"),
        ({"language": "en"}, "18-14", "language"),
        (
            {"channel": "interpol", "urgent": True, "urgency_reason": "x"},
            "18-13-channel",
            "channel",
        ),
        ({"channel": ""}, "18-13-channel-missing", "channel"),
    ],
)
def test_each_essential_stops_the_request(changes, code, field):
    report = check(bank_records(**changes), spain())
    found = [f for f in report.findings if f.code == code]
    assert found and found[0].severity == Severity.ESSENTIAL and found[0].field == field
    assert not report.finalisable
    assert code not in codes(bank_records())  # the complete request does not break it


def test_service_of_documents_alone_needs_no_summary_of_facts():
    service = bank_records(purposes=["service"], facts="")
    assert "18-15-c" not in codes(service)
    assert "18-15-c" in codes(bank_records(purposes=["service", "records"], facts=""))


def test_each_finding_cites_its_article_and_paragraph():
    report = check(bank_records(requesting_authority="", language="fr"), spain())
    cited = {f.code: str(f.source) for f in report.findings}
    assert cited["18-15-a"] == "UNTOC art. 18(15)(a)"
    assert cited["18-14"] == "UNTOC art. 18(14)"
    entry = report.as_dict()["findings"][0]
    assert (entry["article"], entry["paragraph"]) == ("18", "15(a)")


def test_persons_where_possible_is_a_warning_that_may_be_acknowledged():
    request = bank_records(persons=[Person(name="A. B.")])
    report = check(request, spain())
    assert report.codes(Severity.WARNING) == ["18-15-e"] and not report.finalisable
    assert "location and nationality of: A. B." in report.findings[0].message
    acknowledged = replace(request, acknowledged={"18-15-e": "Whereabouts unknown"})
    report = check(acknowledged, spain())
    assert report.finalisable and report.findings[0].acknowledged == "Whereabouts unknown"
    # An essential cannot be acknowledged away.
    forced = bank_records(purpose="", acknowledged={"18-15-f": "in a hurry"})
    assert not check(forced, spain()).finalisable


def test_serious_crime_is_four_years_or_more():
    def offence(**changes):
        return [replace(bank_records().offences[0], **changes)]

    assert "2-b" in codes(bank_records(offences=offence(max_penalty_years=3)))
    assert "2-b" not in codes(bank_records(offences=offence(max_penalty_years=4)))
    assert "2-b" not in codes(bank_records(offences=offence(max_penalty_years=None, life=True)))
    assert "2-b-unknown" in codes(bank_records(offences=offence(max_penalty_years=None)))
    # An offence established under the Convention (art. 6: laundering) whatever its penalty.
    conv = offence(max_penalty_years=2, convention_offence="6")
    assert not {"2-b", "2-b-unknown"} & set(codes(bank_records(offences=conv)))


def test_an_organized_criminal_group_and_transnationality():
    def offence(**changes):
        return [replace(bank_records().offences[0], **changes)]

    assert "3-1-group" in codes(bank_records(offences=offence(organized_group=False)))
    assert "3-1-group-unknown" in codes(bank_records(offences=offence(organized_group=None)))
    assert "2-a" in codes(bank_records(offences=offence(group_size=2)))
    assert "2-a" not in codes(bank_records(offences=offence(group_size=3)))
    assert "18-1" in codes(bank_records(offences=offence(transnational=[])))
    assert "3-2-unknown" in codes(bank_records(offences=offence(transnational=["moon"])))
    # Under another legal basis the Convention's scope is not the question.
    other = bank_records(legal_basis="Fictional bilateral treaty", offences=offence(group_size=2))
    assert "2-a" not in codes(other)


def test_confidentiality_use_and_urgency():
    assert "18-20" in codes(bank_records(confidential=True))
    assert "18-20" not in codes(bank_records(confidential=True, confidentiality_reason="Suspects"))
    assert "18-19" in codes(bank_records(use_limited_to_request=None))
    assert "18-19" not in codes(bank_records())
    assert "18-13-urgent" in codes(bank_records(urgent=True))
    assert "18-13-urgent" not in codes(bank_records(urgent=True, urgency_reason="Trial on 3 May"))
    assert "18-24" in codes(bank_records(deadline=date(2027, 5, 3)))
    assert "18-24" not in codes(bank_records(deadline=date(2027, 5, 3), deadline_reason="Trial"))
    procedure = spain(urgent_procedure="Call the duty prosecutor first.")
    assert "18-13-urgent-procedure" in codes(bank_records(urgent=True), procedure)
    assert "data-urgent" in codes(
        bank_records(purposes=["preservation"], data_description="x", data_holder="y")
    )


def test_grounds_of_refusal_are_flagged_as_risks():
    def offence(**changes):
        return [replace(bank_records().offences[0], **changes)]

    assert "18-9" in codes(
        bank_records(offences=offence(dual_criminality=False)), severity=Severity.RISK
    )
    assert "18-21-c" in codes(bank_records(purposes=["search"]), severity=Severity.RISK)
    assert "18-21-c" not in codes(bank_records())
    assert "18-21-a" in codes(bank_records(facts=""), severity=Severity.RISK)
    assert "18-21-a" not in codes(bank_records())
    # A risk alone does not stop the request.
    assert check(bank_records(purposes=["records", "search"]), spain()).finalisable


def test_the_requested_states_treaties_record():
    assert "party" in codes(bank_records(), spain(party_since=None))
    assert "party" not in codes(bank_records(legal_basis="reciprocity"), spain(party_since=None))
    declared = spain(declarations=[{"article": "18(14)", "text": "Spanish and English."}])
    report = check(bank_records(), declared)
    assert "Declaration of Spain under article 18(14): Spanish and English." in [
        f.message for f in report.findings
    ]


def test_the_requested_states_directory_entry():
    assert "directory-missing" in codes(bank_records(), spain(has_entry=False))
    refusing = spain(convention_accepted=False)
    assert "legal-basis" in codes(bank_records(), refusing)
    assert "legal-basis" not in codes(bank_records(legal_basis="Fictional treaty"), refusing)
    report = check(bank_records(channel=""), spain())
    missing = [f for f in report.findings if f.code == "18-13-channel-missing"][0]
    assert "central_authority, diplomatic" in missing.message
    assert "Fictional Ministry of Justice" in missing.message
    with_rules = spain(requirements="Requests must be legalised.")
    messages = [f.message for f in check(bank_records(), with_rules).findings]
    assert "The requested State's requirements: Requests must be legalised." in messages
    assert "18-16" in codes(bank_records(), with_rules)
    assert "18-13-interpol" in codes(
        bank_records(channel="interpol"), spain(channels=["interpol", "central_authority"])
    )


def test_confiscation_requests_need_what_article_13_3_adds():
    base = bank_records(kind=Kind.CONFISCATION, purposes=[])
    assert "13-basis" in codes(base)
    sought = replace(base, confiscation_basis="order-sought")
    assert "13-3-a" in codes(sought)
    assert "13-3-a" not in codes(replace(sought, property_description="Flat at 1 Fictional St"))
    given = replace(base, confiscation_basis="order-given", execution_extent="In full")
    assert "13-3-b-order" in codes(given)
    assert "13-3-b-order" not in codes(replace(given, order_copy=True))
    freeze = replace(base, confiscation_basis="freeze")
    assert "13-3-c" in codes(freeze)
    assert "13-3-c" not in codes(replace(freeze, actions_requested="Freeze account ES00"))
    # The contents of 18(15) apply too (mutatis mutandis, 13(3)).
    assert "18-15-a" in codes(replace(freeze, requesting_authority=""))
    assert "18-3" not in codes(freeze)  # no 18(3) purpose needed


def test_extradition_rules():
    sought = Person(name="C. D.", location="Madrid", nationality="ARG")
    request = bank_records(
        kind=Kind.EXTRADITION, person_sought=sought, warrant_or_judgment=True, purposes=[]
    )
    assert check(request, spain()).finalisable
    assert "18-15-a" not in codes(replace(request, requesting_authority=""))  # not art. 18
    assert "16-person" in codes(replace(request, person_sought=None))
    assert "16-1-location" in codes(replace(request, person_sought=Person(name="C. D.")))
    assert "16-7-documents" in codes(replace(request, warrant_or_judgment=False))
    assert "16-offences" in codes(replace(request, offences=[]))
    no_dual = [replace(request.offences[0], dual_criminality=False)]
    assert "16-1-dual-criminality" in codes(
        replace(request, offences=no_dual), severity=Severity.ESSENTIAL
    )
    unknown = [replace(request.offences[0], dual_criminality=None)]
    assert "16-1-dual-criminality-unknown" in codes(replace(request, offences=unknown))


def test_transfer_of_proceedings():
    request = bank_records(kind=Kind.TRANSFER, purposes=[], purpose="Concentrate the prosecution")
    assert check(request, spain()).finalisable
    assert "21-interest" in codes(replace(request, purpose=""))
    assert "21" in codes(replace(request, offences=[]))


def test_every_rule_has_a_code_and_yields_only_known_severities():
    assert len({code for code, _fn in rules.RULES}) == len(rules.RULES)
    broken = bank_records(
        requesting_authority="",
        facts="",
        purposes=["search", "videoconference"],
        language="fr",
        confidential=True,
    )
    findings = check(broken, spain(requirements="x", has_entry=True)).findings
    assert {f.severity for f in findings} == set(Severity)
    for finding in findings:
        assert finding.message.strip() and str(finding.source).strip()


def test_a_request_read_from_json_names_a_wrong_field():
    data = {
        "kind": "mla",
        "requesting_authority": "Fictional authority",
        "deadline": "2027-05-03",
        "offences": [{"name": "Fraud", "max_penalty_years": 6}],
        "persons": [{"name": "E. F."}],
    }
    request = read_request(data)
    assert request.deadline == date(2027, 5, 3) and request.offences[0].max_penalty_years == 6
    with pytest.raises(
        RequestError, match=r"^offences\[0\]\.max_penalty_years: 'six' is not a number"
    ):
        read_request({**data, "offences": [{"name": "Fraud", "max_penalty_years": "six"}]})
    with pytest.raises(RequestError, match="^deadline: '3 May' is not a date"):
        read_request({**data, "deadline": "3 May"})
    with pytest.raises(RequestError, match="^urgnet: no such field"):
        read_request({**data, "urgnet": True})
    with pytest.raises(RequestError, match="^kind: 'letter' is not one of"):
        read_request({**data, "kind": "letter"})
    with pytest.raises(RequestError, match=r"^persons\[0\]\.age: no such field"):
        read_request({**data, "persons": [{"age": 3}]})


def findings(request, requested=None):
    return {f.code: f for f in check(request, requested or spain()).findings}


def test_extradition_of_a_group_member_in_the_requested_state_needs_no_transnationality():
    # 16(1): an offence involving an organized criminal group, the person sought located in
    # the requested State — extradition applies whether or not the offence is transnational.
    sought = Person(name="C. D.", location="Madrid", nationality="ARG")
    local = [replace(bank_records().offences[0], transnational=[])]
    request = bank_records(
        kind=Kind.EXTRADITION, person_sought=sought, warrant_or_judgment=True, purposes=[]
    )
    assert "3-2" not in findings(replace(request, offences=local))
    no_group = [replace(local[0], organized_group=None)]
    assert "3-2" in findings(replace(request, offences=no_group))


def test_missing_extradition_documents_are_a_warning_of_the_requested_states_law():
    sought = Person(name="C. D.", location="Madrid", nationality="ARG")
    request = bank_records(kind=Kind.EXTRADITION, person_sought=sought, purposes=[])
    finding = findings(request)["16-7-documents"]
    assert finding.severity == Severity.WARNING and finding.source.paragraph == "7"


def test_the_language_matches_by_language_not_by_script_or_region():
    assert "18-14" not in findings(bank_records(language="zh-hans"), spain(languages=["zh"]))
    assert "18-14" not in findings(bank_records(language="pt"), spain(languages=["pt-BR"]))
    assert "18-14" in findings(bank_records(language="fr"), spain(languages=["es"]))


def test_language_and_channel_of_an_extradition_are_the_directorys_not_article_18s():
    sought = Person(name="C. D.", location="Madrid", nationality="ARG")
    extradition = bank_records(
        kind=Kind.EXTRADITION, person_sought=sought, warrant_or_judgment=True, purposes=[]
    )
    for request, article in ((bank_records(), "18"), (extradition, "")):
        found = findings(replace(request, language="fr", channel="interpol"))
        assert found["18-14"].source.article == article
        assert found["18-13-channel"].source.article == article
