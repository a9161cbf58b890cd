"""The corpus composition: what a composed positive carries."""

import random

import pytest

from medspam.corpus.build import default_material_dir
from medspam.corpus.compose import PLACEMENTS, SPAM_DRUGS, Material
from medspam.corpus.inject import build_injection, names_a_drug


@pytest.fixture(scope="module")
def material():
    return Material.load(default_material_dir())


@pytest.mark.parametrize("placement", PLACEMENTS)
@pytest.mark.parametrize("lang", ["en", "es", "fr", "de"])
def test_every_injection_names_its_drug_somewhere(material, placement, lang):
    # Without a drug name in sentence, anchor, address or page URL nothing marks the page as
    # a drug sale (a bare "https://shop.example/" under "Resources"): its spam label is noise.
    rng = random.Random(f"{placement}-{lang}")
    for _ in range(200):
        drug = rng.choice(SPAM_DRUGS)
        inj = build_injection(rng, material, lang=lang, drug=drug, domains=["shop.example"],
                              placement=placement, legit=[("https://nih.gov/", "NIH")])
        assert names_a_drug(inj), inj


def test_a_drug_named_by_the_link_needs_no_sales_sentence(material):
    # The 40 % of positives without commercial wording remain: links that name the drug.
    rng = random.Random(0)
    bare = [build_injection(rng, material, lang="en", drug="xanax", domains=["shop.example"],
                            placement="read_more", legit=[]) for _ in range(200)]
    assert sum(not inj.sentence for inj in bare) > 40
