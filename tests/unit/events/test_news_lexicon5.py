"""Lexicon 5: general news found missing on the English AEB and trafilatura_eval pages of the tuning half,
and the issue's areas (business, justice, disasters, politics, health and science, sports, culture),
including the CULTURE and SCIENCE classes; one case per family, and the other sense of each ambiguous word
staying quiet."""

import pytest

from support.events import found_mentions


@pytest.mark.parametrize("text, expected", [
    # business: results, funding, listings, products, sites, partnerships
    ("The retailer earned $2.8 billion in the third quarter.", ("earned", "BUSINESS", "W65")),
    ("The carmaker posted a quarterly loss on Thursday.", ("posted", "BUSINESS", "W65")),
    ("The startup raised $40 million in a funding round led by Sequoia.", ("raised", "BUSINESS", "W63")),
    ("Alibaba's secondary listing on the Hong Kong exchange raised $11 billion.", ("listing", "BUSINESS", "W62")),
    ("The company plans to go public next year.", ("go public", "BUSINESS", "W62")),
    ("Ford is rolling out an all-new electric SUV.", ("rolling out", "BUSINESS", "W64")),
    ("The foundation awarded a $5.1 million grant to the charity.", ("grant", "BUSINESS", "W63")),
    ("The two firms announced a strategic partnership on Monday.", ("partnership", "AGREE", "057")),
    # justice and crime
    ("A federal judge ruled that the policy was unlawful.", ("ruled", "JUSTICE", "W33")),
    ("He entered a guilty plea on Friday.", ("plea", "JUSTICE", "W33")),
    ("The bank agreed to settle the lawsuit for $5 million.", ("settle", "JUSTICE", "W31")),
    ("The House voted to impeach the president.", ("impeach", "JUSTICE", "W31")),
    ("Police opened an investigation into the fire.", ("opened", "JUSTICE", "W30")),
    ("Prosecutors launched a probe into the deal.", ("probe", "JUSTICE", "W30")),
    ("The treasurer embezzled $2 million from the charity.", ("embezzled", "CRIME", "W93")),
    ("Garrett hit Rudolph in the head with his own helmet.", ("hit", "ASSAULT", "182")),
    ("A brawl broke out at the end of the game.", ("brawl", "ASSAULT", "182")),
    # disasters and outages
    ("A blizzard dumped two feet of snow on Boston.", ("blizzard", "DISASTER", "W23")),
    ("A power outage left 200,000 homes in the dark.", ("outage", "DISASTER", "W28")),
    ("The oil spill fouled 40 miles of coastline.", ("spill", "DISASTER", "W25")),
    ("The plane made an emergency landing in Denver.", ("emergency landing", "DISASTER", "W24")),
    # personnel and sports
    ("The Angels signed the pitcher to an eight-year contract.", ("signed", "APPOINT", "W41")),
    ("Chelsea paid a record fee for the signing of the goalkeeper.", ("signing", "APPOINT", "W41")),
    ("The league suspended Garrett for the rest of the season.", ("suspended", "APPOINT", "W45")),
    ("Myers is exiting her role as communications head.", ("exiting", "APPOINT", "W42")),
    ("The Senate confirmed the nominee on Thursday.", ("confirmed", "APPOINT", "W41")),
    ("The Lakers traded the guard to Boston before the deadline.", ("traded", "APPOINT", "W44")),
    ("Japan qualified for the quarterfinal with a 2-0 win.", ("qualified", "CONTEST", "W71")),
    # politics and policy
    ("Bloomberg launched his bid for the presidency on Sunday.", ("bid", "ELECT", "W50")),
    ("The leaders will hold a summit in Vienna next month.", ("summit", "CONSULT", "043")),
    ("Washington imposed new tariffs on Chinese goods.", ("imposed", "POLICY", "W01")),
    ("Turkey lifted the ban on Wikipedia after three years.", ("lifted", "POLICY", "W02")),
    ("The FDA approved the drug for children over 12.", ("approved", "POLICY", "W04")),
    # health, culture, science
    ("She was diagnosed with breast cancer in 2019.", ("diagnosed", "LIFE", "W80")),
    ("Police are investigating the disappearance of a student.", ("disappearance", "LIFE", "W85")),
    ("The cat went missing in Oregon in 2014.", ("went missing", "LIFE", "W85")),
    ("The film premiered at the Venice festival.", ("premiered", "CULTURE", "WC1")),
    ("The band announced a world tour for next spring.", ("world tour", "CULTURE", "WC2")),
    ("Astronomers discovered a planet orbiting a nearby star.", ("discovered", "SCIENCE", "WS1")),
    ("The study, published in the journal Nature, followed 4,000 patients.", ("study", "SCIENCE", "WS3")),
])
def test_each_lexicon5_family_fires_with_its_class_and_code(extractor, doc, text, expected):
    assert expected in found_mentions(extractor, doc, text)[0]


