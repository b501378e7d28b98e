from hypothesis import given, settings as hsettings, strategies as st

from wiredesk.dedup.settings import DedupSettings
from wiredesk.dedup.verify import MatchText, compare

S = DedupSettings()
WORDS = ["the", "militia", "embassy", "said", "Baghdad", "on", "Tuesday", "25", "fighters", "killed", "US", "a", "of"]


def verdict(a: str, b: str):
    return compare(MatchText.of(a), MatchText.of(b), S)


def test_a_lightly_edited_copy_is_near():
    v = verdict(
        "The central bank raised its benchmark interest rate by a quarter of a percentage point to 4.5 percent on Thursday, its ninth increase in a row.",
        "The central bank on Thursday raised its benchmark interest rate by a quarter of a percentage point to 4.5%, its ninth consecutive increase.",
    )
    assert v is not None and v.kind == "near" and S.near_threshold <= v.similarity < 1


def test_the_same_template_with_other_numbers_and_names_is_not_a_duplicate():
    assert verdict(
        "The governor declared a state of emergency in 12 counties on Wednesday as Hurricane Ida approached the coast with winds of 150 miles per hour.",
        "The governor declared a state of emergency in 31 counties on Friday as Hurricane Laura approached the coast with winds of 120 miles per hour.",
    ) is None


def test_a_long_shared_run_inside_a_longer_paragraph_is_partial():
    v = verdict(
        "The foreign minister said talks had been frank, but that significant differences remained over the future of the disputed border region and the return of refugees.",
        "No date was set for a new round. Officials on both sides acknowledged that significant differences remained over the future of the disputed border region and the return of refugees, and that a deal was unlikely before the summer.",
    )
    assert v is not None and v.kind == "partial" and S.partial_min_containment <= v.similarity <= 1


def test_same_exact_text_is_exact_with_similarity_one():
    v = compare(MatchText.of("x y"), MatchText.of("x y"), S, same_exact_text=True)
    assert (v.kind, v.similarity) == ("exact", 1.0)


@hsettings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=30), st.lists(st.sampled_from(WORDS), min_size=1, max_size=30))
def test_verification_is_symmetric(a, b):
    ta, tb = MatchText.of(" ".join(a)), MatchText.of(" ".join(b))
    assert compare(ta, tb, S) == compare(tb, ta, S)


@hsettings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=60), st.lists(st.sampled_from(WORDS), max_size=60))
def test_the_compiled_alignment_gives_difflibs_blocks(a, b):
    # verification aligns with cydifflib's SequenceMatcher: it must be difflib's algorithm, block for block
    from difflib import SequenceMatcher

    from wiredesk.dedup.verify import alignment

    expected = [tuple(blk) for blk in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks() if blk[2]]
    assert alignment(a, b) == expected


@hsettings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=40), st.lists(st.sampled_from(WORDS), min_size=1, max_size=40))
def test_skipping_the_count_bound_never_changes_a_verdict(a, b):
    ma, mb = MatchText.of(" ".join(a)), MatchText.of(" ".join(b + a[: len(a) // 2]))
    assert compare(ma, mb, S, bounded=True) == compare(ma, mb, S)


# -- compare_pairs: what the stage runs on a batch's pairs, the same verdicts as compare pair by pair ----------

def _rows_of(texts: list[str]):
    from wiredesk.dedup.matchtext import match_tokens_batch
    from wiredesk.dedup.verify import TokenRows

    return TokenRows.of(*match_tokens_batch(texts))


def assert_same_verdicts(texts: list[str], pairs: list[tuple[int, int]], settings: DedupSettings = S) -> int:
    """``compare_pairs`` on all ``pairs`` at once equals ``compare`` on each; returns the pairs that link."""
    from wiredesk.dedup.verify import compare_pairs

    got = compare_pairs(_rows_of(texts), pairs, settings)
    want = [compare(MatchText.of(texts[a]), MatchText.of(texts[b]), settings) for a, b in pairs]
    assert got == want
    return sum(v is not None for v in want)


def test_compare_pairs_gives_compares_verdicts_on_evaluation_and_multilingual_pairs():
    import json

    from conftest import REPO

    pairs = [json.loads(line) for line in (REPO / "bench" / "data" / "dedup_pairs.jsonl").read_text(encoding="utf-8").splitlines()]
    texts = [p[s] for p in pairs for s in ("a", "b")]
    # other languages, short and empty texts, a text with itself, capitalisation only
    texts += ["Die Bundesregierung hat am Dienstag in Berlin ein neues Gesetz zur Wohnungsnot beschlossen, teilte ein Sprecher mit.",
              "Die Bundesregierung hat am Dienstag ein neues Gesetz zur Wohnungsnot beschlossen, sagte ein Sprecher in Berlin.",
              "El Gobierno aprobó el martes en Madrid una nueva ley sobre la vivienda, informó un portavoz.",
              "Le gouvernement a adopté mardi à Paris une nouvelle loi sur le logement, a indiqué un porte-parole.",
              "Rząd przyjął we wtorek w Warszawie nową ustawę o mieszkalnictwie, poinformował rzecznik.",
              "", "...", "Yes.", "yes", "THE US EMBASSY IN BAGHDAD", "the us embassy in baghdad"]
    n = len(pairs)
    index = [(2 * i, 2 * i + 1) for i in range(n)] + [(2 * i + 1, 2 * i) for i in range(n)]
    extra = list(range(2 * n, len(texts)))
    index += [(a, b) for a in extra for b in extra] + [(a, 2 * i) for a in extra for i in range(0, n, 7)]
    assert assert_same_verdicts(texts, index) > 300
    # other decision settings
    for settings in (DedupSettings(near_threshold=0.6, near_containment=0.7, partial_min_run=5, partial_min_shared=6,
                                   partial_min_containment=0.05), DedupSettings(partial_min_run=12, near_threshold=0.95)):
        assert assert_same_verdicts(texts, index[: 2 * n], settings) > 100
    assert assert_same_verdicts(texts, []) == 0


@hsettings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS), max_size=40), min_size=2, max_size=6), st.data())
def test_compare_pairs_gives_compares_verdicts_on_fuzzed_partial_and_near_copies(word_lists, data):
    texts = [" ".join(words) for words in word_lists]
    for words in word_lists[:3]:  # a copy with a word changed, and one inside other words (partial overlaps)
        edited = list(words)
        if edited:
            edited[data.draw(st.integers(0, len(words) - 1))] = data.draw(st.sampled_from(WORDS))
        texts.append(" ".join(edited))
        texts.append(" ".join(data.draw(st.lists(st.sampled_from(WORDS), max_size=12)) + words
                              + data.draw(st.lists(st.sampled_from(WORDS), max_size=12))))
    assert_same_verdicts(texts, [(a, b) for a in range(len(texts)) for b in range(len(texts))])
