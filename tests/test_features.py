import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from medspam import Link, Page
from medspam.features import (
    LinkCues,
    LinkDomainText,
    LinkScoreSummary,
    LinkSuffix,
    LinkTokens,
    PageText,
    PageUrlCues,
    PageWords,
    SaleSentenceCues,
    ScoredPage,
    TextCues,
    UnlinkedTextCues,
    selling_sentences,
)
from medspam.features.pages import (
    DRUG_TOKEN,
    MEDICAL_CUE_NAMES,
    MedicalCues,
    mentions_drug,
)
from medspam.features.pipeline import (
    Step,
    build_link_model,
    build_medical_model,
    build_page_model,
    medical_vocabulary,
)
from medspam.features.textcues import CUE_NAMES, DENSITY_MIN_WORDS
from medspam.page import TextBlock

LINKS = [
    Link(url="https://buycocaineonline.info/en/product/ketamine", found="text",
         host="buycocaineonline.info", domain="buycocaineonline.info", anchor="buy ketamine"),
    Link(url="https://www.nih.gov/health", host="www.nih.gov", domain="nih.gov", anchor="NIH"),
    Link(url="tg://resolve?domain=plug247", found="contact", anchor="Telegram @plug247"),
]
PAGES = [
    ScoredPage.from_page(
        Page(title="Ketamine therapy", blocks=(TextBlock("Buy ketamine online without "
                                                        "prescription, $20 per 10 mg."),),
             links=LINKS[:1],
             url_link=Link(url="https://forum.example/members/48213-order-hydromorphone-8mg",
                           found="page", host="forum.example", domain="forum.example")),
        (0.9,), 0.1),
    ScoredPage.from_page(Page(title="Bread", blocks=(TextBlock("Knead the dough."),))),
]
OBJECT_ESTIMATORS = [
    (LinkCues(), LINKS),
    (LinkTokens(), LINKS),
    (LinkSuffix(), LINKS),
    (LinkDomainText(), LINKS),
    (LinkScoreSummary(), PAGES),
    (TextCues(), PAGES),
    (UnlinkedTextCues(), PAGES),
    (SaleSentenceCues(), PAGES),
    (PageText(), PAGES),
    (PageWords(), PAGES),
    (PageUrlCues(), PAGES),
]
IDS = [type(est).__name__ for est, _ in OBJECT_ESTIMATORS]


@pytest.mark.parametrize(("estimator", "X"), OBJECT_ESTIMATORS, ids=IDS)
def test_estimator_contract(estimator, X):
    """As a pipeline step each transformer is a scikit-learn estimator; it pickles as it is."""
    step = Step(estimator)
    fresh = clone(step)
    assert fresh.get_params().keys() == step.get_params().keys()
    assert fresh.set_params() is fresh
    with pytest.raises(NotFittedError, match="not fitted"):
        fresh.transform(X)
    assert fresh.fit(X) is fresh
    out = fresh.transform(X)
    assert len(out) == len(X)
    again = pickle.loads(pickle.dumps(estimator)).transform(X)
    if isinstance(out, np.ndarray):
        np.testing.assert_array_equal(out, again)
        assert out.shape[1] == len(fresh.get_feature_names_out())
    else:
        assert out == again


@pytest.mark.parametrize(("estimator", "X"), OBJECT_ESTIMATORS, ids=IDS)
def test_lone_object_is_rejected(estimator, X):
    with pytest.raises(ValueError, match="sequence expected"):
        estimator.fit(X[0])
    with pytest.raises(ValueError, match="sequence expected"):
        estimator.fit("a string")


def test_feature_names_are_readable_and_stable():
    names = list(LinkCues().fit(LINKS).get_feature_names_out())
    assert "domain_drug_and_commerce" in names
    assert names == list(LinkCues().fit(LINKS[:1]).get_feature_names_out())


def test_link_cues_see_a_shop_domain():
    row = dict(zip(LinkCues().fit(LINKS).get_feature_names_out(),
                   LinkCues().fit(LINKS).transform(LINKS[:1])[0], strict=True))
    assert row["domain_drug_and_commerce"] == 1.0
    assert row["found_text"] == 1.0


def test_page_url_cues_read_the_page_address_only():
    cues = PageUrlCues().fit(PAGES)
    rows = [dict(zip(cues.get_feature_names_out(), row, strict=True))
            for row in cues.transform(PAGES)]
    assert rows[0]["path_drug_and_shop"] == 1.0
    assert rows[0]["domain_has_drug_word"] == 0.0
    assert set(rows[1].values()) == {0.0}  # no URL, no cue