@pytest.mark.parametrize("text, absent_class", [
    ("The car gets a new rear suspension and steering system.", "APPOINT"),  # suspension: a league, a season
    ("He signed the guest book at the door.", "APPOINT"),  # signing needs a player, a team, a contract
    ("Trump said a deal signing would take place in farm country.", "APPOINT"),  # a deal signing: no player
    ("The show opens to the public on Friday.", "BUSINESS"),  # opening needs a store, a plant, an office
    ("We are rolling out the red carpet for our guests.", "BUSINESS"),
    ("The tagline drew a mix of criticism and ridicule.", "CONTEST"),
    ("They raised their hands to ask a question.", "BUSINESS"),  # raising needs funding, investors
    ("The dashboard deals with entertainment and other settings.", "BUSINESS"),
    ("The ball hit the post and bounced out.", "ASSAULT"),
    ("I miss going home on weekends.", "LIFE"),
    ("California has seen a years-long drought.", "DISASTER"),  # climate, not a happening: no entry  # hitting needs a weapon or a fist
    ("Scientists studied the data for months.", "SCIENCE"),  # a study needs a journal or a publication
    ("Fans can confirm their seats online.", "APPOINT"),  # confirming needs the Senate, a nominee
    ("The plane landed safely in Denver.", "SCIENCE"),  # landing needs the Moon, Mars, a probe
    ("Researchers discovered that the code had a bug.", "SCIENCE"),  # no species, planet, fossil
    ("The company continued to sign up subscribers all week.", "APPOINT"),  # signing needs a player
    ("Volker confirmed under oath that there was no linkage.", "APPOINT"),  # confirming needs the Senate
    ("Robotic probes could sample the plumes sent into space.", "JUSTICE"),  # a probe needs investigators
    ("The front suspension has been revised to reduce weight.", "APPOINT"),
    ("Nurses diagnose illnesses and injuries at the clinic.", "LIFE"),  # a diagnosis names a disease
    ("Amazon has listings from five brands, though none are in stock.", "BUSINESS"),  # no exchange, no IPO
    ("The ICC will decide two cases relating to Israeli settlements.", "JUSTICE"),  # settling needs a lawsuit
])
def test_the_other_sense_of_a_lexicon5_word_is_no_event(extractor, doc, text, absent_class):
    assert absent_class not in found_mentions(extractor, doc, text)[1]


def test_the_general_news_pages_split_by_a_stable_hash_and_the_new_section_is_read_from_the_lexicon():
    import hashlib
    import sys

    from conftest import REPO

    sys.path.insert(0, str(REPO / "bench"))
    from eval_news_coverage import HALVES, half, new_entries

    keys = [f"aeb/{i:04d}" for i in range(200)]
    halves = [half(k) for k in keys]
    assert halves == [half(k) for k in keys]  # the same key, the same half, whatever the order or the run
    assert all(h == HALVES[hashlib.sha256(k.encode()).digest()[0] % 2] for k, h in zip(keys, halves))
    assert 60 < halves.count("tuning") < 140  # both halves get pages
    new = new_entries("lexicon 5")
    assert ("outage", "DISASTER", "W28") in new and ("premier", "CULTURE", "WC1") in new
    assert not any(cls == "STATEMENT" for _, cls, _ in new)  # the next section is not part of it
    assert ("gunfire", "ASSAULT", "193") not in new  # lexicon 4's
