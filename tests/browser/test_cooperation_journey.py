"""Argentina's central-authority practitioner drafts a request to Australia for bank records:
the findings beside the form change as they type, finalising is refused while the summary of
facts is missing, they complete it, acknowledge a warning with a reason, finalise, and
download the PDF, which holds the facts."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FACTS = "In 2025 a fictional group moved the proceeds of a fraud through Example Ltd accounts."


def _sign_in(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("palermo-demo")
    page.get_by_role("button", name="Sign in").click()


def _continue(page):
    page.get_by_role("button", name=re.compile(r"^Save and continue")).click()


def test_draft_a_request_for_bank_records_finalise_and_download_it(page):
    _sign_in(page, "practitioner")
    page.goto("/cooperation/write/")
    page.get_by_label("Kind of request").select_option("mla")
    page.get_by_label("Requested State").select_option(label="Australia")
    page.get_by_label("Requesting authority").select_option(index=1)
    page.get_by_label("Title").fill("Bank records of Example Ltd (fictional)")
    page.get_by_role("button", name="Start the draft").click()

    # Parties: Australia's Directory entry, its language and channel already chosen.
    expect(page).to_have_url(re.compile(r"/cooperation/\d+/write/parties/$"))
    expect(page.locator("#directory-entry")).to_contain_text(
        "Fictional International Crime Cooperation Branch (demo)"
    )
    expect(page.get_by_label("Language of the request")).to_have_value("en")
    expect(page.get_by_label("Channel")).to_have_value("central_authority")
    _continue(page)

    page.get_by_label("Subject matter and nature of the proceeding").fill(
        "Laundering of the proceeds of a fictional fraud."
    )
    page.get_by_label("The request relates to").select_option("investigation")
    page.get_by_label("Authority conducting it").fill("Fictional Prosecutor's Office")
    page.get_by_label("Its functions").fill("Public prosecutor in charge")
    _continue(page)

    # Facts: left for later.
    expect(page.locator("#step-heading")).to_contain_text("Facts")
    _continue(page)

    page.locator("#id_offences-0-name").fill("Money laundering")
    page.locator("#id_offences-0-max_penalty_years").fill("10")
    page.locator("#id_offences-0-dual_criminality").select_option("yes")
    page.locator("#id_offences-0-organized_group").select_option("yes")
    page.locator("#id_offences-0-group_size").fill("4")
    page.get_by_label("Committed in more than one State").check()
    _continue(page)

    # Assistance sought: bank records; the findings follow what is typed, before any save.
    page.get_by_label(re.compile(r"bank, financial, corporate or business records")).check()
    page.get_by_label("Description of the assistance sought").fill(
        "Certified copies of the statements of accounts 123 and 456 at Example Bank."
    )
    purpose_finding = page.locator('#findings [data-code="18-15-f"]')
    expect(purpose_finding).to_have_count(1)
    page.get_by_label("Purpose for which it is sought").fill("Evidence of the flow of funds.")
    expect(purpose_finding).to_have_count(0)
    page.locator("#id_persons-0-name").fill("A. Example (fictional)")
    page.locator("#id_persons-0-location").fill("Sydney")
    _continue(page)  # to videoconference and stored data
    _continue(page)  # to confidentiality
    page.get_by_label("Use of what is given limited to the proceedings named").select_option("yes")
    _continue(page)
    page.get_by_label("Annexes").fill("Statement of a fictional witness")
    _continue(page)

    # Review: stopped by the missing summary of facts.
    expect(page.locator("#step-heading")).to_contain_text("Review and finalise")
    page.get_by_role("button", name="Finalise the request").click()
    refused = page.locator("#refused")
    expect(refused).to_contain_text("Summarise the relevant facts")
    expect(page.locator("main")).not_to_contain_text("Download for signature")
    refused.get_by_role("link", name="Facts").click()

    expect(page).to_have_url(re.compile(r"/write/facts/#field-facts$"))
    facts_finding = page.locator('#findings [data-code="18-15-c"]')
    expect(facts_finding).to_have_count(1)
    page.get_by_label("Summary of the relevant facts").fill(FACTS)
    expect(facts_finding).to_have_count(0)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#steps li[data-state='done']", has_text="Facts")).to_have_count(1)
    page.locator("#steps").get_by_role("link", name="Review and finalise").click()

    # The person's nationality is not known: a warning, acknowledged with a reason.
    acknowledge = page.locator('form.acknowledge[data-code="18-15-e"]')
    acknowledge.get_by_label("Reason for going on").fill("Nationality not known yet.")
    acknowledge.get_by_role("button", name="Acknowledge").click()
    expect(page.locator("main")).to_contain_text("18-15-e: Nationality not known yet.")

    page.get_by_role("button", name="Finalise the request").click()
    expect(page.locator(".messages")).to_contain_text("Finalised")
    download_form = page.locator("#download")
    download_form.get_by_label("Format").select_option("pdf")
    expect(download_form.get_by_label("Language")).to_have_value("en")
    # Laying the PDF out (fonts for every script) can take a while on a loaded machine.
    with page.expect_download(timeout=90_000) as download:
        download_form.get_by_role("button", name="Download").click(timeout=90_000)
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")

    import io

    from pypdf import PdfReader

    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Example Ltd accounts" in text
    assert not page.js_errors, page.js_errors
