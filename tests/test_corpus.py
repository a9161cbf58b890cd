"""The corpus builder's labels: what each record teaches the scorers."""

import re

import pytest

from conftest import shared_path
from medspam.corpus import build_corpus
from medspam.corpus.sources import shared_data_dir
from medspam.errors import InputError


@pytest.fixture(scope="module")
def records():
    return build_corpus(shared_path("data"))


@pytest.mark.shared_data
def test_no_spam_mail_is_a_negative(records):
    """The source's drug tag misses disguised names ("lev ! itra"): untagged spam is left out."""
    enron = [r for r in records if r["source"].startswith("enron-spam")]
    assert {r["label"] for r in enron} == {"spam", "ham"}
    assert all(".ham." in r["group"] for r in enron if r["label"] == "ham")


@pytest.mark.shared_data
def test_text_sells_labels_whole_offers_and_ham_only(records):
    """The sale-text scorer learns from texts that sell as a whole, against ham texts."""
    by_label = {(r["label"], r["text_sells"]) for r in records}
    assert by_label == {("ham", False), ("spam", True), ("spam", None)}
    selling = {r["source"] for r in records if r["text_sells"]}
    assert selling == {"enron-spam/enron1", "composition/shop_pages", "composition/sales_posts"}
    unknown = {r["source"] for r in records if r["text_sells"] is None}
    assert "realpages" in unknown  # a neutral first sentence under a selling address
    assert all(r["placement"] for r in records
               if r["text_sells"] is None and r["source"] != "realpages")


@pytest.mark.shared_data
def test_legitimate_dispensers_name_prescribed_drugs_only(records):
    """A pharmacy refilling "heroin" taught that price and order pages of street drugs are ham."""
    from medspam.corpus.build import DISPENSING_KINDS  # noqa: PLC0415
    from medspam.corpus.compose import SITE_URLS, STREET_DRUGS  # noqa: PLC0415

    def own_site(kind, drugs):
        """The addresses ``site_url`` makes for ``kind`` with one of ``drugs``."""
        fill = {"w": "[a-z-]*", "n": "[0-9]+", "y": "[0-9]+", "drug": f"({'|'.join(drugs)})"}
        return re.compile("|".join(re.escape(pattern).replace(r"\{", "{").replace(r"\}", "}")
                                   .format(**fill) for pattern in SITE_URLS[kind]
                                   if "{drug}" in pattern))

    negatives = [r for r in records if r["source"] == "composition/hard_negatives"]
    dispensers = [r for r in negatives if r["kind"] in DISPENSING_KINDS]
    assert len(dispensers) > 100
    assert not [r["url"] for r in dispensers
                if own_site(r["kind"], STREET_DRUGS).fullmatch(r["url"] or "")]
    assert [r["url"] for r in dispensers
            if own_site(r["kind"], ["[a-z]+"]).fullmatch(r["url"] or "")]  # the check sees them
    others = [r for r in negatives if r["kind"] not in DISPENSING_KINDS]
    assert any(d in (r["url"] or "") for r in others for d in STREET_DRUGS)  # news, law, rehab


@pytest.mark.shared_data
def test_some_legitimate_sites_are_named_for_a_drug(records):
    """``quitxanax.org``, ``somafacts.org``: without them a drug in a domain meant a shop."""
    from medspam import urls  # noqa: PLC0415
    from medspam.corpus.compose import SPAM_DRUGS  # noqa: PLC0415

    named = {r["kind"] for r in records if r["source"] == "composition/hard_negatives"
             and any(d in urls.host_of(r["url"] or "") for d in SPAM_DRUGS)}
    assert {"clinic", "rehab", "warning", "harm-reduction", "drug-info"} <= named


def test_a_shared_data_folder_named_on_purpose_is_not_replaced_by_another(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDSPAM_SHARED_DATA", str(tmp_path))  # no SOURCES.md there
    with pytest.raises(InputError, match=r"MEDSPAM_SHARED_DATA=.*: no SOURCES\.md"):
        shared_data_dir()
