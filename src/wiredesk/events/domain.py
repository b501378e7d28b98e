"""The page's domain, read from the words of its whole body: a page about a video game, a page about an
election with no sport in it. Pure.

Which sense a contest word ("game", "play", "won", "lost", "defeat") is in is often not in its sentence:
"Chromecast users enjoy the *game*", "before the *game* was released" (a video game), "Phil Bryant *won* in a
landslide" (an election, not a match). The page tells it: a page that names consoles and platforms is about a
video game; a page full of voters and candidates with no league, team or coach in it is about an election.
On such a page a ``CONTEST`` trigger is no sports happening (``contest_is_read``).

This is not the page-kind gate (``wiredesk.events.pagekind``): that decides whether a page is read at all (a
recipe, a product page); this chooses the sense of words on pages that are read (a news site's game review,
an election report). Words are matched as the body's lower-case words (``segment.words_of``).
"""

from __future__ import annotations

#: Words only a page about video games uses: platforms, consoles and the trade's own terms. Not "player",
#: "level", "character" or "save": sports and news pages use them as much.
VIDEO_GAME_WORDS = frozenset({
    "gameplay", "console", "consoles", "playstation", "xbox", "nintendo", "stadia", "steam",
    "multiplayer", "singleplayer", "dlc", "npc", "npcs", "gamers", "gamer", "villager", "villagers", "quests",
    "fps", "chromecast", "esports", "roguelike", "rpg", "mmo", "speedrun", "cutscene", "cutscenes"})
#: Distinct ``VIDEO_GAME_WORDS`` that make a page one about a video game (one alone is a passing mention:
#: "the game is on Xbox" in a sports page's aside).
VIDEO_GAME_MIN = 2
#: Words of an election.
ELECTION_WORDS = frozenset({
    "election", "elections", "voter", "voters", "ballot", "ballots", "primary", "primaries", "nominee",
    "candidate", "candidates", "electorate", "electoral", "incumbent", "landslide", "referendum", "polls",
    "constituency", "constituencies", "precinct", "precincts", "caucus", "caucuses"})
#: Distinct ``ELECTION_WORDS`` that make a page one about an election.
ELECTION_MIN = 3
#: Words only a sport uses: a page with any of them may report a match, whatever else it is about. Not
#: "season", "team", "goal", "match" or "coach": an election has its season, its team and its goals too.
SPORT_WORDS = frozenset({
    "league", "leagues", "tournament", "tournaments", "championship", "championships", "playoff", "playoffs",
    "quarterback", "touchdown", "inning", "innings", "striker", "midfielder", "goalkeeper", "nfl", "nba", "nhl",
    "mlb", "fifa", "uefa", "olympic", "olympics", "medal", "medals", "stadium", "fixture", "fixtures", "tennis",
    "football", "soccer", "baseball", "basketball", "hockey", "cricket", "rugby", "golf", "boxing", "athletics"})


def page_domains(words: set[str] | frozenset[str]) -> frozenset[str]:
    """The domains of a page whose body has these lower-case words: "video game", "election" (only with no
    sport word), or none."""
    out = set()
    if len(words & VIDEO_GAME_WORDS) >= VIDEO_GAME_MIN:
        out.add("video game")
    if len(words & ELECTION_WORDS) >= ELECTION_MIN and not words & SPORT_WORDS:
        out.add("election")
    return frozenset(out)


def contest_is_read(domains: frozenset[str]) -> bool:
    """Whether a ``CONTEST`` trigger on a page of these domains can be a match, a race or a game of a sport:
    not on a page about a video game ("enjoy the *game*") nor on an election page with no sport ("*won* in a
    landslide", "*lost* the primary": the election's own triggers tell those)."""
    return not domains & {"video game", "election"}