def _address_cues(url: str) -> dict[str, float]:
    """The link cues of one address, by name."""
    cues = LinkCues().fit([])
    return dict(zip(cues.get_feature_names_out(), cues.transform([Link(url=url)])[0],
                    strict=True))


@pytest.mark.parametrize(("url", "drug_class", "sells"), [
    # a shop host and a drug in its path: neither part alone holds both
    ("https://shopmedionline.com/norco/", 0.0, 1.0),
    ("https://cheapmedstore.com/blog/hydrocodone-an-anti-pain-medicine.php", 0.0, 1.0),
    # drug classes and street words count in addresses, not in page text
    ("http://buy-steroids-canada.com/what-is-the-legality-of-steroids", 1.0, 1.0),
    ("https://ultrapsychedelicsshop.com/product/peyote-powder/", 1.0, 1.0),
    ("https://example.net/anabolika-kaufen", 1.0, 1.0),
    # a drug name of two words spelled across a host name
    ("https://advancedresearchchemicals.com/?p=20278", 1.0, 0.0),
    # no drug or no sale word: nothing
    ("https://www.nih.gov/health/pain-relief", 0.0, 0.0),
    ("https://www.thevictoriapharmacy.com/pages/terms-and-conditions", 0.0, 0.0),
    ("https://gardenshop.example/tools/spades", 0.0, 0.0),
])
def test_address_cues_read_drug_classes_and_sales_across_host_and_path(url, drug_class, sells):
    row = _address_cues(url)
    assert row["address_names_drug_class"] == drug_class
    assert row["address_sells_drug"] == sells


@pytest.mark.parametrize(("url", "found", "dose", "sells"), [
    # a product's address: the drug and its strength, on a host that names neither
    ("https://verdelune.shop/produit/clonazepam-2mg", "anchor", 1.0, 1.0),
    ("https://havelgarten.org/schmerz/tramadol-100mg", "anchor", 1.0, 0.0),
    ("https://northmeadow.example/pain/oxycodone-30-mg", "frame", 1.0, 0.0),
    # a drug offered without a prescription is a sale
    ("https://focuslane.co/adderall-no-prescription", "anchor", 0.0, 1.0),
    # no strength, or none of a drug
    ("https://www.nhs.example/medicines/tramadol/side-effects", "anchor", 0.0, 0.0),
    ("https://bakery.example/cakes/sugar-250g", "anchor", 0.0, 0.0),
    # a page's own address: a licensed pharmacy's product page names both too
    ("https://lindenplatz.example/schlaf/zolpidem-10-mg-20-filmtabletten", "page", 0.0, 0.0),
    ("https://focuslane.example/adderall-no-prescription", "page", 0.0, 0.0),
])
def test_a_linked_address_with_a_drug_and_its_strength_is_a_product(url, found, dose, sells):
    cues = LinkCues().fit([])
    row = dict(zip(cues.get_feature_names_out(), cues.transform([Link(url=url, found=found)])[0],
                   strict=True))
    assert row["path_drug_and_dose"] == dose
    assert row["address_sells_drug"] == sells


def test_page_url_cues_leave_out_the_product_cue():
    """A licensed pharmacy's product page has a drug and its strength in its own address."""
    assert "path_drug_and_dose" not in PageUrlCues().fit(PAGES).get_feature_names_out()


@pytest.mark.parametrize(("url", "cue", "value"), [
    ("https://www.opioids.gov/category/social-issues/codeine/", "domain_has_drug_word", 0.0),
    ("https://www.shop-apotheke.com/", "domain_has_commerce_word", 0.0),  # trusted pharmacy
    ("https://www.cocaineinfo.example/", "domain_has_drug_word", 1.0),
    ("https://www.shop-apotheke.example/", "domain_has_commerce_word", 1.0),
])
def test_trusted_and_government_host_names_count_for_nothing(url, cue, value):
    """``opioids.gov`` names an institution, not a product."""
    assert _address_cues(url)[cue] == value


def test_the_path_of_a_government_host_still_counts():
    """A pharma hack on a government site sells in its path."""
    assert _address_cues("https://www.opioids.gov/buy-oxycodone-online")["path_drug_and_shop"] == 1


def test_page_url_cues_include_the_address_cues():
    page = ScoredPage.from_page(Page(url_link=Link(
        url="https://hippiestore.org/product-category/psychedelics/microdose/", found="page")))
    cues = PageUrlCues().fit([page])
    row = dict(zip(cues.get_feature_names_out(), cues.transform([page])[0], strict=True))
    assert row["address_names_drug_class"] == 1.0
    assert row["address_sells_drug"] == 1.0


