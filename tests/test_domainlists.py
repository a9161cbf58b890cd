"""Operator allow and deny lists: reading list files, matching hosts, deciding verdicts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import medspam
from conftest import ROOT
from medspam import evaluate
from medspam.classifier import Classifier
from medspam.cli.main import main
from medspam.domainlists import DomainList, SiteLists
from medspam.errors import ConfigError
from medspam.feedback import FeedbackStore
from medspam.http import ServiceSettings, create_app
from medspam.settings import Settings

SPAM = ROOT / "examples" / "ketamine-clinic-spam.html"
BAKERY = ('<html><body><p>Our sourdough is baked every morning. Read more on '
          '<a href="https://WWW.Pills-Now.example/x">our partner</a>.</p></body></html>')


@pytest.fixture(scope="module")
def lists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("lists")
    deny, allow = folder / "shops.txt", folder / "partners.txt"
    deny.write_text("# confirmed shops\n0.0.0.0 pills-now.example\n||other-shop.example^\n")
    allow.write_text("bakery.example  # our own site\n")
    return {"deny": deny, "allow": allow}


@pytest.fixture(scope="module")
def denying(lists: dict[str, Path]) -> Classifier:
    """The shipped model with the deny list only."""
    return Classifier.load(lists=SiteLists.read(None, lists["deny"]))


@pytest.fixture(scope="module")
def both(lists: dict[str, Path]) -> Classifier:
    """The shipped model with both lists."""
    return Classifier.load(lists=SiteLists.read(lists["allow"], lists["deny"]))


def test_list_files_in_every_common_format() -> None:
    found = DomainList.parse([
        "# comment", "", "plain.example", "0.0.0.0 hosts.example", "127.0.0.1\tTabbed.Example.",
        "||adblock.example^", "*.wild.example", "0.0.0.0 0.0.0.0", "localhost", "two words here",
        "xn--ktamine-bya.example",
    ])
    assert found.domains == {"plain.example", "hosts.example", "tabbed.example",
                             "adblock.example", "wild.example", "kétamine.example"}


@pytest.mark.parametrize(("host", "expected"), [
    ("shop.example", "shop.example"),
    ("www.cdn.shop.example", "shop.example"),
    ("https://Shop.Example./buy", "shop.example"),
    ("notshop.example", None),
    ("shop.example.evil", None),
    ("example", None),
    ("", None),
], ids=["exact", "subdomain", "url", "suffix-of-label", "prefix", "parent", "empty"])
def test_a_domain_covers_its_subdomains_only(host: str, expected: str | None) -> None:
    assert DomainList.parse(["shop.example"]).match(host) == expected


def test_an_unreadable_list_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"cannot read domain list .*missing\.txt"):
        DomainList.read(tmp_path / "missing.txt")
    assert not SiteLists.read(None, None)


def test_deny_flags_a_page_linking_to_a_listed_shop(
    classifier: Classifier, denying: Classifier,
) -> None:
    plain = classifier.classify(BAKERY, "https://recipes.example/sourdough")
    verdict = denying.classify(BAKERY, "https://recipes.example/sourdough")
    assert plain.verdict == "ok"
    assert (verdict.verdict, verdict.listed) == ("spam", "deny")
    assert verdict.category in {"drug-sales", "medical-drug-sales"}
    assert verdict.score == plain.score, "the score stays the model's"
    assert verdict.reasons[0].source == "list"
    assert "www.pills-now.example" in verdict.reasons[0].text
    assert "shops.txt: pills-now.example" in verdict.reasons[0].text


def test_deny_flags_a_page_on_a_listed_domain(denying: Classifier) -> None:
    verdict = denying.classify("<p>Welcome.</p>", "https://shop.other-shop.example/")
    assert (verdict.verdict, verdict.listed) == ("spam", "deny")
    assert verdict.reasons[0].text.startswith("the page's own host shop.other-shop.example")


def test_deny_covers_links_to_trusted_domains_too(tmp_path: Path) -> None:
    """A trusted domain's links are not scored, but an operator's deny list still reads them."""
    deny = tmp_path / "hacked.txt"
    deny.write_text("walgreens.com\n")
    clf = Classifier.load(lists=SiteLists.read(None, deny))
    page = ('<p>Bread every morning. <a href="https://www.walgreens.com/store/c/x">more</a>'
            '</p>')
    verdict = clf.classify(page, "https://recipes.example/sourdough")
    assert (verdict.verdict, verdict.listed) == ("spam", "deny")
    assert "a link's host www.walgreens.com" in verdict.reasons[0].text


def test_allow_keeps_the_score_alone_from_flagging_a_listed_site(both: Classifier) -> None:
    page = SPAM.read_bytes()
    verdict = both.classify(page, "https://blog.bakery.example/ketamine")
    assert verdict.score >= verdict.threshold
    assert (verdict.verdict, verdict.category, verdict.listed) == ("ok", "clean", "allow")
    assert verdict.reasons[0].source == "list"
    elsewhere = both.classify(page, "https://forum.example/ketamine")
    assert (elsewhere.verdict, elsewhere.listed) == ("spam", None)


def test_deny_wins_over_allow(both: Classifier) -> None:
    verdict = both.classify(BAKERY, "https://bakery.example/bread")
    assert (verdict.verdict, verdict.listed) == ("spam", "deny")


def test_lists_come_from_settings_and_the_environment(lists: dict[str, Path]) -> None:
    settings = Settings.from_env({"MEDSPAM_DENY_LIST": str(lists["deny"])})
    assert settings.deny_list == str(lists["deny"])
    clf = Classifier.load(settings=settings)
    assert clf.lists.deny is not None
    assert clf.lists.allow is None
    assert clf.classify(BAKERY, "https://recipes.example/").listed == "deny"
    with pytest.raises(ConfigError):
        Classifier.load(settings=Settings(allow_list="/no/such/list.txt"))


def test_check_takes_the_lists(lists: dict[str, Path], tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "bakery.html"
    page.write_text(BAKERY)
    assert main(["check", str(page), "--url", "https://recipes.example/", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["listed"] is None
    assert main(["check", str(page), "--url", "https://recipes.example/", "--json",
                 "--deny-list", str(lists["deny"])]) == 1
    assert json.loads(capsys.readouterr().out)["listed"] == "deny"
    assert main(["check", str(page), "--deny-list", str(lists["deny"])]) == 1
    assert "deny-listed" in capsys.readouterr().out
    assert main(["check", str(SPAM), "--url", "https://bakery.example/k",
                 "--allow-list", str(lists["allow"])]) == 0
    assert main(["check", str(page), "--deny-list", str(tmp_path / "none.txt")]) == 2
    assert "cannot read domain list" in capsys.readouterr().err


def test_scan_rows_follow_the_lists(lists: dict[str, Path], tmp_path: Path) -> None:
    pages = tmp_path / "pages.jsonl"
    pages.write_text(json.dumps({"id": "bakery", "url": "https://recipes.example/",
                                 "html": BAKERY}) + "\n")
    out = tmp_path / "rows.jsonl"
    assert main(["scan", str(pages), "--out", str(out), "-j", "1",
                 "--deny-list", str(lists["deny"])]) == 1
    row = json.loads(out.read_text().splitlines()[0])
    assert row["verdict"] == "spam"
    assert row["reasons"][0]["source"] == "list"


def test_http_verdicts_say_which_list_decided(denying: Classifier, tmp_path: Path) -> None:
    settings = ServiceSettings(db=tmp_path / "fb.sqlite3")
    store = FeedbackStore(settings.db, max_pages=settings.max_pages_kept)
    with TestClient(create_app(denying, store, settings)) as client:
        response = client.post("/v1/classify",
                               json={"html": BAKERY, "url": "https://recipes.example/"})
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    assert (data["verdict"], data["listed"]) == ("spam", "deny")
    assert medspam.Verdict.from_dict(data).listed == "deny"



def test_evaluate_measures_the_model_without_the_lists(denying: Classifier) -> None:
    record = {"url": "https://recipes.example/", "html": BAKERY, "label": "ham"}
    [scored] = evaluate.classify_records(denying, [record])
    assert (scored.verdict.verdict, scored.verdict.listed) == ("ok", None)
    assert denying.classify(BAKERY, record["url"]).listed == "deny", "the lists stay in use"
