"""Explanations are faithful: the page scorer's and the trees' contributions add up to the
verdict's score."""

import math
from collections import defaultdict

import pytest

from medspam import Classifier, explain
from medspam.explain import LinearExplainer
from medspam.extract import extract_page
from medspam.features.trees import HALF

PAGES = [
    (("<p>Ketamine infusions can ease depression. Order ketamine at "
      "<a href='https://buyketamine.example/product/k-500mg'>the shop</a>.</p>"),
     "https://blog.example.org/ketamine-therapy"),
    ("<p>Insulin and fat: what patients should know. DM @meds_uk for the soma menu.</p>",
     "https://forum.example/question/97711/cheap-ambien-online-delivery"),
    ("<p>Fresh bread every morning.</p>", "https://bakery.example/"),
]


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.load()


@pytest.mark.parametrize(("html", "url"), PAGES, ids=["shop-link", "page-url-and-dm", "bakery"])
def test_the_page_scorers_contributions_add_up_to_page_linear(
        classifier: Classifier, html: str, url: str) -> None:
    scorer = classifier._model.bundle.page_model  # noqa: SLF001 - checking internals
    page = extract_page(html, url)
    # The page scorer reads the link and sale-text scores, as classify computes them.
    scored = classifier._score_sale_text(classifier._score_links([page]))[0].scored  # noqa: SLF001
    contribs = LinearExplainer(scorer).contributions(scorer.features([scored]))[0]
    logit = sum(weight for _, weight in contribs) + scorer.intercept[0]
    a, b = scorer.calibration
    score = 1.0 / (1.0 + math.exp(a * logit + b))
    # They explain the page scorer's half of the score; the page booster's trees the other.
    assert score == pytest.approx(classifier.classify(html, url).signals["page_linear"],
                                  abs=1e-9)


def test_page_url_cues_are_explained_as_the_page_url(classifier: Classifier) -> None:
    verdict = classifier.classify(*PAGES[1])
    url_reasons = [r for r in verdict.reasons if r.source == "url"]
    assert url_reasons, verdict.reasons
    assert all("own URL" in r.text for r in url_reasons)


def test_one_reason_per_top_link(classifier: Classifier) -> None:
    """The features that read the top sale link add up to one reason that names it once."""
    verdict = classifier.classify(*PAGES[0])
    naming = [r for r in verdict.reasons if "buyketamine.example" in r.text]
    assert len(naming) == 1, verdict.reasons
    assert naming[0].text.startswith("links to buyketamine.example (link score")
    assert naming[0].weight == max(r.weight for r in verdict.reasons)


def test_a_selling_sentence_is_quoted(classifier: Classifier) -> None:
    """A link-less offer is explained by the sentence that sells, quoted as written."""
    verdict = classifier.classify(
        "<p>Member since 2023.</p><p>We sell real vicodin, no prescription needed.</p>",
        "https://forum.example/members/4821")
    quoted = [r for r in verdict.reasons if r.text.startswith("a sentence sells a drug:")]
    assert quoted, verdict.reasons
    assert quoted[0].text == ("a sentence sells a drug: 'We sell real vicodin, no prescription "
                              "needed.'")
    assert quoted[0].source == "text"


def test_an_offer_with_clean_links_is_explained_by_its_text(classifier: Classifier) -> None:
    """A spam-mail offer whose only link is harmless is judged by the sale-text scorer."""
    verdict = classifier.classify(
        "<h1>Re: save on your meds</h1><p>Save up to 70 % on your meds. Valium, Xanax, Soma, "
        "Vicodin and many more, prescribed online and shipped overnight to your door. No "
        "doctor visit, no questions asked. 10 mg x 60 pills only $129.</p>"
        '<p><a href="https://help.example.org/rules">Forum rules</a></p>',
        "https://forum.example/t/save-on-your-meds/8812")
    assert verdict.verdict == "spam", (verdict.score, verdict.reasons)
    assert verdict.signals["sale_text"] > 0.9
    offer = [r for r in verdict.reasons if r.text.startswith("the text reads like a drug-sales")]
    assert offer, verdict.reasons
    assert offer[0].text.endswith(f"(sale-text score {verdict.signals['sale_text']:.2f})")
    assert offer[0].source == "text"


