"""Generated news of one busy day: many distinct happenings of a few kinds, some told by several outlets.

``generate(seed)`` makes short English articles (title, outlet, publication time, paragraphs) of one day:
shootings, arrests, protests, fires, resignations, acquisitions, crashes and labour strikes, each a distinct
happening (its own city and country, people, companies, death toll). A happening is reported by one to three
outlets, each in its own words (another template, other details left out: the place, the toll, the day), with
bare re-mentions ("the attack", "the blaze") and sentences that report nothing; some happenings name no place
at all, some are wire copy republished with a new first line. Every sentence is labelled with the happening it
tells, which is the truth ``score`` measures events against.

Nothing here is tuned to a grouping rule: the templates are the ways news briefs are written, and the seed
chooses among them. Used by ``bench/eval_sameday.py`` and ``tests/integration/events/test_same_day.py``.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

DAY = datetime(2024, 3, 12, tzinfo=timezone.utc)  # a Tuesday
KINDS = ("shooting", "arrest", "protest", "fire", "resignation", "acquisition", "crash", "strike")

CITIES = [
    ("Lyon", "France"), ("Marseille", "France"), ("Porto", "Portugal"), ("Seville", "Spain"), ("Valencia", "Spain"),
    ("Naples", "Italy"), ("Turin", "Italy"), ("Hamburg", "Germany"), ("Leipzig", "Germany"),
    ("Rotterdam", "the Netherlands"), ("Antwerp", "Belgium"), ("Krakow", "Poland"), ("Gdansk", "Poland"),
    ("Thessaloniki", "Greece"), ("Izmir", "Turkey"), ("Lagos", "Nigeria"), ("Kano", "Nigeria"),
    ("Nairobi", "Kenya"), ("Mombasa", "Kenya"), ("Accra", "Ghana"), ("Durban", "South Africa"),
    ("Johannesburg", "South Africa"), ("Karachi", "Pakistan"), ("Lahore", "Pakistan"), ("Dhaka", "Bangladesh"),
    ("Chennai", "India"), ("Kolkata", "India"), ("Surabaya", "Indonesia"), ("Davao", "the Philippines"),
    ("Osaka", "Japan"), ("Busan", "South Korea"), ("Guadalajara", "Mexico"), ("Monterrey", "Mexico"),
    ("Medellin", "Colombia"), ("Rosario", "Argentina"), ("Recife", "Brazil"), ("Curitiba", "Brazil"),
    ("Lima", "Peru"), ("Quito", "Ecuador"), ("Leeds", "Britain"), ("Bristol", "Britain"), ("Glasgow", "Scotland"),
    ("Montreal", "Canada"), ("Calgary", "Canada"), ("Perth", "Australia"), ("Adelaide", "Australia"),
    ("Auckland", "New Zealand"), ("Memphis", "Tennessee"), ("Denver", "Colorado"), ("Cleveland", "Ohio"),
    ("Kampala", "Uganda"), ("Dakar", "Senegal"), ("Casablanca", "Morocco"), ("Tunis", "Tunisia"),
    ("Almaty", "Kazakhstan"), ("Tbilisi", "Georgia"), ("Bucharest", "Romania"), ("Sofia", "Bulgaria"),
    ("Gothenburg", "Sweden"), ("Bergen", "Norway"),
]
ADJ = {"France": "French", "Portugal": "Portuguese", "Spain": "Spanish", "Italy": "Italian", "Germany": "German",
       "the Netherlands": "Dutch", "Belgium": "Belgian", "Poland": "Polish", "Greece": "Greek", "Turkey": "Turkish",
       "Nigeria": "Nigerian", "Kenya": "Kenyan", "Ghana": "Ghanaian", "South Africa": "South African",
       "Pakistan": "Pakistani", "Bangladesh": "Bangladeshi", "India": "Indian", "Indonesia": "Indonesian",
       "the Philippines": "Philippine", "Japan": "Japanese", "South Korea": "South Korean", "Mexico": "Mexican",
       "Colombia": "Colombian", "Argentina": "Argentine", "Brazil": "Brazilian", "Peru": "Peruvian",
       "Ecuador": "Ecuadorian", "Britain": "British", "Scotland": "Scottish", "Canada": "Canadian",
       "Australia": "Australian", "New Zealand": "New Zealand", "Tennessee": "Tennessee", "Colorado": "Colorado",
       "Ohio": "Ohio", "Uganda": "Ugandan", "Senegal": "Senegalese", "Morocco": "Moroccan", "Tunisia": "Tunisian",
       "Kazakhstan": "Kazakh", "Georgia": "Georgian", "Romania": "Romanian", "Bulgaria": "Bulgarian",
       "Sweden": "Swedish", "Norway": "Norwegian"}
FIRST = ("Amara Daniel Elena Farid Grace Hiroshi Ines Jonas Karim Leila Marco Nadia Oscar Priya Rafael Sofia "
         "Tomas Uma Viktor Wanjiru Yusuf Zara Anton Beatriz Chidi Dmitri Esther Felipe Hana Ivan Joao Kofi Lucia "
         "Mateo Noor Olga Pablo Rosa Samir Tariq").split()
LAST = ("Okafor Moreau Haddad Novak Kowalski Silva Tanaka Mensah Rossi Schneider Petrov Duarte Lindqvist Mwangi "
        "Costa Ferreira Aziz Janssen Popescu Nakamura Mendez Kariuki Osei Hoffmann Dimitrov Castillo Rahman Bauer "
        "Varga Nilsen Abbasi Quispe Takahashi Vidal Adeyemi Brennan Kaplan Rocha Sato Zapata").split()
CO_A = ("Norvik Halden Ostrava Brightwater Calder Meridian Tessaro Kestrel Vantor Lumen Arcadia Solent Pinecrest "
        "Greyhaven Altamira Corvus Driftwood Everline Falken Gallant Harrowgate Ironbridge Juniper Kalmar Larkspur "
        "Monarch Northgate Orrin Pemberton Quillon Redfern Sablon Thornbury Umbra Veltis Westmark Yarrow Zenthos "
        "Ambrel Bexley").split()
CO_B = "Systems Foods Logistics Pharma Energy Robotics Media Holdings Telecom Minerals Biotech Motors Airways".split()
OUTLETS = ("Reuters", "Associated Press", "AFP", "BBC News", "The Guardian", "Al Jazeera", "CNN", "Deutsche Welle",
           "France 24", "The Times", "NPR", "Bloomberg", "Financial Times", "Sky News", "ABC News", "The Independent")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}

# one list of lead sentences per kind, written the ways briefs write them; {at} is the place phrase ("in Lyon",
# "in the French city of Lyon") or nothing, {when} the day phrase ("on Tuesday") or nothing
LEADS = {
    "shooting": [
        "A gunman shot dead {n} people at a {venue} {at} {when}, police said.",
        "{N} people were killed when a gunman opened fire at a {venue} {at} {when}.",
        "Police {at} said a man armed with a rifle killed {n} people at a {venue} {when}.",
        "A shooting at a {venue} {at} left {n} people dead and {w} wounded {when}, officials said.",
        "Gunmen stormed a {venue} {at} {when} and killed {n} people, according to local police.",
        "{n_cap} people died {when} after a shooting at a crowded {venue} {at}.",
    ],
    "arrest": [
        "Police {at} arrested {person}, a {age}-year-old {job}, {when} on suspicion of {crime}.",
        "{person} was detained by {adj} police {at} {when} over allegations of {crime}.",
        "Authorities {at} {when} arrested {person}, who is accused of {crime}, prosecutors said.",
        "{adj} police said they had arrested {person} {at} {when} in connection with {crime}.",
        "{person}, a {job}, was taken into custody {at} {when} on charges of {crime}.",
    ],
    "protest": [
        "Thousands of {group} marched through {city_or_capital} {when} to protest against {issue}.",
        "Hundreds of {group} rallied {at} {when}, demanding that the government drop {issue}.",
        "{group_cap} took to the streets {at} {when} in a protest against {issue}.",
        "Demonstrators gathered outside the regional parliament {at} {when} to denounce {issue}.",
        "A crowd of {group} protested {at} {when} over {issue}, organisers said.",
    ],
    "fire": [
        "A fire tore through a {building} {at} {when}, killing {n} people, firefighters said.",
        "Firefighters battled a huge blaze at a {building} {at} {when}.",
        "{N} people died when fire swept through a {building} {at} {when}.",
        "A blaze gutted a {building} {at} {when}, forcing dozens of residents to flee.",
        "Flames engulfed a {building} {at} {when} and {n} people were killed, the fire service said.",
    ],
    "resignation": [
        "{person}, {post}, resigned {when} after weeks of pressure over {scandal}.",
        "{person} stepped down as {post} {when}, citing {reason}.",
        "{post_cap} {person} announced {when} that {pron} would resign over {scandal}.",
        "{person} quit as {post} {when}, days after {scandal} came to light.",
        "{post_cap} {person} has resigned, {pos} office said {when}.",
    ],
    "acquisition": [
        "{buyer} agreed to acquire {seller} for ${amount} billion, the companies said {when}.",
        "{buyer} will buy rival {seller} in a deal worth ${amount} billion, it announced {when}.",
        "{buyer} said {when} it would take over {seller} for about ${amount} billion in cash.",
        "{seller} has agreed to be acquired by {buyer} in a ${amount} billion deal, the companies said {when}.",
        "{buyer} announced {when} the acquisition of {seller}, valuing the company at ${amount} billion.",
    ],
    "strike": [
        "{workers_cap} walked off the job {at} {when} in a strike over {pay}.",
        "Thousands of {workers} went on strike {at} {when}, demanding {pay}.",
        "A strike by {workers} {at} {when} halted services across the region, unions said.",
        "{workers_cap} {at} began a 48-hour strike {when} over {pay}.",
    ],
}
# a crash is of one kind, whoever tells it
CRASH_LEADS = {
    "bus": ["A bus carrying {passengers} plunged into a ravine {at} {when}, killing {n} people.",
            "{N} people were killed {when} when a bus carrying {passengers} veered off the road {at}.",
            "A bus crash {at} {when} left {n} people dead, police said."],
    "train": ["A passenger train derailed {at} {when}, leaving {n} people dead, officials said.",
              "{N} people died {when} when a train came off the tracks {at}.",
              "A train derailment {at} killed {n} people {when}."],
    "road": ["{N} people were killed {when} when a truck collided with a minibus {at}.",
             "A collision between a lorry and a minibus {at} {when} killed {n} people.",
             "{n_cap} people died in a crash on a highway {at} {when}, police said."],
    "plane": ["A small plane crashed shortly after take-off {at} {when}, killing all {n} people on board.",
              "{N} people died when a light aircraft went down {at} {when}.",
              "A light plane crashed {at} {when}, killing {n}, aviation officials said."],
}
# what an outlet adds after the lead: details (they report the same happening) and bare re-mentions
DETAILS = {
    "shooting": ["Police spokesman {official} said the gunman fled in a car towards the outskirts of {city_ref}.",
                 "Among the dead were {victim} and {victim2}, relatives told reporters.",
                 "{w_cap} others were taken to {hospital}, some of them in a critical condition.",
                 "Witnesses said the attacker fired at least {shots} shots before running away.",
                 "{official}, the regional police chief, said the motive was not yet known.",
                 "Police shot the attacker dead after a brief exchange of fire."],
    "arrest": ["{last} is expected to appear before a court in {city_ref} on {next_day}.",
               "Investigators searched {pos2} home and seized documents and {n_items} computers.",
               "{last} denies any wrongdoing, {pos2} lawyer {official} said.",
               "Prosecutor {official} said the inquiry had lasted {months} months."],
    "protest": ["Riot police used tear gas to disperse some of the {group} near {square}.",
                "Organisers said more than {crowd} people took part; police put the figure at {crowd_police}.",
                "The march ended peacefully in front of {square}.",
                "Union leader {official} told the crowd the government had ignored {issue_short}."],
    "fire": ["It took more than {hours} hours and {engines} fire engines to bring the flames under control.",
             "Fire chief {official} said the cause of the fire was not immediately known.",
             "{w_cap} people were treated for smoke inhalation at {hospital}.",
             "The cause of the fire was not immediately known."],
    "resignation": ["{last} had held the post since {since}.",
                    "{official} is expected to take over on an interim basis.",
                    "Opposition leader {official} had called for {last} to go for weeks."],
    "acquisition": ["The deal is expected to close in the second half of the year, subject to regulatory approval.",
                    "Shares of {seller} jumped {pct} percent in early trading.",
                    "{buyer} chief executive {official} said the deal would save ${savings} million a year.",
                    "{seller} employs about {staff} people."],
    "crash": ["Rescue teams worked through the night to free passengers trapped in the wreckage.",
              "{w_cap} passengers were injured and taken to {hospital}.",
              "Transport minister {official} ordered an inquiry into the crash.",
              "Police said the cause of the crash was being investigated."],
    "strike": ["Schools and hospitals in {city_ref} were affected.",
               "Union leader {official} said the walkout would continue until talks resume.",
               "{company} called the strike irresponsible and said it had offered a {pct} percent raise."],
}
REMENTION = {
    "shooting": ["The attack was the deadliest in {country} this year.",
                 "The shooting at the {venue} shocked residents.", "Officials condemned the killings as senseless."],
    "arrest": ["The arrest followed a {months}-month investigation.",
               "{last}'s detention drew criticism from rights groups."],
    "protest": ["The protest was the largest in {city_ref} in years.", "The demonstration ended by nightfall."],
    "fire": ["The blaze was put out by early evening.", "The fire destroyed most of the {building}."],
    "resignation": ["The resignation takes effect immediately.", "{last}'s departure leaves a gap at the top."],
    "acquisition": ["The acquisition would make {buyer} the largest company in its sector.",
                    "The takeover of {seller} still needs the approval of regulators."],
    "crash": ["The crash was the worst in {country} in a decade.", "The accident is under investigation."],
    "strike": ["The strike was the third by {workers} this year.", "The walkout disrupted travel for thousands."],
}
# sentences that report nothing (background)
BACKGROUND = ["The region has a population of about two million.", "More details were expected later in the day.",
              "The area is popular with tourists in the summer.", "This story has been updated with more details."]
TITLES = {
    "shooting": ["{n_cap} killed in shooting at {venue_short}{in_city}", "Gunman kills {n}{in_city}",
                 "Shooting leaves {n} dead{in_city}"],
    "arrest": ["{last} arrested over {crime}", "Police detain {job} {last}{in_city}"],
    "protest": ["{group_cap} protest {issue_short}{in_city}", "Thousands march against {issue_short}"],
    "fire": ["Fire kills {n}{in_city}", "Blaze destroys {building}{in_city}"],
    "resignation": ["{last} resigns as {post_short}", "{post_short_cap} {last} steps down"],
    "acquisition": ["{buyer} to buy {seller} for ${amount} billion", "{buyer} agrees {seller} takeover"],
    "crash": ["{n_cap} dead in crash{in_city}", "Crash kills {n}{in_city}"],
    "strike": ["{workers_cap} strike{in_city}", "Strike over {pay_short} hits services{in_city}"],
}
VENUES = ["nightclub", "supermarket", "school", "wedding party", "bus station", "restaurant", "church", "market"]
JOBS = ["businessman", "former mayor", "police officer", "banker", "football agent", "lawyer", "customs official"]
CRIMES = ["money laundering", "fraud", "murder", "drug trafficking", "bribery", "tax evasion", "arms smuggling"]
GROUPS = ["farmers", "students", "teachers", "nurses", "taxi drivers", "pensioners", "fishermen"]
ISSUES = [("a new pension law", "pension law"), ("higher fuel prices", "fuel prices"),
          ("a planned mine", "mine plan"), ("police violence", "police violence"),
          ("cuts to university funding", "university cuts"), ("a new tax on land", "land tax")]
BUILDINGS = ["warehouse", "apartment block", "hotel", "market", "textile factory", "hospital wing", "shopping mall"]
POSTS = [("the finance minister of {country}", "finance minister"), ("the mayor of {city}", "mayor"),
         ("chief executive of {company}", "chief executive"), ("{country}'s health minister", "health minister"),
         ("the chairman of {company}", "chairman"), ("head coach of {city} FC", "coach")]
SCANDALS = ["an expenses scandal", "a leaked recording", "a failed bond sale", "a string of poor results",
            "a corruption inquiry"]
REASONS = ["health reasons", "personal reasons", "a disagreement with the board"]
HOSPITALS = ["the {city} General Hospital", "St Mary's Hospital", "a nearby hospital", "the University Hospital"]
SQUARES = ["the city hall", "Independence Square", "the regional parliament", "the central station", "the harbour"]
PASSENGERS = ["pilgrims", "schoolchildren", "football fans", "farm workers", "tourists"]
WORKERS = ["rail workers", "dock workers", "airport staff", "miners", "bus drivers", "postal workers"]
PAYS = [("higher wages", "wages"), ("pay and pensions", "pay"), ("job cuts", "job cuts"),
        ("working hours", "working hours")]


@dataclass
class Sentence:
    text: str
    happening: int | None  # None: a sentence that reports nothing


@dataclass
class Article:
    url: str
    title: str
    source: str
    published: datetime
    paragraphs: list[list[Sentence]]
    happening: int

    @property
    def text(self) -> str:
        return "\n\n".join(" ".join(s.text for s in p) for p in self.paragraphs)

    def record(self) -> dict:
        return {"url": self.url, "title": self.title, "source": self.source, "language": "en",
                "published": self.published.isoformat(), "text": self.text}


@dataclass
class Happening:
    hid: int
    kind: str
    day_offset: int  # 0: the publication day, -1: the day before
    facts: dict = field(default_factory=dict)
    placeless: bool = False


def _person(rnd: random.Random, used: set[str]) -> str:
    while True:
        name = f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"
        if name not in used:
            used.add(name)
            return name


def _company(rnd: random.Random, used: set[str]) -> str:
    free = [a for a in CO_A if a not in {u.split()[0] for u in used}] or CO_A
    name = f"{rnd.choice(free)} {rnd.choice(CO_B)}"
    used.add(name)
    return name


def _happenings(rnd: random.Random, n: int) -> list[Happening]:
    cities = rnd.sample(CITIES, min(n, len(CITIES)))
    people: set[str] = set()
    companies: set[str] = set()
    out = []
    for hid in range(n):
        kind = KINDS[hid % len(KINDS)] if hid < len(KINDS) else rnd.choice(KINDS)
        city, country = cities[hid % len(cities)]
        f = {"city": city, "country": country, "adj": ADJ[country], "n": rnd.randint(2, 9), "w": rnd.randint(2, 20),
             "venue": rnd.choice(VENUES), "person": _person(rnd, people), "victim": _person(rnd, people),
             "victim2": _person(rnd, people), "age": rnd.randint(28, 71), "job": rnd.choice(JOBS),
             "crime": rnd.choice(CRIMES), "group": rnd.choice(GROUPS), "issue": rnd.choice(ISSUES),
             "building": rnd.choice(BUILDINGS), "post": rnd.choice(POSTS), "scandal": rnd.choice(SCANDALS),
             "reason": rnd.choice(REASONS), "buyer": _company(rnd, companies), "seller": _company(rnd, companies),
             "company": _company(rnd, companies), "amount": rnd.choice(["1.2", "2.5", "3.8", "4.1", "7", "12", "0.9"]),
             "passengers": rnd.choice(PASSENGERS), "workers": rnd.choice(WORKERS), "pay": rnd.choice(PAYS),
             "crowd": rnd.choice(["5,000", "20,000", "a thousand", "50,000"]), "hours": rnd.randint(3, 9),
             "since": rnd.randint(2012, 2022), "pct": rnd.randint(8, 40), "pron": rnd.choice(["he", "she"]),
             "scenario": rnd.choice(sorted(CRASH_LEADS)), "official": _person(rnd, people),
             "hospital": rnd.choice(HOSPITALS).format(city=city), "shots": rnd.choice([10, 20, 30, 40]),
             "next_day": rnd.choice(["Thursday", "Friday", "Monday"]), "n_items": rnd.choice(["two", "three", "five"]),
             "months": rnd.randint(3, 18), "square": rnd.choice(SQUARES), "engines": rnd.randint(6, 40),
             "savings": rnd.choice([150, 300, 450, 800]), "staff": rnd.choice(["4,000", "12,000", "800", "30,000"])}
        f["crowd_police"] = {"5,000": "2,000", "20,000": "8,000", "a thousand": "600", "50,000": "18,000"}[f["crowd"]]
        out.append(Happening(hid, kind, -1 if rnd.random() < 0.2 else 0, f,
                             placeless=kind not in ("resignation", "acquisition") and rnd.random() < 0.15))
    return out


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _place_phrase(rnd: random.Random, f: dict) -> str:
    city, country, adj = f["city"], f["country"], f["adj"]
    return rnd.choice([f"in {city}", f"in {city}", f"in {city}, {country},", f"in the {adj} city of {city}",
                       f"in the city of {city}", f"in {city}"])


def _when(rnd: random.Random, h: Happening, published: datetime) -> str:
    day = (published + timedelta(days=h.day_offset)).date()
    name = WEEKDAYS[day.weekday()]
    if h.day_offset == 0:
        return rnd.choice([f"on {name}", f"on {name}", "today", f"on {name} morning", f"early on {name}", ""])
    return rnd.choice([f"on {name}", f"on {name} night", "late on Monday" if name == "Monday" else f"on {name}",
                       "yesterday", ""])


def _fill(template: str, h: Happening, rnd: random.Random, at: str, when: str) -> str:
    f = h.facts
    post_long, post_short = f["post"]
    post = post_long.format(country=f["country"], city=f["city"], company=f["company"])
    issue_long, issue_short = f["issue"]
    pay_long, pay_short = f["pay"]
    n = f["n"]
    values = {
        "at": at, "when": when, "n": str(n) if rnd.random() < 0.5 else NUMBER_WORDS[n],
        "N": _cap(NUMBER_WORDS[n]), "n_cap": _cap(NUMBER_WORDS[n]), "w": str(f["w"]),
        "w_cap": _cap(NUMBER_WORDS.get(f["w"], str(f["w"]))), "w_few": "two",
        "venue": f["venue"], "venue_short": f["venue"], "person": f["person"], "last": f["person"].split()[1],
        "victim": f["victim"], "victim2": f["victim2"], "age": f["age"], "job": f["job"], "crime": f["crime"],
        "adj": f["adj"], "group": f["group"], "group_cap": _cap(f["group"]), "issue": issue_long,
        "issue_short": issue_short, "city_or_capital": f"the streets of {f['city']}" if at else "the capital",
        "building": f["building"], "post": post, "post_cap": _cap(post_short), "post_short": post_short,
        "post_short_cap": _cap(post_short), "scandal": f["scandal"], "reason": f["reason"], "pron": f["pron"],
        "pos": "his" if f["pron"] == "he" else "her", "pos2": "his" if f["pron"] == "he" else "her",
        "buyer": f["buyer"], "seller": f["seller"], "amount": f["amount"], "passengers": f["passengers"],
        "workers": f["workers"], "workers_cap": _cap(f["workers"]), "pay": pay_long, "pay_short": pay_short,
        "crowd": f["crowd"], "hours": f["hours"], "since": f["since"], "pct": f["pct"],
        "in_city": f" in {f['city']}" if at else "", "city_ref": f["city"] if at else "the city",
        "official": f["official"], "hospital": f["hospital"], "shots": f["shots"], "next_day": f["next_day"],
        "n_items": f["n_items"], "months": f["months"], "square": f["square"], "engines": f["engines"],
        "savings": f["savings"], "staff": f["staff"], "crowd_police": f["crowd_police"], "country": f["country"]
        if at else "the country", "company": f["company"],
    }
    text = template.format(**values)
    text = " ".join(text.split())  # empty slots leave double spaces
    return text.replace(" ,", ",").replace(" .", ".").replace(",,", ",").replace(", .", ".")


def _article(rnd: random.Random, h: Happening, outlet: str, lead: str, published: datetime, serial: int) -> Article:
    f = h.facts
    at = "" if h.placeless or rnd.random() < 0.15 else _place_phrase(rnd, f)
    when = _when(rnd, h, published)
    lead_text = _cap(_fill(lead, h, rnd, at, when))
    if not at and not h.placeless and rnd.random() < 0.4:  # the place only in the dateline
        lead_text = f"{f['city'].upper()} \u2014 {lead_text}"
    paragraphs = [[Sentence(lead_text, h.hid)]]
    details = rnd.sample(DETAILS[h.kind], k=rnd.randint(1, min(2, len(DETAILS[h.kind]))))
    for d in details:
        paragraphs.append([Sentence(_fill(d, h, rnd, at, when), h.hid)])
    if rnd.random() < 0.7:
        paragraphs.append([Sentence(_fill(rnd.choice(REMENTION[h.kind]), h, rnd, at, when), h.hid)])
    if rnd.random() < 0.5:
        paragraphs.append([Sentence(rnd.choice(BACKGROUND), None)])
    title = _fill(rnd.choice(TITLES[h.kind]), h, rnd, at, when)
    slug = "-".join(title.lower().replace("$", "").replace(".", "").split())[:60]
    host = outlet.lower().replace(" ", "") + ".example"
    return Article(f"https://{host}/{serial}-{slug}", title, outlet, published, paragraphs, h.hid)


def generate(seed: int, n_happenings: int = 60, day: datetime = DAY) -> list[Article]:
    """The articles of one day: ``n_happenings`` happenings, each told by one to three outlets (about 1.8 on
    average), in publication order."""
    rnd = random.Random(seed)
    articles: list[Article] = []
    for h in _happenings(rnd, n_happenings):
        n_outlets = rnd.choices((1, 2, 3), weights=(4, 4, 2))[0]
        outlets = rnd.sample(OUTLETS, n_outlets)
        pool = CRASH_LEADS[h.facts["scenario"]] if h.kind == "crash" else LEADS[h.kind]
        leads = rnd.sample(pool, min(n_outlets, len(pool)))
        first = day + timedelta(hours=rnd.randint(5, 18), minutes=rnd.randint(0, 59))
        for k, outlet in enumerate(outlets):
            published = first + timedelta(minutes=rnd.randint(0, 300) * (k > 0))
            if k > 0 and rnd.random() < 0.15:  # wire copy republished under a new first line
                base = articles[-1]
                copy = Article(base.url.replace(base.url.split("/")[2], outlet.lower().replace(" ", "") + ".example"),
                               base.title, outlet, published,
                               [list(p) for p in base.paragraphs[1:]] or [list(base.paragraphs[0])], h.hid)
                copy.paragraphs.insert(0, [Sentence(_cap(_fill(leads[k % len(leads)], h, rnd, "", "")), h.hid)])
                articles.append(copy)
                continue
            articles.append(_article(rnd, h, outlet, leads[k % len(leads)], published, len(articles)))
    articles.sort(key=lambda a: (a.published, a.url))
    return articles


def write_jsonl(articles: list[Article], path: Path) -> Path:
    path.write_text("".join(json.dumps(a.record()) + "\n" for a in articles), encoding="utf-8")
    return path


def _pairs(clusters: dict[object, list]) -> set[tuple]:
    out = set()
    for members in clusters.values():
        ms = sorted(members)
        out.update((a, b) for i, a in enumerate(ms) for b in ms[i + 1:])
    return out


def score(rows: list[tuple], texts: dict[str, str], articles: list[Article]) -> dict:
    """Events against the generated truth. ``rows``: ``(mention_id, url, trigger_start, event_class, event_id)``
    of every grouped mention (``event_mentions`` with an event); ``texts``: each document's stored text by URL.

    A mention belongs to the happening of the generated sentence its trigger lies in; its true event is that
    happening and its class (grouping never joins two classes; a shooting's "killed" and "died" are two events
    of one happening to grouping, as to the extractor). Mentions in sentences that report nothing are counted
    and left out. Pairwise and B-cubed precision and recall over the labelled mentions; ``mixed``: events
    holding mentions of two or more happenings; ``cross_outlet``: happenings told by two or more outlets whose
    lead sentences' mentions share an event across outlets."""
    spans: dict[str, list[tuple[int, int, int | None]]] = {}
    by_url = {a.url: a for a in articles}
    for url, text in texts.items():
        a = by_url[url]
        out, pos = [], 0
        for p in a.paragraphs:
            for s in p:
                start = text.find(s.text, pos)
                if start < 0:
                    start = text.find(s.text)
                if start >= 0:
                    out.append((start, start + len(s.text), s.happening))
                    pos = start + len(s.text)
        spans[url] = out
    gold: dict[int, tuple] = {}
    pred: dict[int, str] = {}
    unlabelled = 0
    lead_of: dict[int, tuple[str, int]] = {}
    for mention_id, url, start, cls, event_id in rows:
        h = next((hh for a, b, hh in spans.get(url, ()) if a <= start < b), None)
        if h is None:
            unlabelled += 1
            continue
        gold[mention_id] = (h, cls)
        pred[mention_id] = event_id
        lead_of[mention_id] = (url, start)
    by_gold, by_pred = defaultdict(list), defaultdict(list)
    for m, g in gold.items():
        by_gold[g].append(m)
        by_pred[pred[m]].append(m)
    gp, pp = _pairs(by_gold), _pairs(by_pred)
    hit = len(gp & pp)
    b_p = sum(sum(gold[o] == gold[m] for o in by_pred[pred[m]]) / len(by_pred[pred[m]]) for m in gold)
    b_r = sum(sum(pred[o] == pred[m] for o in by_gold[gold[m]]) / len(by_gold[gold[m]]) for m in gold)
    n = len(gold) or 1
    b_p, b_r = b_p / n, b_r / n
    mixed = [e for e, ms in by_pred.items() if len({gold[m][0] for m in ms}) > 1]
    # cross-outlet grouping of the happenings told by several outlets: the lead sentence's mentions
    outlets_of = defaultdict(set)
    for a in articles:
        outlets_of[a.happening].add(a.source)
    first_sentence = {a.url: a.paragraphs[0][0].text for a in articles}
    source_of = {a.url: a.source for a in articles}
    lead_events = defaultdict(lambda: defaultdict(set))  # happening -> event -> outlets
    for m, (url, start) in lead_of.items():
        text = texts[url]
        lead = first_sentence[url]
        i = text.find(lead)
        if i >= 0 and i <= start < i + len(lead):
            lead_events[gold[m][0]][pred[m]].add(source_of[url])
    several = [h for h, o in outlets_of.items() if len(o) > 1]
    grouped = sum(1 for h in several if any(len(o) > 1 for o in lead_events[h].values()))
    f1 = (2 * b_p * b_r / (b_p + b_r)) if b_p + b_r else 0.0
    return {
        "articles": len(articles), "happenings": len({a.happening for a in articles}),
        "mentions": len(gold), "unlabelled_mentions": unlabelled, "events": len(by_pred),
        "true_events": len(by_gold),
        "pairwise": {"precision": round(hit / len(pp), 3) if pp else 1.0,
                     "recall": round(hit / len(gp), 3) if gp else 1.0, "true_pairs": len(gp), "pairs": len(pp)},
        "bcubed": {"precision": round(b_p, 3), "recall": round(b_r, 3), "f1": round(f1, 3)},
        "mixed_events": len(mixed), "mixed_event_ids": sorted(mixed),
        "cross_outlet": {"happenings": len(several), "grouped": grouped},
    }
