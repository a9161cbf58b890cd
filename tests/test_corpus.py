"""The corpus builder's labels: what each record teaches the scorers."""

import re
from pathlib import Path

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
    selling = {r["source"] for r in records
               if r["text_sells"] and not r["source"].startswith("written/")}
    assert selling == {"enron-spam/enron1", "composition/shop_pages", "composition/sales_posts"}
    unknown = {r["source"] for r in records if r["text_sells"] is None}
    assert "realpages" in unknown  # a neutral first sentence under a selling address
    assert all(r["placement"] for r in records if r["text_sells"] is None
               and r["source"].startswith("composition/"))  # a sale injected somewhere


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


@pytest.mark.shared_data
def test_a_share_of_composed_sales_writes_drug_names_in_disguise(records):
    """As drug spam does; never ham, never real spam, and never inside an address."""
    from medspam.corpus.build import AS_WRITTEN_SOURCES  # noqa: PLC0415
    from medspam.corpus.compose import DISGUISES, SPAM_DRUGS  # noqa: PLC0415

    written = re.compile("|".join(re.escape(drug.translate(table)) for drug in SPAM_DRUGS
                                  for table in DISGUISES.values() if drug.translate(table) != drug))

    def disguised(record):
        page = record["html"]
        text = page.decode("utf-8", "replace") if isinstance(page, bytes) else page
        return written.search(re.sub(r"<[^>]*>", " ", text).lower()) is not None

    composed = [r for r in records if r["label"] == "spam"
                and not r["source"].startswith(AS_WRITTEN_SOURCES)]
    share = sum(map(bool, map(disguised, composed))) / len(composed)
    assert 0.05 < share < 0.15, share
    real_spam = [r for r in records if r["label"] == "spam" and r not in composed
                 and not r["source"].startswith("written/")]  # writers may disguise names
    composed_ham = [r for r in records if r["label"] == "ham" and r["source"].startswith(
        "composition/") and r["kind"] != "doorway"]  # a doorway may keep a real page's body
    assert not any(map(disguised, real_spam + composed_ham))


@pytest.mark.shared_data
def test_a_share_of_composed_sales_frame_or_redirect_to_the_shop(records):
    """Carried shops are found as frames or redirects; ham pages frame and redirect too."""
    from medspam.extract import extract_page  # noqa: PLC0415

    def kinds(record, keep):
        page = extract_page(record["html"], record["url"])
        return {link.found for link in page.links if keep(link)}

    composed = [r for r in records if not r["source"].startswith("written/")]
    carried = [r for r in composed if r["placement"] in {"frame", "redirect"}]
    placed = [r for r in composed if r["placement"] in {"inline", "sidebar", "footer"}]
    assert 0.25 < len(carried) / (len(carried) + len(placed)) < 0.55
    assert {r["label"] for r in carried} == {"spam"}
    for record in carried[::10]:
        assert kinds(record, lambda link, r=record: link.domain in r["targets"]) == {
            record["placement"]}, record["id"]
    composed_ham = [r for r in records if r["label"] == "ham"
                    and r["source"] != "webpages" and r["source"].startswith(
                        ("composition/", "medquad/"))]
    framing = [r for r in composed_ham[::20] if kinds(
        r, lambda link: link.found in {"frame", "redirect"})]
    assert 0.05 < len(framing) / len(composed_ham[::20]) < 0.25


@pytest.mark.shared_data
def test_doorways_send_every_visitor_to_a_shop_or_elsewhere_alike(records):
    """Sending every visitor on is no sign of a sale by itself: doorways of both labels do."""
    from medspam.extract import extract_page  # noqa: PLC0415

    doors = [r for r in records if r["kind"] == "doorway"]
    assert {(r["label"], bool(r["location"])) for r in doors} == {
        ("spam", True), ("spam", False), ("ham", True), ("ham", False)}  # HTTP and refresh
    shops = {target for r in records if r["label"] == "spam" for target in r["targets"]}
    sent = {}
    for record in doors:
        page = extract_page(record["html"], record["url"], location=record["location"])
        sent[record["id"]] = [link for link in page.links if link.is_automatic]
        if record["label"] == "spam":
            (sent_to,) = sent[record["id"]]
            assert sent_to.domain in record["targets"]
            assert sent_to.is_external
        else:  # a sign-in page, the site's new domain, another real page
            assert not {link.domain for link in sent[record["id"]]} & shops
    # A few real pages have no web address of their own (the manifest's "hard::…"), so a
    # doorway sent there has a Location that is no link, as a crawl can record too.
    assert sum(len(links) == 1 for links in sent.values()) >= 0.9 * len(doors)


def test_disguise_leaves_addresses_as_written() -> None:
    from medspam.corpus.compose import disguise_drug_names  # noqa: PLC0415

    page = ('<p>Order Xanax at <a href="https://xanax.example/xanax">xanax shop</a> or '
            "xanax.example/buy-xanax, (xanax).</p>")
    assert disguise_drug_names(page, "leet") == (
        '<p>Order X4n4x at <a href="https://xanax.example/xanax">x4n4x shop</a> or '
        "xanax.example/buy-xanax, (x4n4x).</p>")