def test_an_offer_in_a_comment_is_explained_by_its_passage(
        classifier: Classifier, monkeypatch) -> None:
    """An offer under a long article: the whole text dilutes it, its passage does not.

    Every reason is listed here, so that the test does not hang on where the model ranks it.
    """
    monkeypatch.setattr(explain, "MAX_REASONS", 100)
    monkeypatch.setattr(explain, "MAX_COUNTER_REASONS", 100)
    article = "".join(
        f"<p>Week {week} of physiotherapy after the knee operation: the exercises get a little "
        "longer, the swelling goes down after each session, and the therapist checks how far "
        "the joint bends before adding weight to the routine.</p>" for week in range(1, 13))
    comment = ("<section id='comments'><p>Paul: Skip the waiting list, I get oxycodone 30mg "
               "and xanax bars without prescription, discreet shipping, pay with bitcoin, "
               "message me on telegram.</p></section>")
    verdict = classifier.classify(article + comment, "https://knee-diary.example/week-12")
    assert verdict.signals["sale_passage"] > 0.9
    assert verdict.signals["sale_passage"] > verdict.signals["sale_text"] + 0.3
    passage = [r for r in verdict.reasons if r.text.startswith("a passage reads like")]
    assert passage, verdict.reasons
    assert passage[0].text.startswith(
        f"a passage reads like a drug-sales offer ({verdict.signals['sale_passage']:.2f}): '… ")
    assert "oxycodone 30mg and xanax bars without prescription" in passage[0].text
    assert passage[0].weight > 0


def test_a_long_selling_sentence_is_quoted_where_it_names_the_drug(
        classifier: Classifier) -> None:
    """A moderator sees the drug and the sale word, not only the sentence's harmless start."""
    verdict = classifier.classify(
        "<p>Before any treatment your clinician reviews your medical history, your current "
        "medications, your mental health and every other risk factor, which could make "
        "buying ketamine online a poor idea for you.</p>",
        "https://forum.example/t/7")
    quoted = [r.text for r in verdict.reasons if r.text.startswith("a sentence sells a drug:")]
    assert quoted, verdict.reasons
    assert quoted[0].startswith("a sentence sells a drug: '… ")
    assert "buying ketamine online" in quoted[0]


def test_a_clipped_quote_ends_on_a_whole_word_and_says_it_goes_on(
        classifier: Classifier) -> None:
    """A quote cut mid-word ("the options available whe") reads as the sentence's end."""
    verdict = classifier.classify(
        "<p>Anyone considering buying ketamine for home treatment should first discuss the "
        "options available when other treatments have failed with a qualified clinician.</p>",
        "https://forum.example/t/8")
    quoted = [r.text for r in verdict.reasons if r.text.startswith("a sentence sells a drug:")]
    assert quoted, verdict.reasons
    assert quoted[0].endswith(" …'"), quoted[0]
    words = quoted[0].removeprefix("a sentence sells a drug: '").removesuffix(" …'").split()
    assert words[-1] in {"options", "available", "when", "other", "treatments"}, quoted[0]


def test_a_page_without_url_is_not_explained_by_one(classifier: Classifier) -> None:
    """Without a URL the page-URL feature still weighs in; its reason must not name "None"."""
    verdict = classifier.classify("<p>Fresh bread every morning.</p>")
    texts = [r.text for r in verdict.reasons]
    assert not any("None" in text for text in texts), texts
    assert not any("own URL" in text for text in texts), texts


@pytest.mark.parametrize(("cue", "expected"), [
    ("address_names_drug_class", "drug class or street word in the address ('steroids')"),
    ("address_sells_drug", "the address pairs a drug with a sale word (buy steroids canada)"),
])
def test_address_cues_are_explained_in_words(cue: str, expected: str) -> None:
    from medspam.explain import _link_cue  # noqa: PLC0415 - one description
    from medspam.page import Link  # noqa: PLC0415

    assert _link_cue(cue, Link(url="http://buy-steroids-canada.com/")) == expected


def test_page_words_quote_a_drug_name_as_drug():
    """The page words read drug names as one token; reasons show it as <drug>, not the token."""
    from medspam.explain import _wording_reasons  # noqa: PLC0415 - a private helper, tested alone
    from medspam.features.pages import DRUG_TOKEN  # noqa: PLC0415

    reasons = _wording_reasons([(f"buy {DRUG_TOKEN}", 1.2), ("online", 0.4)])
    assert reasons[0].text == "words that raise the score: 'buy <drug>', 'online'"


