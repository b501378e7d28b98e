

def test_city_is_geocoded_with_coordinates_and_country(gazetteer):
    m = gazetteer.lookup("Baghdad")
    assert (m.name, m.country, m.feature) == ("Baghdad", "IRQ", "city")
    assert 33 < m.latitude < 34 and 44 < m.longitude < 45


def test_country_is_a_country_not_a_point(gazetteer):
    m = gazetteer.lookup("Iraq")
    assert (m.country, m.feature, m.latitude) == ("IRQ", "country", None)
    assert gazetteer.lookup("the United States").country == "USA"
    assert gazetteer.lookup("Nowhereville Zzz") is None


def test_place_of_an_action_is_geocoded(extractor, doc):
    [m] = extractor.extract(doc("Police arrested 12 protesters in Basra on Monday.")).mentions
    assert (m.place.text, m.place.name, m.place.country, m.place.feature) == ("Basra", "Basrah", "IRQ", "city")
    assert m.place.latitude is not None


def test_countries_used_as_actors_or_modifiers_are_not_places(extractor, doc):
    ms = extractor.extract(doc("U.S. airstrikes targeted the Iraqi militia. Iran condemned the attack.")).mentions
    assert ms and all(m.place is None for m in ms)
    strike = next(m for m in ms if m.event_class == "ASSAULT")
    assert strike.actor.country == "USA"
    accuse = next(m for m in ms if m.event_class == "ACCUSE")
    assert (accuse.actor.name, accuse.actor.country) == ("Iran", "IRN")


def test_a_place_that_belongs_to_another_clause_is_not_taken(extractor, doc):
    text = "Officials in Washington said militants attacked a convoy."
    [m] = [m for m in extractor.extract(doc(text)).mentions if m.event_class == "ASSAULT"]
    assert m.place is None