def test_page_url_cues_leave_out_a_commerce_word_alone_in_the_domain():
    """``carepharmacyonline.co.uk`` names a kind of site, not a sale: only cues that pair a drug
    with a sale word read the page's own address as selling."""
    names = list(PageUrlCues().fit(PAGES).get_feature_names_out())
    assert "domain_has_commerce_word" not in names
    assert {"address_sells_drug", "domain_drug_and_commerce", "path_drug_and_shop"} <= set(names)


@pytest.mark.parametrize("build", [build_link_model, build_page_model, build_medical_model],
                         ids=["link", "page", "medical"])
def test_pipelines_fit_and_name_features(build):
    model = build()
    X = (LINKS * 6)[:12] if build is build_link_model else (PAGES * 6)[:12]
    y = [i % 2 for i in range(12)]
    if build is build_page_model:
        model.set_params(features__words__vec__min_df=1, features__words__vec__max_df=1.0)
    elif build is build_link_model:
        model.set_params(features__chars__vec__min_df=1)
    model.fit(X, y)
    probs = model.predict_proba(X)[:, 1]
    assert ((probs >= 0) & (probs <= 1)).all()
    names = model[:-1].get_feature_names_out()
    assert len(names) == model[:-1].transform(X).shape[1]


def test_path_word_splitting_knows_every_list_link_cues_read():
    """Path tokens are word-split only for PATH_LEXICONS (``buyxanaxonline``): a list LinkCues
    reads that is missing there would be matched against unsplit slugs."""
    from medspam.features import linkparts, links  # noqa: PLC0415 - two modules compared

    assert set(links.CUE_LEXICONS) <= set(linkparts.PATH_LEXICONS)


def test_unlinked_text_cues_count_only_where_no_link_or_address_looks_like_a_sale():
    text_only = ScoredPage.from_page(PAGES[0].page, (0.2,), 0.1)
    cues, unlinked = TextCues().fit(PAGES), UnlinkedTextCues().fit(PAGES)
    assert not unlinked.transform(PAGES[:1]).any()  # its link scores 0.9
    assert (unlinked.transform([text_only]) == cues.transform([text_only])).all()
    assert unlinked.get_feature_names_out().tolist() == cues.get_feature_names_out().tolist()


@pytest.mark.parametrize(
    ("text", "sells"),
    [
        ("We sell real vicodin. Shipped overnight.", 1),
        ("Envío discreto. Vendo tapentadol de farmacia, sin receta.", 1),
        ("Kein Rezept für codeine erforderlich.", 1),
        ("Never buy xanax online without a prescription.", 0),
        ("Kaufen Sie xanax niemals ohne Rezept im Internet.", 0),
        ("My doctor prescribed tramadol. Buy bread on the way home.", 0),
    ],
    ids=["sale-en", "sale-es", "no-prescription-de", "warning-en", "warning-de",
         "drug-and-sale-in-different-sentences"],
)
def test_selling_sentences_need_drug_and_sale_in_one_unwarned_sentence(text, sells):
    assert len(selling_sentences(text)) == sells


def test_sale_sentence_cues_have_unlinked_copies_that_only_count_without_sale_links():
    page = Page(title="Offer", blocks=(TextBlock("We sell real vicodin, no prescription."),))
    linked, unlinked = ScoredPage.from_page(page, (0.9,)), ScoredPage.from_page(page, (0.1,))
    cues = SaleSentenceCues().fit([linked])
    rows = [dict(zip(cues.get_feature_names_out(), row, strict=True))
            for row in cues.transform([linked, unlinked])]
    assert rows[0]["sale_sentence"] == rows[1]["sale_sentence"] == 1.0
    assert rows[0]["unlinked_sale_sentence"] == 0.0
    assert rows[1]["unlinked_sale_sentence"] == 1.0


def test_long_page_text_keeps_its_end_where_pharma_hacks_sit():
    article = " ".join(["Heizungen sparen Energie."] * 1_000)
    page = Page(title="Heizung", blocks=(TextBlock(article), TextBlock("buy codeine here")))
    text = ScoredPage.from_page(page, max_words=1_500).text
    assert len(text.split()) == 1_500
    assert text.startswith("Heizung\nHeizungen")
    assert text.endswith("buy codeine here")