def test_the_page_url_is_one_reason_with_the_cues_on_its_side(classifier: Classifier) -> None:
    """The address is read by several features fit against each other; one net reason names it."""
    verdict = classifier.classify(
        "<p>Psilocybin Microdosing Capsules. Frequently Asked Questions.</p>",
        "https://psilocybinsupply.example/products/dosage/psilocybin-microdosing-capsules/")
    own = [r for r in verdict.reasons if "own URL" in r.text]
    assert len(own) == 1, verdict.reasons
    assert own[0].source == "url"
    assert own[0].weight > 0
    # The cues it names sell (which of them weigh most is the model's); 'dosage' counts
    # against, so the information cue is not on the winning side.
    assert any(cue in own[0].text for cue in (
        "shop or order word in the path", "the address pairs a drug with a sale word"))
    assert "information" not in own[0].text


def test_link_reasons_leave_out_the_outbound_baseline(classifier: Classifier) -> None:
    """Every outbound link carries the weight of being outbound; its reasons say what else."""
    verdict = classifier.classify(*PAGES[0])
    shop = next(ev for ev in verdict.links if ev.link.domain == "buyketamine.example")
    texts = [r.text for r in shop.reasons]
    assert texts, shop
    assert "is external" not in texts
    assert any("drug" in text for text in texts), texts


def test_how_a_link_was_found_is_read_against_an_anchor(classifier: Classifier) -> None:
    """An anchor is the usual way; the other ways say how much more or less they weigh."""
    html = ("<p>Pain after knee surgery? Oxycodone helped me, no prescription needed: "
            "pillhaven.shop/products/oxycodone-30 or <a href='https://calmharbor.shop/"
            "products/xanax-2mg'>Calm Harbor</a>.</p>")
    verdict = classifier.classify(html, url="https://blog.example.org/knee")
    by_found = {ev.link.found: ev for ev in verdict.links}
    anchor, text = by_found["anchor"], by_found["text"]
    assert not any("found anchor" in r.text for r in anchor.reasons), anchor.reasons
    written = next(r for r in text.reasons if r.text == "written as plain text, not a link")
    coef = dict(zip(classifier._model.bundle.link_model.feature_names,  # noqa: SLF001
                    classifier._model.bundle.link_model.weights[:, 0], strict=True))  # noqa: SLF001
    assert written.weight == pytest.approx(coef["cues__found_text"] - coef["cues__found_anchor"])
    assert written.weight > 0


WRITTEN_OUT = (("<p>Ketamine infusions and esketamine sprays ease treatment-resistant "
                "depression for many patients. For home treatment, order ketamine at "
                "ketaminestore.shop/product/k-500mg today.</p>"),
               "https://blog.example.org/ketamine-therapy")


def _contributions(classifier: Classifier, html: str, url: str) -> dict[str, float]:
    """Each feature's contribution to the page's score: the page scorer's and the trees'."""
    scored = classifier._score_sale_text(  # noqa: SLF001 - checking internals
        classifier._score_links([extract_page(html, url)]))[0].scored  # noqa: SLF001
    total: dict[str, float] = defaultdict(float)
    for name, weight in classifier._score_pages([scored])[2][0]:  # noqa: SLF001
        total[name] += weight
    return total


def test_both_halves_contributions_add_up_to_the_score(classifier: Classifier) -> None:
    """The page scorer's and the trees' contributions, in the page score's log-odds, add up to
    it less a constant: the scorer's intercept and calibration and the trees' bias, halved."""
    bundle = classifier._model.bundle  # noqa: SLF001 - checking internals
    assert bundle.page_booster is not None
    a, b = bundle.page_model.calibration
    constant = HALF * (-a * bundle.page_model.intercept[0] - b) + HALF * (
        bundle.page_booster.trees.bias)
    for html, url in PAGES:
        verdict = classifier.classify(html, url)
        total = sum(_contributions(classifier, html, url).values())
        assert math.log(verdict.score / (1 - verdict.score)) == pytest.approx(
            constant + total, abs=1e-9)


def test_the_trees_weigh_the_page_scorers_evidence_as_a_reason(classifier: Classifier) -> None:
    verdict = classifier.classify(*PAGES[0])
    taken_together = [r for r in verdict.reasons if "as the trees weigh it" in r.text]
    assert len(taken_together) == 1, verdict.reasons
    assert taken_together[0].weight > 0