def test_a_shared_data_folder_named_on_purpose_is_not_replaced_by_another(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDSPAM_SHARED_DATA", str(tmp_path))  # no SOURCES.md there
    with pytest.raises(InputError, match=r"MEDSPAM_SHARED_DATA=.*: no SOURCES\.md"):
        shared_data_dir()


@pytest.mark.shared_data
def test_sellers_and_services_alike_give_numbers_and_handles(records):
    """A contact is no sale by itself: clinics, pharmacies and helplines give them too.

    When only sales carried contacts, the link scorer took any contact for a sale (model
    history, item 42).
    """
    from medspam.extract.textlinks import find_text_links  # noqa: PLC0415

    def share_with_contact(group):
        texts = [re.sub(r"<[^>]+>", " ", r["html"] if isinstance(r["html"], str)
                        else r["html"].decode()) for r in group]
        return sum(any(m.found == "contact" for m in find_text_links(t))
                   for t in texts) / len(texts)

    offers = [r for r in records if r["kind"] == "sales-post"]
    services = [r for r in records if r["source"] == "composition/hard_negatives"]
    assert share_with_contact(offers) > 0.3
    assert share_with_contact(services) > 0.3


def test_sellers_handles_and_numbers_are_not_one_vocabulary():
    """Handles were a trade word and a suffix, numbers one US shape: the model learnt those."""
    import random  # noqa: PLC0415

    from medspam.corpus.inject import _TRADE_WORDS, _handle, _phone  # noqa: PLC0415

    rng = random.Random(0)
    handles = [_handle(rng) for _ in range(400)]
    assert sum(h.startswith(_TRADE_WORDS) for h in handles) < 0.35 * len(handles)
    assert len(set(handles)) > 0.9 * len(handles)
    numbers = [_phone(rng, "fr") for _ in range(200)]
    assert {n[:3] for n in numbers} >= {"+33", "06 ", "07 ", "+32", "+41"}
    # Every group of digits is drawn afresh ("06 39 98 52 08", not "06 79 79 79 79").
    assert sum(len(set(n.split()[1:])) == 1 for n in numbers) < 10


def test_every_blind_set_is_named_training_or_held_out():
    """A new set must be named held out before it is measured, or training would read it."""
    from medspam.corpus.written import (  # noqa: PLC0415
        BLIND_SETS,
        HELD_OUT_SETS,
        THRESHOLD_SETS,
        TRAINING_SETS,
        default_written_dir,
    )

    on_disk = {path.stem for path in default_written_dir().glob("*.jsonl")}
    assert on_disk == set(BLIND_SETS), on_disk ^ set(BLIND_SETS)
    assert len(set(BLIND_SETS)) == len(BLIND_SETS)
    assert TRAINING_SETS + HELD_OUT_SETS == BLIND_SETS
    assert HELD_OUT_SETS  # the newest set has yet to judge a trial
    assert set(THRESHOLD_SETS) <= set(HELD_OUT_SETS)  # never train
    assert BLIND_SETS[-1] not in THRESHOLD_SETS  # the newest set is sealed


def test_written_pages_are_labelled_where_the_label_is_known():
    from medspam.corpus.written import record_fields  # noqa: PLC0415

    def fields(label, kind, placement=""):
        page = {"id": "x1", "url": "https://a.example/", "html": "<p>x</p>", "label": label,
                "category": "clean" if label == "ham" else "drug-sales", "kind": kind,
                "placement": placement}
        return record_fields("second", page)

    assert fields("spam", "shop")["text_sells"] is True
    assert fields("spam", "sales-post")["text_sells"] is True
    assert fields("spam", "health-article")["text_sells"] is None  # a sale slipped in
    assert fields("ham", "clinic")["text_sells"] is False
    ham = fields("ham", "clinic")
    assert (ham["targets"], ham["medical"], ham["source"]) == ([], None, "written/second")
    assert ham["labelled_links"] is None  # every link of a ham page is lawful
    article = fields("spam", "health-article", "inline")
    assert (article["targets"], article["labelled_links"]) == ([], ("page", "contact"))
    assert not article["url_sells"]
    assert fields("spam", "shop")["url_sells"]
    assert fields("spam", "forum-post", "page_url")["url_sells"]


@pytest.mark.shared_data
def test_written_pages_train_or_set_the_threshold_and_stay_as_written(records):
    from medspam.corpus.written import (  # noqa: PLC0415
        THRESHOLD_SETS,
        TRAINING_SETS,
        default_written_dir,
        read_sets,
        set_of,
    )

    written = [r for r in records if set_of(r) is not None]
    training = [r for r in written if set_of(r) in TRAINING_SETS]
    threshold = [r for r in written if set_of(r) in THRESHOLD_SETS]
    assert len(training) == 240 * len(TRAINING_SETS)
    assert {r["pool"] for r in training} == {"fold-a", "fold-b"}
    assert len(threshold) == 240 * len(THRESHOLD_SETS)
    assert {r["pool"] for r in threshold} == {"valid"}
    assert len(written) == len(training) + len(threshold)  # no other held-out set is read
    as_written = {f"written:{name}:{page['id']}": page["html"]
                  for name, page in read_sets(default_written_dir(),
                                              TRAINING_SETS + THRESHOLD_SETS)}
    assert all(r["html"] == as_written[r["group"]] for r in written)  # no disguise added


_IRREGULAR = {"first": "one", "second": "two", "third": "three", "fifth": "five",
              "eighth": "eight", "ninth": "nine", "twelfth": "twelve"}


def _cardinal(ordinal: str) -> str:
    """'thirty-eighth' -> 'thirty-eight', 'fortieth' -> 'forty', 'twenty-first' -> 'twenty-one'."""
    head, _, last = ordinal.rpartition("-")
    last = _IRREGULAR.get(last) or (last[:-4] + "y" if last.endswith("ieth") else last[:-2])
    return f"{head}-{last}" if head else last


def test_the_readme_counts_the_blind_sets():
    """The README says how many blind sets there are; a set added must be counted there too."""
    from medspam.corpus.written import BLIND_SETS  # noqa: PLC0415

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert f"`datasets/fresh` holds {_cardinal(BLIND_SETS[-1])} sets" in readme
    assert [_cardinal(o) for o in ("twenty-first", "thirty-eighth", "fortieth", "ninth")] == [
        "twenty-one", "thirty-eight", "forty", "nine"]