def test_densities_of_a_sentence_or_two_are_not_at_their_cap():
    """One drug name in five words says little: densities count at least 50 words."""
    short = ScoredPage.from_page(Page(blocks=(TextBlock("What is oxycodone used for?"),)))
    cues = dict(zip(CUE_NAMES, TextCues().fit([short]).transform([short])[0], strict=True))
    assert cues["drug_density"] == pytest.approx(20 / DENSITY_MIN_WORDS)
    long_text = "oxycodone " + "word " * 99
    long = ScoredPage.from_page(Page(blocks=(TextBlock(long_text),)))
    cues = dict(zip(CUE_NAMES, TextCues().fit([long]).transform([long])[0], strict=True))
    assert cues["drug_density"] == pytest.approx(20 / 100)


def test_everyday_health_words_count_for_the_category_only():
    """A sprained ankle is health content, but not a medical cue of the drug-sales decision."""
    page = ScoredPage.from_page(Page(blocks=(TextBlock(
        "Physiotherapy after a sprained ankle: swelling, stiffness and the knee."),)))
    medical = dict(zip(MEDICAL_CUE_NAMES, MedicalCues().fit([page]).transform([page])[0],
                       strict=True))
    cues = dict(zip(CUE_NAMES, TextCues().fit([page]).transform([page])[0], strict=True))
    assert medical["distinct_medical_terms"] > 0
    assert cues["medical_terms"] == 0
    assert {"physiotherapy", "sprained", "rückenschmerzen"} <= set(medical_vocabulary())


def test_page_words_name_no_drug():
    """The page words read how a page talks, not which drug it names (disguised ones too)."""
    page = ScoredPage.from_page(Page(blocks=(TextBlock("Buy k3tamine or Xanax online today."),)))
    text = PageWords().fit([page]).transform([page])[0]
    assert text.split() == ["buy", DRUG_TOKEN, DRUG_TOKEN, "online"]  # "or", "today": English
    assert PageText().fit([page]).transform([page])[0] == page.text


def test_only_links_that_leave_the_site_name_a_drug_for_the_page():
    """A site's own navigation (``/products/xanax-2mg``) does not make its pages name a drug."""
    def page_linking(is_external: bool) -> ScoredPage:
        link = Link(url="https://pharmacy.example/products/xanax-2mg", anchor="Product 12",
                    host="pharmacy.example", domain="pharmacy.example", is_external=is_external)
        return ScoredPage.from_page(Page(blocks=(TextBlock("Opening hours and directions."),),
                                         links=(link,)))

    assert not mentions_drug(page_linking(is_external=False))
    assert mentions_drug(page_linking(is_external=True))


@pytest.mark.parametrize(("text", "words"), [
    ("Ich verkaufe Tramadol und wer will, der schreibt mir", ["verkaufe", DRUG_TOKEN, "schreibt"]),
    ("Je vends du Xanax et en plus la livraison", ["vends", DRUG_TOKEN, "livraison"]),
    ("Me sobran unas cajas de oxicodona", ["sobran", "cajas", DRUG_TOKEN]),
    ("Order cheap pills online", ["order", "cheap", "pills", "online"]),
])
def test_page_words_leave_out_function_words(text: str, words: list[str]) -> None:
    """Function words say which language a page is in, not whether it sells; sale words stay."""
    page = ScoredPage.from_page(Page(blocks=(TextBlock(text),)))
    assert PageWords().fit([page]).transform([page])[0].split() == words


def _link_cues(link: Link) -> dict[str, float]:
    cues = LinkCues().fit([link])
    return dict(zip(cues.get_feature_names_out(), cues.transform([link])[0], strict=True))


@pytest.mark.parametrize(("context", "cue"), [
    ("le trouve sans ordonnance ici : bit.ly/3Kp9xQm", "context_no_prescription"),
    ("ohne Rezept, einfach hier: bit.ly/3Kx9pQa", "context_no_prescription"),
    ("c'est rapide et pas cher : tinyurl.com/2p8kx7wd", "context_has_commerce_word"),
])
def test_context_cues_read_phrases(context, cue):
    """Prose says "no prescription" in several words; the context cues read the phrase."""
    link = Link(url="http://bit.ly/3Kp9xQm", found="text", context=context)
    assert _link_cues(link)[cue] == 1.0
    assert _link_cues(Link(url="http://bit.ly/3Kp9xQm", found="text",
                           context="the full study: bit.ly/3Kp9xQm"))[cue] == 0.0


def test_a_phone_numbers_digits_are_no_link_words():
    """The digits of a number are no evidence; they taught the scorer the corpus's ranges."""
    phone = Link(url="tel:+447700900123", found="contact")
    handle = Link(url="snap:kev.delivery69", found="contact")
    assert LinkDomainText().fit_transform([phone, handle]) == ["", "kev delivery"]
    assert _link_cues(phone)["is_contact"] == 1.0