def test_the_features_that_read_a_link_are_one_reason_with_their_net_weight(
        classifier: Classifier) -> None:
    """The top link's score, its log-odds and the share of sale links are fit against each
    other; a moderator sees the link once, with what they add up to, never as a counter-reason
    such as "a large share of the links look like drug sales"."""
    verdict = classifier.classify(*WRITTEN_OUT)
    naming = [r for r in verdict.reasons if "ketaminestore.shop (link score" in r.text]
    assert len(naming) == 1, verdict.reasons
    assert naming[0].text.startswith("address written out in the text: ketaminestore.shop")
    structure = {"links__link_count", "links__hidden_link_count", "links__page_url_score",
                 "links__page_url_log_odds"}
    net = sum(weight for name, weight in _contributions(classifier, *WRITTEN_OUT).items()
              if name.startswith("links__") and name not in structure)
    assert naming[0].weight == pytest.approx(net, abs=1e-9)
    assert not any("share of the links" in r.text for r in verdict.reasons)


@pytest.mark.parametrize(("cues", "start"), [
    ({"drug_terms", "distinct_drugs", "drug_density"},
     "names controlled substances: 'ketamine', 'esketamine'"),
    ({"medical_terms", "medical_density"}, "reads like a health article: "),
])
def test_the_cues_that_read_the_same_words_are_one_reason(
        classifier: Classifier, cues: set[str], start: str, monkeypatch) -> None:
    """A count, a number of kinds and a density of the same words are one reason, net.

    Every reason is listed here, so that the test does not hang on where the model ranks it.
    """
    monkeypatch.setattr(explain, "MAX_REASONS", 100)
    monkeypatch.setattr(explain, "MAX_COUNTER_REASONS", 100)
    verdict = classifier.classify(*WRITTEN_OUT)
    reasons = [r for r in verdict.reasons if r.text.startswith(start.partition(":")[0])]
    assert len(reasons) == 1, verdict.reasons
    assert reasons[0].text.startswith(start)
    net = sum(weight for name, weight in _contributions(classifier, *WRITTEN_OUT).items()
              if name.partition("__")[::2] in {(step, cue) for step in ("cues", "unlinked")
                                                 for cue in cues})
    assert reasons[0].weight == pytest.approx(net, abs=1e-9)
    assert not any(r.text in {"distinct drugs", "drug density", "medical vocabulary"}
                   for r in verdict.reasons)


@pytest.mark.parametrize(("found", "url", "expected"), [
    ("contact", "tel:+493318667011", "contact channel: tel:+493318667011 (link score 0.11)"),
    ("text", "https://clinic.example/", "address written out in the text: clinic.example"),
    ("redirect", "https://clinic.example/", "redirects to clinic.example (link score 0.11)"),
    ("frame", "https://clinic.example/", "loads clinic.example (link score 0.11) in a frame"),
])
def test_a_link_is_named_by_how_it_is_carried_not_as_a_sale(
        found: str, url: str, expected: str) -> None:
    """The same words name a link for and against a sale: a clinic's phone number that scores
    0.11 is a reason against, and must not read "sells through a contact"."""
    from medspam.explain import _named  # noqa: PLC0415 - a private helper, tested alone
    from medspam.page import Link  # noqa: PLC0415
    from medspam.verdict import LinkEvidence  # noqa: PLC0415

    domain = "" if found == "contact" else "clinic.example"
    named = _named(LinkEvidence(Link(url=url, found=found, domain=domain), 0.11))
    assert named.startswith(expected)
    assert "sell" not in named
    assert "shop" not in named


@pytest.mark.parametrize(("found", "hidden", "expected"), [
    ("anchor", True, "hidden link to shop.example (link score 0.97), set by a script"),
    ("anchor", False, "links to shop.example (link score 0.97), set by a script"),
    ("frame", False, "loads shop.example (link score 0.97) in a frame, set by a script"),
])
def test_a_link_a_script_writes_says_so(found: str, hidden: bool, expected: str) -> None:
    """Its address may be joined or escaped in the source, where a moderator would look."""
    from medspam.explain import _named  # noqa: PLC0415 - a private helper, tested alone
    from medspam.page import Link  # noqa: PLC0415
    from medspam.verdict import LinkEvidence  # noqa: PLC0415

    link = Link(url="https://shop.example/x", found=found, domain="shop.example",
                is_hidden=hidden, is_scripted=True)
    assert _named(LinkEvidence(link, 0.97)) == expected


def test_a_contact_handle_is_not_called_a_domain() -> None:
    from medspam.explain import _describe_link_feature  # noqa: PLC0415 - one description
    from medspam.page import Link  # noqa: PLC0415

    assert _describe_link_feature("chars__lug", Link(url="tg:oxyplug", found="contact")) == (
        "handle spelled like drug-shop domains")
    assert _describe_link_feature("chars__lug", Link(url="https://oxyplug.shop/")) == (
        "domain spelled like drug-shop domains")
